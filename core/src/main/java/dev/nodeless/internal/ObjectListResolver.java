package dev.nodeless.internal;

import dev.nodeless.ReferenceResolver;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@link ReferenceResolver} behind {@link ReferenceResolver#of}: an immutable index of
 * ConfigMaps and Secrets by namespace and name. Objects are deep-copied, so later changes to the
 * caller's objects do not show.
 */
public final class ObjectListResolver implements ReferenceResolver {
  /** Namespace key of objects that carry no namespace and so match every namespace. */
  private static final String ANY_NAMESPACE = "";

  private final Map<String, Map<String, ConfigMap>> configMaps = new HashMap<>();
  private final Map<String, Map<String, Secret>> secrets = new HashMap<>();

  public ObjectListResolver(Collection<? extends HasMetadata> objects) {
    Objects.requireNonNull(objects, "objects");
    for (HasMetadata object : objects) {
      if (object instanceof ConfigMap configMap) {
        add(configMaps, "ConfigMap", configMap, copy(configMap));
      } else if (object instanceof Secret secret) {
        add(secrets, "Secret", secret, copy(secret));
      }
    }
  }

  private static <T extends HasMetadata> void add(
      Map<String, Map<String, T>> index, String kind, T original, T copy) {
    String name = original.getMetadata() == null ? null : original.getMetadata().getName();
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException(
          kind + " without metadata.name cannot be referenced: give it a name");
    }
    String namespace = original.getMetadata().getNamespace();
    String key = namespace == null || namespace.isEmpty() ? ANY_NAMESPACE : namespace;
    T previous = index.computeIfAbsent(key, ignored -> new HashMap<>()).putIfAbsent(name, copy);
    if (previous != null) {
      throw new IllegalArgumentException(
          "duplicate "
              + kind
              + " "
              + (key.isEmpty() ? "(no namespace)" : key)
              + "/"
              + name
              + ": keep one object per namespace and name");
    }
  }

  @Override
  public Optional<ConfigMap> configMap(String namespace, String name) {
    return find(configMaps, namespace, name).map(ObjectListResolver::copy);
  }

  @Override
  public Optional<Secret> secret(String namespace, String name) {
    return find(secrets, namespace, name).map(ObjectListResolver::copy);
  }

  private static <T> Optional<T> find(
      Map<String, Map<String, T>> index, String namespace, String name) {
    T exact = index.getOrDefault(namespace, Map.of()).get(name);
    if (exact != null) {
      return Optional.of(exact);
    }
    return Optional.ofNullable(index.getOrDefault(ANY_NAMESPACE, Map.of()).get(name));
  }

  private static ConfigMap copy(ConfigMap configMap) {
    return new ConfigMapBuilder(configMap).build();
  }

  private static Secret copy(Secret secret) {
    return new SecretBuilder(secret).build();
  }

  @Override
  public String toString() {
    return "ObjectListResolver{configMaps="
        + configMaps.values().stream().mapToInt(Map::size).sum()
        + ", secrets="
        + secrets.values().stream().mapToInt(Map::size).sum()
        + "}";
  }
}
