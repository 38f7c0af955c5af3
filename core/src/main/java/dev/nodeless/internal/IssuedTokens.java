package dev.nodeless.internal;

import dev.nodeless.ReferenceResolver;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The service account tokens issued for launched pods. Resolving a pod again reuses a token until
 * 80 % of its lifetime or 24 hours have passed, whichever comes first, as the kubelet's token
 * manager does, so that a periodic refresh does not request a token each time.
 */
final class IssuedTokens {
  private static final Duration MAX_AGE = Duration.ofHours(24);

  private final Clock clock;
  private final Map<String, Map<Request, Issued>> byPod = new ConcurrentHashMap<>();

  IssuedTokens(Clock clock) {
    this.clock = clock;
  }

  /** Returns a resolver that reads objects through {@code resolver} and keeps the pod's tokens. */
  ReferenceResolver forPod(String uid, ReferenceResolver resolver) {
    return new ReferenceResolver() {
      @Override
      public Optional<ConfigMap> configMap(String namespace, String name) {
        return resolver.configMap(namespace, name);
      }

      @Override
      public Optional<Secret> secret(String namespace, String name) {
        return resolver.secret(namespace, name);
      }

      @Override
      public Optional<String> serviceAccountToken(
          String namespace, String serviceAccountName, String audience, long expirationSeconds) {
        Request request = new Request(namespace, serviceAccountName, audience, expirationSeconds);
        Map<Request, Issued> tokens = byPod.computeIfAbsent(uid, key -> new ConcurrentHashMap<>());
        Instant now = clock.instant();
        Issued issued = tokens.get(request);
        if (issued != null && now.isBefore(issued.renewAt())) {
          return Optional.of(issued.token());
        }
        Optional<String> token =
            resolver.serviceAccountToken(
                namespace, serviceAccountName, audience, expirationSeconds);
        token.ifPresent(value -> tokens.put(request, new Issued(value, renewAt(now, request))));
        return token;
      }
    };
  }

  /** Drops the tokens of a pod that finished, was terminated or failed to launch. */
  void forget(String uid) {
    byPod.remove(uid);
  }

  /** Number of pods with tokens, for tests. */
  int pods() {
    return byPod.size();
  }

  private static Instant renewAt(Instant issuedAt, Request request) {
    // Cut before multiplying: any lifetime beyond 30 hours renews at MAX_AGE.
    long seconds = Math.min(request.expirationSeconds(), MAX_AGE.toSeconds() * 5 / 4);
    Duration age = Duration.ofSeconds(seconds).multipliedBy(4).dividedBy(5);
    return issuedAt.plus(age.compareTo(MAX_AGE) < 0 ? age : MAX_AGE);
  }

  private record Request(
      String namespace, String serviceAccountName, String audience, long expirationSeconds) {}

  private record Issued(String token, Instant renewAt) {
    @Override
    public String toString() {
      return "Issued{token=<redacted>, renewAt=" + renewAt + "}";
    }
  }
}
