package dev.nodeless.examples.kubelet;

import dev.nodeless.ReferenceResolver;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the optional ConfigMap and Secret references of a pod whose object or key is missing. Core
 * skips them silently when it resolves the pod; the kubelet reports each one as a Warning event
 * with the reasons Virtual Kubelet uses, such as {@code OptionalConfigMapNotFound}.
 */
final class OptionalReferences {

  /** One optional reference that resolves to nothing. */
  record Missing(String reason, String message) {}

  private record Reference(String kind, String name, String key, String fieldPath) {}

  private OptionalReferences() {}

  /** Lists the missing optional references of a pod; each object is read once. */
  static List<Missing> find(Pod pod, ReferenceResolver resolver) {
    String namespace = pod.getMetadata().getNamespace();
    Map<String, Optional<Map<String, String>>> objects = new HashMap<>();
    List<Missing> missing = new ArrayList<>();
    for (Reference reference : optionalReferences(pod)) {
      Optional<Map<String, String>> data =
          objects.computeIfAbsent(
              reference.kind() + "/" + reference.name(),
              ignored -> keys(resolver, reference.kind(), namespace, reference.name()));
      if (data.isEmpty()) {
        missing.add(
            new Missing(
                "Optional" + reference.kind() + "NotFound",
                "optional "
                    + reference.kind()
                    + " "
                    + namespace
                    + "/"
                    + reference.name()
                    + " referenced by "
                    + reference.fieldPath()
                    + " was not found; the reference is skipped"));
      } else if (reference.key() != null && !data.get().containsKey(reference.key())) {
        missing.add(
            new Missing(
                "Optional" + reference.kind() + "KeyNotFound",
                "key \""
                    + reference.key()
                    + "\" of optional "
                    + reference.kind()
                    + " "
                    + namespace
                    + "/"
                    + reference.name()
                    + " referenced by "
                    + reference.fieldPath()
                    + " was not found; the variable is skipped"));
      }
    }
    return missing;
  }

  /** Returns the object's keys only, so that Secret values are not kept. */
  private static Optional<Map<String, String>> keys(
      ReferenceResolver resolver, String kind, String namespace, String name) {
    Map<String, String> keys = new HashMap<>();
    if ("ConfigMap".equals(kind)) {
      Optional<ConfigMap> configMap = resolver.configMap(namespace, name);
      if (configMap.isEmpty()) {
        return Optional.empty();
      }
      addKeys(keys, configMap.get().getData());
      addKeys(keys, configMap.get().getBinaryData());
    } else {
      Optional<Secret> secret = resolver.secret(namespace, name);
      if (secret.isEmpty()) {
        return Optional.empty();
      }
      addKeys(keys, secret.get().getData());
      addKeys(keys, secret.get().getStringData());
    }
    return Optional.of(keys);
  }

  private static void addKeys(Map<String, String> keys, Map<String, String> data) {
    if (data != null) {
      data.keySet().forEach(key -> keys.put(key, ""));
    }
  }

  private static List<Reference> optionalReferences(Pod pod) {
    List<Reference> references = new ArrayList<>();
    List<Container> inits = pod.getSpec().getInitContainers();
    for (int i = 0; inits != null && i < inits.size(); i++) {
      containerReferences(inits.get(i), "spec.initContainers[" + i + "]", references);
    }
    List<Container> containers = pod.getSpec().getContainers();
    for (int i = 0; containers != null && i < containers.size(); i++) {
      containerReferences(containers.get(i), "spec.containers[" + i + "]", references);
    }
    List<Volume> volumes = pod.getSpec().getVolumes();
    for (int i = 0; volumes != null && i < volumes.size(); i++) {
      volumeReferences(volumes.get(i), "spec.volumes[" + i + "]", references);
    }
    return references;
  }

  private static void containerReferences(
      Container container, String path, List<Reference> references) {
    List<EnvVar> env = container.getEnv();
    for (int i = 0; env != null && i < env.size(); i++) {
      EnvVar variable = env.get(i);
      if (variable.getValueFrom() == null) {
        continue;
      }
      String at = path + ".env[" + i + "].valueFrom";
      var configMapKey = variable.getValueFrom().getConfigMapKeyRef();
      if (configMapKey != null && Boolean.TRUE.equals(configMapKey.getOptional())) {
        references.add(
            new Reference(
                "ConfigMap",
                configMapKey.getName(),
                configMapKey.getKey(),
                at + ".configMapKeyRef"));
      }
      var secretKey = variable.getValueFrom().getSecretKeyRef();
      if (secretKey != null && Boolean.TRUE.equals(secretKey.getOptional())) {
        references.add(
            new Reference("Secret", secretKey.getName(), secretKey.getKey(), at + ".secretKeyRef"));
      }
    }
    List<EnvFromSource> envFrom = container.getEnvFrom();
    for (int i = 0; envFrom != null && i < envFrom.size(); i++) {
      EnvFromSource source = envFrom.get(i);
      String at = path + ".envFrom[" + i + "]";
      if (source.getConfigMapRef() != null
          && Boolean.TRUE.equals(source.getConfigMapRef().getOptional())) {
        references.add(
            new Reference(
                "ConfigMap", source.getConfigMapRef().getName(), null, at + ".configMapRef"));
      }
      if (source.getSecretRef() != null
          && Boolean.TRUE.equals(source.getSecretRef().getOptional())) {
        references.add(
            new Reference("Secret", source.getSecretRef().getName(), null, at + ".secretRef"));
      }
    }
  }

  private static void volumeReferences(Volume volume, String path, List<Reference> references) {
    if (volume.getConfigMap() != null && Boolean.TRUE.equals(volume.getConfigMap().getOptional())) {
      references.add(
          new Reference("ConfigMap", volume.getConfigMap().getName(), null, path + ".configMap"));
    }
    if (volume.getSecret() != null && Boolean.TRUE.equals(volume.getSecret().getOptional())) {
      references.add(
          new Reference("Secret", volume.getSecret().getSecretName(), null, path + ".secret"));
    }
    if (volume.getProjected() == null || volume.getProjected().getSources() == null) {
      return;
    }
    List<VolumeProjection> sources = volume.getProjected().getSources();
    for (int i = 0; i < sources.size(); i++) {
      VolumeProjection source = sources.get(i);
      String at = path + ".projected.sources[" + i + "]";
      if (source.getConfigMap() != null
          && Boolean.TRUE.equals(source.getConfigMap().getOptional())) {
        references.add(
            new Reference("ConfigMap", source.getConfigMap().getName(), null, at + ".configMap"));
      }
      if (source.getSecret() != null && Boolean.TRUE.equals(source.getSecret().getOptional())) {
        references.add(new Reference("Secret", source.getSecret().getName(), null, at + ".secret"));
      }
    }
  }
}
