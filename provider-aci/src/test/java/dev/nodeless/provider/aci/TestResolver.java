package dev.nodeless.provider.aci;

import com.azure.json.JsonProviders;
import com.azure.json.JsonReader;
import dev.nodeless.spi.EnvValue;
import dev.nodeless.spi.RegistryCredential;
import dev.nodeless.spi.ResolvedContainer;
import dev.nodeless.spi.ResolvedPod;
import dev.nodeless.spi.ResolvedVolume;
import dev.nodeless.spi.VolumeFile;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.DownwardAPIVolumeFile;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ObjectFieldSelector;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Resolves a pod's ConfigMap, Secret, downward API and pull-secret references against a fixed set
 * of objects, enough to feed fixture pods to the translator.
 */
// TODO: replace with core's resolver once it lands on main.
final class TestResolver {
  static final String TOKEN = "service-account-token";

  private final Map<String, ConfigMap> configMaps = new LinkedHashMap<>();
  private final Map<String, Secret> secrets = new LinkedHashMap<>();

  TestResolver(List<? extends HasMetadata> objects) {
    for (HasMetadata object : objects) {
      if (object instanceof ConfigMap map) {
        configMaps.put(map.getMetadata().getName(), map);
      } else if (object instanceof Secret secret) {
        secrets.put(secret.getMetadata().getName(), secret);
      }
    }
  }

  /** Gives the pod a namespace and a UID derived from its name when it has none. */
  static Pod identified(Pod pod) {
    PodBuilder builder = new PodBuilder(pod);
    if (pod.getMetadata().getNamespace() == null) {
      builder.editMetadata().withNamespace("default").endMetadata();
    }
    if (pod.getMetadata().getUid() == null) {
      String uid =
          UUID.nameUUIDFromBytes(pod.getMetadata().getName().getBytes(StandardCharsets.UTF_8))
              .toString();
      builder.editMetadata().withUid(uid).endMetadata();
    }
    return builder.build();
  }

  ResolvedPod resolve(Pod original) {
    Pod pod = identified(original);
    List<ResolvedContainer> inits = new ArrayList<>();
    List<Container> initSpecs = pod.getSpec().getInitContainers();
    for (int i = 0; initSpecs != null && i < initSpecs.size(); i++) {
      inits.add(container(pod, initSpecs.get(i), "spec.initContainers[" + i + "]", true));
    }
    List<ResolvedContainer> apps = new ArrayList<>();
    List<Container> appSpecs = pod.getSpec().getContainers();
    for (int i = 0; i < appSpecs.size(); i++) {
      apps.add(container(pod, appSpecs.get(i), "spec.containers[" + i + "]", false));
    }
    Map<String, ResolvedVolume> volumes = new LinkedHashMap<>();
    if (pod.getSpec().getVolumes() != null) {
      for (Volume volume : pod.getSpec().getVolumes()) {
        ResolvedVolume resolved = volume(pod, volume);
        if (resolved != null) {
          volumes.put(volume.getName(), resolved);
        }
      }
    }
    return new ResolvedPod(pod, inits, apps, volumes, credentials(pod));
  }

  private ResolvedContainer container(Pod pod, Container spec, String path, boolean init) {
    Map<String, EnvValue> env = new LinkedHashMap<>();
    for (EnvFromSource source :
        spec.getEnvFrom() == null ? List.<EnvFromSource>of() : spec.getEnvFrom()) {
      String prefix = source.getPrefix() == null ? "" : source.getPrefix();
      if (source.getConfigMapRef() != null) {
        String name = source.getConfigMapRef().getName();
        configMapData(name)
            .forEach(
                (key, value) ->
                    put(
                        env,
                        new EnvValue(prefix + key, value, EnvValue.Source.CONFIG_MAP, name, null)));
      } else if (source.getSecretRef() != null) {
        String name = source.getSecretRef().getName();
        secretData(name)
            .forEach(
                (key, value) ->
                    put(
                        env,
                        new EnvValue(
                            prefix + key,
                            new String(value, StandardCharsets.UTF_8),
                            EnvValue.Source.SECRET,
                            name,
                            null)));
      }
    }
    for (EnvVar var : spec.getEnv() == null ? List.<EnvVar>of() : spec.getEnv()) {
      put(env, envValue(pod, var));
    }
    return new ResolvedContainer(
        spec,
        path,
        init,
        spec.getCommand() == null ? List.of() : spec.getCommand(),
        spec.getArgs() == null ? List.of() : spec.getArgs(),
        new ArrayList<>(env.values()));
  }

  private static void put(Map<String, EnvValue> env, EnvValue value) {
    env.remove(value.name());
    env.put(value.name(), value);
  }

  private EnvValue envValue(Pod pod, EnvVar var) {
    if (var.getValueFrom() == null) {
      return EnvValue.literal(var.getName(), var.getValue() == null ? "" : var.getValue());
    }
    var from = var.getValueFrom();
    if (from.getConfigMapKeyRef() != null) {
      String name = from.getConfigMapKeyRef().getName();
      String key = from.getConfigMapKeyRef().getKey();
      return new EnvValue(
          var.getName(), required(configMapData(name), key), EnvValue.Source.CONFIG_MAP, name, key);
    }
    if (from.getSecretKeyRef() != null) {
      String name = from.getSecretKeyRef().getName();
      String key = from.getSecretKeyRef().getKey();
      byte[] value = required(secretData(name), key);
      return new EnvValue(
          var.getName(),
          new String(value, StandardCharsets.UTF_8),
          EnvValue.Source.SECRET,
          name,
          key);
    }
    if (from.getFieldRef() != null) {
      return new EnvValue(
          var.getName(), field(pod, from.getFieldRef()), EnvValue.Source.FIELD, null, null);
    }
    return new EnvValue(var.getName(), "1", EnvValue.Source.RESOURCE, null, null);
  }

  private static String field(Pod pod, ObjectFieldSelector selector) {
    String path = selector.getFieldPath();
    var meta = pod.getMetadata();
    return switch (path) {
      case "metadata.name" -> meta.getName();
      case "metadata.namespace" -> meta.getNamespace();
      case "metadata.uid" -> meta.getUid();
      case "metadata.labels" -> lines(meta.getLabels());
      case "metadata.annotations" -> lines(meta.getAnnotations());
      case "spec.nodeName" -> "aci";
      case "spec.serviceAccountName" ->
          pod.getSpec().getServiceAccountName() == null
              ? "default"
              : pod.getSpec().getServiceAccountName();
      default -> "";
    };
  }

  private static String lines(Map<String, String> values) {
    StringBuilder text = new StringBuilder();
    new TreeMap<>(values == null ? Map.<String, String>of() : values)
        .forEach((key, value) -> text.append(key).append("=\"").append(value).append("\"\n"));
    return text.toString();
  }

  private ResolvedVolume volume(Pod pod, Volume volume) {
    List<VolumeFile> files = new ArrayList<>();
    boolean secret = false;
    if (volume.getConfigMap() != null) {
      addConfigMap(files, volume.getConfigMap().getName(), volume.getConfigMap().getItems());
    } else if (volume.getSecret() != null) {
      secret = true;
      addSecret(files, volume.getSecret().getSecretName(), volume.getSecret().getItems());
    } else if (volume.getDownwardAPI() != null) {
      addDownward(files, pod, volume.getDownwardAPI().getItems());
    } else if (volume.getProjected() != null) {
      for (VolumeProjection source : volume.getProjected().getSources()) {
        if (source.getConfigMap() != null) {
          addConfigMap(files, source.getConfigMap().getName(), source.getConfigMap().getItems());
        } else if (source.getSecret() != null) {
          secret = true;
          addSecret(files, source.getSecret().getName(), source.getSecret().getItems());
        } else if (source.getDownwardAPI() != null) {
          addDownward(files, pod, source.getDownwardAPI().getItems());
        } else if (source.getServiceAccountToken() != null) {
          secret = true;
          files.add(
              new VolumeFile(
                  source.getServiceAccountToken().getPath(),
                  TOKEN.getBytes(StandardCharsets.UTF_8),
                  0644,
                  true));
        }
      }
    } else {
      return null;
    }
    return new ResolvedVolume(volume.getName(), secret, files);
  }

  private void addConfigMap(List<VolumeFile> files, String name, List<KeyToPath> items) {
    Map<String, String> data = configMapData(name);
    for (Map.Entry<String, String> entry : select(data, items).entrySet()) {
      files.add(
          new VolumeFile(
              entry.getKey(),
              data.get(entry.getValue()).getBytes(StandardCharsets.UTF_8),
              0644,
              false));
    }
  }

  private void addSecret(List<VolumeFile> files, String name, List<KeyToPath> items) {
    Map<String, byte[]> data = secretData(name);
    for (Map.Entry<String, String> entry : select(data, items).entrySet()) {
      files.add(new VolumeFile(entry.getKey(), data.get(entry.getValue()), 0644, true));
    }
  }

  /** Maps file path to key: every key under its own name, or only the listed items. */
  private static Map<String, String> select(Map<String, ?> data, List<KeyToPath> items) {
    Map<String, String> paths = new TreeMap<>();
    if (items == null || items.isEmpty()) {
      data.keySet().forEach(key -> paths.put(key, key));
    } else {
      for (KeyToPath item : items) {
        if (!data.containsKey(item.getKey())) {
          throw new IllegalArgumentException("missing key " + item.getKey());
        }
        paths.put(item.getPath(), item.getKey());
      }
    }
    return paths;
  }

  private static void addDownward(
      List<VolumeFile> files, Pod pod, List<DownwardAPIVolumeFile> items) {
    for (DownwardAPIVolumeFile item : items) {
      String content = item.getFieldRef() != null ? field(pod, item.getFieldRef()) : "1";
      files.add(
          new VolumeFile(item.getPath(), content.getBytes(StandardCharsets.UTF_8), 0644, false));
    }
  }

  private Map<String, String> configMapData(String name) {
    ConfigMap map = configMaps.get(name);
    if (map == null) {
      throw new IllegalArgumentException("test lacks ConfigMap " + name);
    }
    Map<String, String> data = new TreeMap<>();
    if (map.getData() != null) {
      data.putAll(map.getData());
    }
    return data;
  }

  private Map<String, byte[]> secretData(String name) {
    Secret secret = secrets.get(name);
    if (secret == null) {
      throw new IllegalArgumentException("test lacks Secret " + name);
    }
    Map<String, byte[]> data = new TreeMap<>();
    if (secret.getData() != null) {
      secret.getData().forEach((key, value) -> data.put(key, Base64.getDecoder().decode(value)));
    }
    if (secret.getStringData() != null) {
      secret
          .getStringData()
          .forEach((key, value) -> data.put(key, value.getBytes(StandardCharsets.UTF_8)));
    }
    return data;
  }

  private static <T> T required(Map<String, T> data, String key) {
    T value = data.get(key);
    if (value == null) {
      throw new IllegalArgumentException("missing key " + key);
    }
    return value;
  }

  @SuppressWarnings("unchecked")
  private List<RegistryCredential> credentials(Pod pod) {
    List<RegistryCredential> result = new ArrayList<>();
    List<LocalObjectReference> refs = pod.getSpec().getImagePullSecrets();
    for (LocalObjectReference ref : refs == null ? List.<LocalObjectReference>of() : refs) {
      byte[] config = required(secretData(ref.getName()), ".dockerconfigjson");
      try (JsonReader reader = JsonProviders.createReader(config)) {
        Map<String, Object> root = (Map<String, Object>) reader.readUntyped();
        Map<String, Object> auths = (Map<String, Object>) root.get("auths");
        new TreeMap<>(auths)
            .forEach(
                (server, entry) -> {
                  Map<String, Object> auth = (Map<String, Object>) entry;
                  result.add(
                      new RegistryCredential(
                          ref.getName(),
                          server,
                          String.valueOf(auth.get("username")),
                          String.valueOf(auth.get("password"))));
                });
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return result;
  }
}
