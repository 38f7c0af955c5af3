package dev.nodeless;

import dev.nodeless.internal.ObjectListResolver;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Looks up the ConfigMaps and Secrets that a pod refers to. The caller supplies it: a kubelet reads
 * the API server, the CLI reads the objects in the same files as the pod. Calls may block; the
 * launcher makes them before the pod reaches the provider.
 */
public interface ReferenceResolver {

  Optional<ConfigMap> configMap(String namespace, String name);

  Optional<Secret> secret(String namespace, String name);

  /**
   * Issues a token for a projected {@code serviceAccountToken} volume source, as the kubelet does
   * through the TokenRequest API. The launcher requests a new token on {@link
   * PodLauncher#refreshVolumes} once 80 % of the token's lifetime has passed. The default issues
   * none, so a pod with such a source fails validation with a problem that names this method.
   *
   * @param namespace the pod's namespace
   * @param serviceAccountName the pod's {@code spec.serviceAccountName}, {@code default} when unset
   * @param audience the intended audience, or {@code null} for the API server's own
   * @param expirationSeconds the requested lifetime, 3600 when the pod sets none
   * @return the token, or empty when this resolver issues no tokens
   */
  default Optional<String> serviceAccountToken(
      String namespace, String serviceAccountName, String audience, long expirationSeconds) {
    return Optional.empty();
  }

  /** A resolver that finds nothing, so every mandatory reference fails validation. */
  static ReferenceResolver none() {
    return new ObjectListResolver(List.of());
  }

  /**
   * A resolver over a fixed set of objects, such as the ConfigMaps and Secrets read from the same
   * files as a pod. Objects of other kinds are ignored. An object without {@code
   * metadata.namespace} matches a lookup in any namespace, as {@code kubectl apply -n NAMESPACE}
   * would place it; an object with a namespace matches only that namespace and wins over one
   * without.
   *
   * @throws IllegalArgumentException when an object has no name, or two objects of the same kind
   *     have the same namespace and name
   */
  static ReferenceResolver of(Collection<? extends HasMetadata> objects) {
    return new ObjectListResolver(objects);
  }
}
