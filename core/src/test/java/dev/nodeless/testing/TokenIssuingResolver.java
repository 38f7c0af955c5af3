package dev.nodeless.testing;

import dev.nodeless.ReferenceResolver;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.Collection;
import java.util.Optional;

/**
 * Test resolver that finds ConfigMaps and Secrets in a fixed list, as {@link ReferenceResolver#of}
 * does, and issues one fixed token for every projected {@code serviceAccountToken} source, as a
 * kubelet would.
 */
public final class TokenIssuingResolver implements ReferenceResolver {
  private final ReferenceResolver objects;
  private final String token;

  public TokenIssuingResolver(Collection<? extends HasMetadata> objects, String token) {
    this.objects = ReferenceResolver.of(objects);
    this.token = token;
  }

  @Override
  public Optional<ConfigMap> configMap(String namespace, String name) {
    return objects.configMap(namespace, name);
  }

  @Override
  public Optional<Secret> secret(String namespace, String name) {
    return objects.secret(namespace, name);
  }

  @Override
  public Optional<String> serviceAccountToken(
      String namespace, String serviceAccountName, String audience, long expirationSeconds) {
    return Optional.of(token);
  }
}
