package dev.nodeless.cli;

import dev.nodeless.ReferenceResolver;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.util.List;
import java.util.Optional;

/**
 * Finds the ConfigMaps and Secrets read from the same files as the pods. An object without a
 * namespace matches every namespace, as {@code kubectl apply -n NAMESPACE} would place it.
 */
// TODO: replace with ReferenceResolver.of(objects) once core provides it.
final class ManifestResolver implements ReferenceResolver {
  private final List<HasMetadata> objects;

  ManifestResolver(List<HasMetadata> objects) {
    this.objects = List.copyOf(objects);
  }

  @Override
  public Optional<ConfigMap> configMap(String namespace, String name) {
    return find(ConfigMap.class, namespace, name).map(found -> new ConfigMapBuilder(found).build());
  }

  @Override
  public Optional<Secret> secret(String namespace, String name) {
    return find(Secret.class, namespace, name).map(found -> new SecretBuilder(found).build());
  }

  private <T extends HasMetadata> Optional<T> find(Class<T> kind, String namespace, String name) {
    T anyNamespace = null;
    for (HasMetadata object : objects) {
      if (!kind.isInstance(object) || !name.equals(object.getMetadata().getName())) {
        continue;
      }
      String objectNamespace = object.getMetadata().getNamespace();
      if (namespace.equals(objectNamespace)) {
        return Optional.of(kind.cast(object));
      }
      if (objectNamespace == null || objectNamespace.isEmpty()) {
        anyNamespace = kind.cast(object);
      }
    }
    return Optional.ofNullable(anyNamespace);
  }

  @Override
  public String toString() {
    return "ManifestResolver{objects=" + objects.size() + "}";
  }
}
