package dev.nodeless.examples.kubelet;

import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the user who sends a kubelet API request, as the kubelet's webhook authentication does. A
 * client certificate that the TLS layer verified against the configured CA names the user in its
 * common name. Otherwise a bearer token is checked with a TokenReview at the API server. Results
 * are cached for two minutes by a SHA-256 digest of the token, so the token itself is never kept.
 * Anonymous requests pass only when anonymous access was switched on.
 */
final class Authenticator {
  private static final Logger LOG = LoggerFactory.getLogger(Authenticator.class);
  private static final Duration CACHE_TTL = Duration.ofMinutes(2);
  private static final int CACHE_SIZE = 1024;
  static final String ANONYMOUS = "system:anonymous";

  private record Cached(Optional<String> user, Instant expires) {}

  private final KubernetesClient client;
  private final boolean anonymous;
  private final Clock clock;
  private final Map<String, Cached> cache =
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
          return size() > CACHE_SIZE;
        }
      };

  Authenticator(KubernetesClient client, boolean anonymous, Clock clock) {
    this.client = client;
    this.anonymous = anonymous;
    this.clock = clock;
  }

  /**
   * Returns the user a request comes from, or empty when it carries no valid credentials. May block
   * on a TokenReview call.
   *
   * @param peerCertificates the client certificates that the TLS layer verified, or an empty list
   * @param authorization the {@code Authorization} header, or {@code null}
   */
  Optional<String> authenticate(List<Certificate> peerCertificates, String authorization) {
    if (!peerCertificates.isEmpty() && peerCertificates.get(0) instanceof X509Certificate cert) {
      Optional<String> user = commonName(cert);
      if (user.isPresent()) {
        return user;
      }
    }
    if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      String token = authorization.substring(7).trim();
      if (!token.isEmpty()) {
        return reviewToken(token);
      }
    }
    return anonymous ? Optional.of(ANONYMOUS) : Optional.empty();
  }

  private Optional<String> reviewToken(String token) {
    String key = digest(token);
    Instant now = clock.instant();
    synchronized (cache) {
      Cached cached = cache.get(key);
      if (cached != null && cached.expires().isAfter(now)) {
        return cached.user();
      }
    }
    Optional<String> user;
    try {
      TokenReview review =
          client
              .authentication()
              .v1()
              .tokenReviews()
              .create(new TokenReviewBuilder().withNewSpec().withToken(token).endSpec().build());
      boolean authenticated =
          review.getStatus() != null && Boolean.TRUE.equals(review.getStatus().getAuthenticated());
      user =
          authenticated && review.getStatus().getUser() != null
              ? Optional.ofNullable(review.getStatus().getUser().getUsername())
              : Optional.empty();
    } catch (KubernetesClientException e) {
      // Not cached, so the next request sends a new TokenReview.
      LOG.warn(
          "TokenReview failed (HTTP {}); refusing the request: {}", e.getCode(), e.getMessage());
      return Optional.empty();
    }
    synchronized (cache) {
      cache.put(key, new Cached(user, now.plus(CACHE_TTL)));
    }
    return user;
  }

  private static Optional<String> commonName(X509Certificate certificate) {
    try {
      for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
        if ("CN".equalsIgnoreCase(rdn.getType())) {
          return Optional.of(rdn.getValue().toString());
        }
      }
    } catch (InvalidNameException e) {
      LOG.debug("Client certificate subject cannot be parsed: {}", e.getMessage());
    }
    return Optional.empty();
  }

  private static String digest(String token) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
