package dev.nodeless.provider.fargate;

import dev.nodeless.spi.EnvValue;
import dev.nodeless.spi.ResolvedContainer;
import dev.nodeless.spi.ResolvedPod;
import dev.nodeless.spi.ResolvedVolume;
import dev.nodeless.spi.VolumeFile;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.DownwardAPIVolumeFile;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Resolves pods for tests the way the launcher does before a provider sees them: assigns a UID and
 * namespace, resolves env and envFrom against the given ConfigMaps and Secrets, expands {@code
 * $(VAR)} in env values, command and args, and renders configMap, secret, downwardAPI and projected
 * volumes. It covers what the Fargate tests need and fails on anything it cannot resolve.
 */
// TODO: switch to core's resolver (PodPreparer) once core-prep lands on main.
final class TestPods {
  private TestPods() {}

  /** Resolves a pod that has no references. */
  static ResolvedPod resolve(Pod pod) {
    return resolve(pod, List.of());
  }

  /** Resolves a pod against ConfigMaps and Secrets. */
  static ResolvedPod resolve(Pod pod, List<? extends HasMetadata> objects) {
    Pod launched = withIdentity(pod);
    String namespace = launched.getMetadata().getNamespace();
    Resolver resolver = new Resolver(launched, namespace, objects);
    List<ResolvedContainer> inits = new ArrayList<>();
    List<Container> initSpecs = launched.getSpec().getInitContainers();
    for (int i = 0; initSpecs != null && i < initSpecs.size(); i++) {
      inits.add(resolver.container(initSpecs.get(i), "spec.initContainers[" + i + "]", true));
    }
    List<ResolvedContainer> apps = new ArrayList<>();
    List<Container> appSpecs = launched.getSpec().getContainers();
    for (int i = 0; i < appSpecs.size(); i++) {
      apps.add(resolver.container(appSpecs.get(i), "spec.containers[" + i + "]", false));
    }
    Map<String, ResolvedVolume> volumes = new LinkedHashMap<>();
    if (launched.getSpec().getVolumes() != null) {
      for (Volume volume : launched.getSpec().getVolumes()) {
        ResolvedVolume resolved = resolver.volume(volume);
        if (resolved != null) {
          volumes.put(volume.getName(), resolved);
        }
      }
    }
    return new ResolvedPod(launched, inits, apps, volumes);
  }

  /** The pod with a namespace and a UID derived from its name, as the launcher would set them. */
  static Pod withIdentity(Pod pod) {
    PodBuilder builder = new PodBuilder(pod);
    String namespace =
        pod.getMetadata().getNamespace() == null ? "default" : pod.getMetadata().getNamespace();
    String uid =
        pod.getMetadata().getUid() != null
            ? pod.getMetadata().getUid()
            : UUID.nameUUIDFromBytes(
                    (namespace + "/" + pod.getMetadata().getName())
                        .getBytes(StandardCharsets.UTF_8))
                .toString();
    return builder.editMetadata().withNamespace(namespace).withUid(uid).endMetadata().build();
  }

  private static final class Resolver {
    private final Pod pod;
    private final String namespace;
    private final List<? extends HasMetadata> objects;

    Resolver(Pod pod, String namespace, List<? extends HasMetadata> objects) {
      this.pod = pod;
      this.namespace = namespace;
      this.objects = objects;
    }

    ResolvedContainer container(Container container, String path, boolean init) {
      Map<String, EnvValue> env = new LinkedHashMap<>();
      if (container.getEnvFrom() != null) {
        for (EnvFromSource source : container.getEnvFrom()) {
          String prefix = source.getPrefix() == null ? "" : source.getPrefix();
          if (source.getConfigMapRef() != null) {
            String name = source.getConfigMapRef().getName();
            configMap(name)
                .forEach(
                    (key, value) ->
                        put(
                            env,
                            new EnvValue(
                                prefix + key, value, EnvValue.Source.CONFIG_MAP, name, null)));
          }
          if (source.getSecretRef() != null) {
            String name = source.getSecretRef().getName();
            secret(name)
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
      }
      if (container.getEnv() != null) {
        for (EnvVar variable : container.getEnv()) {
          put(env, value(variable, env, container));
        }
      }
      return new ResolvedContainer(
          container,
          path,
          init,
          expandAll(container.getCommand(), env),
          expandAll(container.getArgs(), env),
          List.copyOf(env.values()));
    }

    private static void put(Map<String, EnvValue> env, EnvValue value) {
      env.remove(value.name());
      env.put(value.name(), value);
    }

    private EnvValue value(EnvVar variable, Map<String, EnvValue> env, Container container) {
      String name = variable.getName();
      EnvVarSource from = variable.getValueFrom();
      if (from == null) {
        String value = variable.getValue() == null ? "" : expand(variable.getValue(), env);
        return new EnvValue(name, value, EnvValue.Source.LITERAL, null, null);
      }
      if (from.getConfigMapKeyRef() != null) {
        String object = from.getConfigMapKeyRef().getName();
        String key = from.getConfigMapKeyRef().getKey();
        String value = Objects.requireNonNull(configMap(object).get(key), object + "/" + key);
        return new EnvValue(name, value, EnvValue.Source.CONFIG_MAP, object, key);
      }
      if (from.getSecretKeyRef() != null) {
        String object = from.getSecretKeyRef().getName();
        String key = from.getSecretKeyRef().getKey();
        byte[] value = Objects.requireNonNull(secret(object).get(key), object + "/" + key);
        return new EnvValue(
            name, new String(value, StandardCharsets.UTF_8), EnvValue.Source.SECRET, object, key);
      }
      if (from.getFieldRef() != null) {
        return new EnvValue(
            name, field(from.getFieldRef().getFieldPath()), EnvValue.Source.FIELD, null, null);
      }
      if (from.getResourceFieldRef() != null) {
        return new EnvValue(name, "1", EnvValue.Source.RESOURCE, null, null);
      }
      throw new IllegalArgumentException(
          "cannot resolve env " + name + " of " + container.getName());
    }

    ResolvedVolume volume(Volume volume) {
      List<VolumeFile> files = new ArrayList<>();
      boolean secret = false;
      if (volume.getConfigMap() != null) {
        addItems(
            files,
            configMapBytes(volume.getConfigMap().getName()),
            volume.getConfigMap().getItems(),
            mode(volume.getConfigMap().getDefaultMode()),
            false);
      } else if (volume.getSecret() != null) {
        secret = true;
        addItems(
            files,
            secret(volume.getSecret().getSecretName()),
            volume.getSecret().getItems(),
            mode(volume.getSecret().getDefaultMode()),
            true);
      } else if (volume.getDownwardAPI() != null) {
        addFields(
            files,
            volume.getDownwardAPI().getItems(),
            mode(volume.getDownwardAPI().getDefaultMode()));
      } else if (volume.getProjected() != null) {
        int mode = mode(volume.getProjected().getDefaultMode());
        for (VolumeProjection source : volume.getProjected().getSources()) {
          if (source.getConfigMap() != null) {
            addItems(
                files,
                configMapBytes(source.getConfigMap().getName()),
                source.getConfigMap().getItems(),
                mode,
                false);
          } else if (source.getSecret() != null) {
            secret = true;
            addItems(
                files,
                secret(source.getSecret().getName()),
                source.getSecret().getItems(),
                mode,
                true);
          } else if (source.getDownwardAPI() != null) {
            addFields(files, source.getDownwardAPI().getItems(), mode);
          }
        }
      } else {
        return null;
      }
      return new ResolvedVolume(volume.getName(), secret, files);
    }

    private static int mode(Integer mode) {
      return mode == null ? 0644 : mode;
    }

    private static void addItems(
        List<VolumeFile> files,
        Map<String, byte[]> data,
        List<KeyToPath> items,
        int mode,
        boolean secret) {
      if (items == null || items.isEmpty()) {
        data.forEach((key, value) -> files.add(new VolumeFile(key, value, mode, secret)));
        return;
      }
      for (KeyToPath item : items) {
        byte[] value = Objects.requireNonNull(data.get(item.getKey()), item.getKey());
        files.add(
            new VolumeFile(
                item.getPath(), value, item.getMode() == null ? mode : item.getMode(), secret));
      }
    }

    private void addFields(List<VolumeFile> files, List<DownwardAPIVolumeFile> items, int mode) {
      for (DownwardAPIVolumeFile item : items) {
        String value = item.getFieldRef() != null ? field(item.getFieldRef().getFieldPath()) : "1";
        files.add(
            new VolumeFile(
                item.getPath(),
                value.getBytes(StandardCharsets.UTF_8),
                item.getMode() == null ? mode : item.getMode(),
                false));
      }
    }

    private String field(String path) {
      return switch (path) {
        case "metadata.name" -> pod.getMetadata().getName();
        case "metadata.namespace" -> namespace;
        case "metadata.uid" -> pod.getMetadata().getUid();
        case "spec.serviceAccountName" ->
            pod.getSpec().getServiceAccountName() == null
                ? "default"
                : pod.getSpec().getServiceAccountName();
        case "metadata.labels" -> render(pod.getMetadata().getLabels());
        case "metadata.annotations" -> render(pod.getMetadata().getAnnotations());
        default -> {
          if (path.startsWith("metadata.labels['")) {
            yield pod.getMetadata().getLabels().get(path.substring(17, path.length() - 2));
          }
          yield "field-" + path;
        }
      };
    }

    private static String render(Map<String, String> map) {
      StringBuilder text = new StringBuilder();
      if (map != null) {
        new java.util.TreeMap<>(map)
            .forEach((key, value) -> text.append(key).append("=\"").append(value).append("\"\n"));
      }
      return text.toString();
    }

    private Map<String, String> configMap(String name) {
      Map<String, String> data = new LinkedHashMap<>();
      configMapBytes(name)
          .forEach((key, value) -> data.put(key, new String(value, StandardCharsets.UTF_8)));
      return data;
    }

    private Map<String, byte[]> configMapBytes(String name) {
      for (HasMetadata object : objects) {
        if (object instanceof ConfigMap map && name.equals(map.getMetadata().getName())) {
          Map<String, byte[]> data = new LinkedHashMap<>();
          if (map.getData() != null) {
            new java.util.TreeMap<>(map.getData())
                .forEach((key, value) -> data.put(key, value.getBytes(StandardCharsets.UTF_8)));
          }
          return data;
        }
      }
      throw new IllegalArgumentException("no ConfigMap " + name);
    }

    private Map<String, byte[]> secret(String name) {
      for (HasMetadata object : objects) {
        if (object instanceof Secret secret && name.equals(secret.getMetadata().getName())) {
          Map<String, byte[]> data = new LinkedHashMap<>();
          if (secret.getData() != null) {
            new java.util.TreeMap<>(secret.getData())
                .forEach((key, value) -> data.put(key, Base64.getDecoder().decode(value)));
          }
          if (secret.getStringData() != null) {
            new java.util.TreeMap<>(secret.getStringData())
                .forEach((key, value) -> data.put(key, value.getBytes(StandardCharsets.UTF_8)));
          }
          return data;
        }
      }
      throw new IllegalArgumentException("no Secret " + name);
    }
  }

  private static List<String> expandAll(List<String> items, Map<String, EnvValue> env) {
    if (items == null) {
      return List.of();
    }
    return items.stream().map(item -> expand(item, env)).toList();
  }

  /** Expands {@code $(VAR)} with earlier variables; {@code $$} is a literal dollar. */
  static String expand(String text, Map<String, EnvValue> env) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == '$' && i + 1 < text.length() && text.charAt(i + 1) == '$') {
        out.append('$');
        i += 2;
      } else if (c == '$' && i + 1 < text.length() && text.charAt(i + 1) == '(') {
        int close = text.indexOf(')', i + 2);
        if (close < 0) {
          out.append(text, i, text.length());
          break;
        }
        String name = text.substring(i + 2, close);
        EnvValue value = env.get(name);
        out.append(value == null ? text.substring(i, close + 1) : value.value());
        i = close + 1;
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }
}
