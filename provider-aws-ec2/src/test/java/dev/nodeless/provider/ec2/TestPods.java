package dev.nodeless.provider.ec2;

import dev.nodeless.spi.EnvValue;
import dev.nodeless.spi.ResolvedContainer;
import dev.nodeless.spi.ResolvedPod;
import dev.nodeless.spi.ResolvedVolume;
import dev.nodeless.spi.VolumeFile;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Builds {@link ResolvedPod}s for tests the way the launcher does: a UID and namespace are set, and
 * each env entry is resolved. Values from {@code secretKeyRef} and {@code secretRef} become secret
 * values read from the given secrets; {@code configMapKeyRef} values come from the config maps.
 */
final class TestPods {
  private TestPods() {}

  static ResolvedPod resolved(Pod pod) {
    return resolved(pod, Map.of(), Map.of());
  }

  /**
   * @param secrets secret name to key to value
   * @param configMaps config map name to key to value
   */
  static ResolvedPod resolved(
      Pod pod,
      Map<String, Map<String, String>> secrets,
      Map<String, Map<String, String>> configMaps) {
    Pod launched = withIdentity(pod);
    List<ResolvedContainer> inits = new ArrayList<>();
    List<ResolvedContainer> apps = new ArrayList<>();
    List<Container> initSpecs = launched.getSpec().getInitContainers();
    for (int i = 0; initSpecs != null && i < initSpecs.size(); i++) {
      inits.add(
          container(initSpecs.get(i), "spec.initContainers[" + i + "]", true, secrets, configMaps));
    }
    List<Container> appSpecs = launched.getSpec().getContainers();
    for (int i = 0; appSpecs != null && i < appSpecs.size(); i++) {
      apps.add(
          container(appSpecs.get(i), "spec.containers[" + i + "]", false, secrets, configMaps));
    }
    return new ResolvedPod(launched, inits, apps, volumes(launched, secrets, configMaps));
  }

  /** The secret and configMap volumes with every key as a file; enough for these tests. */
  private static Map<String, ResolvedVolume> volumes(
      Pod pod,
      Map<String, Map<String, String>> secrets,
      Map<String, Map<String, String>> configMaps) {
    Map<String, ResolvedVolume> volumes = new java.util.TreeMap<>();
    if (pod.getSpec().getVolumes() == null) {
      return volumes;
    }
    for (Volume volume : pod.getSpec().getVolumes()) {
      if (volume.getSecret() != null) {
        Map<String, String> data =
            secrets.getOrDefault(volume.getSecret().getSecretName(), Map.of());
        volumes.put(
            volume.getName(), new ResolvedVolume(volume.getName(), true, files(data, true)));
      } else if (volume.getConfigMap() != null) {
        Map<String, String> data =
            configMaps.getOrDefault(volume.getConfigMap().getName(), Map.of());
        volumes.put(
            volume.getName(), new ResolvedVolume(volume.getName(), false, files(data, false)));
      }
    }
    return volumes;
  }

  private static List<VolumeFile> files(Map<String, String> data, boolean secret) {
    List<VolumeFile> files = new ArrayList<>();
    new java.util.TreeMap<>(data)
        .forEach(
            (key, value) ->
                files.add(
                    new VolumeFile(key, value.getBytes(StandardCharsets.UTF_8), 0644, secret)));
    return files;
  }

  /** Sets a UID derived from the pod name (so runs repeat) and the default namespace if unset. */
  static Pod withIdentity(Pod pod) {
    PodBuilder builder = new PodBuilder(pod);
    if (pod.getMetadata().getUid() == null) {
      String seed = pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
      builder
          .editMetadata()
          .withUid(UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8)).toString())
          .endMetadata();
    }
    if (pod.getMetadata().getNamespace() == null) {
      builder.editMetadata().withNamespace("default").endMetadata();
    }
    return builder.build();
  }

  private static ResolvedContainer container(
      Container container,
      String path,
      boolean init,
      Map<String, Map<String, String>> secrets,
      Map<String, Map<String, String>> configMaps) {
    List<EnvValue> env = new ArrayList<>();
    if (container.getEnvFrom() != null) {
      container
          .getEnvFrom()
          .forEach(
              source -> {
                if (source.getSecretRef() != null) {
                  String name = source.getSecretRef().getName();
                  secrets
                      .getOrDefault(name, Map.of())
                      .forEach(
                          (key, value) ->
                              env.add(
                                  new EnvValue(key, value, EnvValue.Source.SECRET, name, null)));
                }
                if (source.getConfigMapRef() != null) {
                  String name = source.getConfigMapRef().getName();
                  configMaps
                      .getOrDefault(name, Map.of())
                      .forEach(
                          (key, value) ->
                              env.add(
                                  new EnvValue(
                                      key, value, EnvValue.Source.CONFIG_MAP, name, null)));
                }
              });
    }
    if (container.getEnv() != null) {
      for (EnvVar var : container.getEnv()) {
        env.add(resolve(var, secrets, configMaps));
      }
    }
    return new ResolvedContainer(
        container,
        path,
        init,
        container.getCommand() == null ? List.of() : container.getCommand(),
        container.getArgs() == null ? List.of() : container.getArgs(),
        env);
  }

  private static EnvValue resolve(
      EnvVar var,
      Map<String, Map<String, String>> secrets,
      Map<String, Map<String, String>> configMaps) {
    if (var.getValueFrom() != null && var.getValueFrom().getSecretKeyRef() != null) {
      String name = var.getValueFrom().getSecretKeyRef().getName();
      String key = var.getValueFrom().getSecretKeyRef().getKey();
      String value = secrets.getOrDefault(name, Map.of()).getOrDefault(key, "");
      return new EnvValue(var.getName(), value, EnvValue.Source.SECRET, name, key);
    }
    if (var.getValueFrom() != null && var.getValueFrom().getConfigMapKeyRef() != null) {
      String name = var.getValueFrom().getConfigMapKeyRef().getName();
      String key = var.getValueFrom().getConfigMapKeyRef().getKey();
      String value = configMaps.getOrDefault(name, Map.of()).getOrDefault(key, "");
      return new EnvValue(var.getName(), value, EnvValue.Source.CONFIG_MAP, name, key);
    }
    if (var.getValueFrom() != null) {
      return new EnvValue(var.getName(), "", EnvValue.Source.FIELD, null, null);
    }
    return EnvValue.literal(var.getName(), var.getValue() == null ? "" : var.getValue());
  }
}
