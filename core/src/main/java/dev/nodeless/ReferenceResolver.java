package dev.nodeless;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.Optional;

/**
 * Looks up the ConfigMaps and Secrets that a pod refers to. The caller supplies it: a kubelet reads
 * the API server, the CLI reads the objects in the same files as the pod. Calls may block; the
 * launcher makes them before the pod reaches the provider.
 */
public interface ReferenceResolver {

  Optional<ConfigMap> configMap(String namespace, String name);

  Optional<Secret> secret(String namespace, String name);

  /** A resolver that finds nothing, so every mandatory reference fails validation. */
  static ReferenceResolver none() {
    return new ReferenceResolver() {
      @Override
      public Optional<ConfigMap> configMap(String namespace, String name) {
        return Optional.empty();
      }

      @Override
      public Optional<Secret> secret(String namespace, String name) {
        return Optional.empty();
      }
    };
  }
}
