package dev.nodeless.testing;

import dev.nodeless.ReferenceResolver;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test resolver whose ConfigMaps and Secrets a test replaces while pods run, as an API server's
 * objects change, and that issues a new numbered token ({@code token-1}, {@code token-2}, ...) on
 * every request. Objects match by name in any namespace. Thread-safe.
 */
public final class ChangingResolver implements ReferenceResolver {
  private final Map<String, ConfigMap> configMaps = new ConcurrentHashMap<>();
  private final Map<String, Secret> secrets = new ConcurrentHashMap<>();
  private final AtomicInteger tokens = new AtomicInteger();

  /** Adds or replaces ConfigMaps and Secrets by name; objects of other kinds are ignored. */
  public ChangingResolver put(HasMetadata... objects) {
    for (HasMetadata object : List.of(objects)) {
      if (object instanceof ConfigMap configMap) {
        configMaps.put(configMap.getMetadata().getName(), configMap);
      } else if (object instanceof Secret secret) {
        secrets.put(secret.getMetadata().getName(), secret);
      }
    }
    return this;
  }

  /** Removes the ConfigMap of that name, so that references to it no longer resolve. */
  public void removeConfigMap(String name) {
    configMaps.remove(name);
  }

  /** Number of tokens issued so far. */
  public int tokensIssued() {
    return tokens.get();
  }

  @Override
  public Optional<ConfigMap> configMap(String namespace, String name) {
    return Optional.ofNullable(configMaps.get(name));
  }

  @Override
  public Optional<Secret> secret(String namespace, String name) {
    return Optional.ofNullable(secrets.get(name));
  }

  @Override
  public Optional<String> serviceAccountToken(
      String namespace, String serviceAccountName, String audience, long expirationSeconds) {
    return Optional.of("token-" + tokens.incrementAndGet());
  }
}
