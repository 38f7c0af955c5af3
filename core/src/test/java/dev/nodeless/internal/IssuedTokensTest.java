package dev.nodeless.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeless.ReferenceResolver;
import dev.nodeless.testing.ChangingResolver;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class IssuedTokensTest {
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  private final ChangingResolver issuer = new ChangingResolver();

  @Test
  void tokenReusedUntilEightyPercent() {
    MutableClock clock = new MutableClock(START);
    IssuedTokens tokens = new IssuedTokens(clock);
    assertThat(token(tokens, 3600)).isEqualTo("token-1");
    clock.now = START.plusSeconds(2879);
    assertThat(token(tokens, 3600)).isEqualTo("token-1");
    clock.now = START.plusSeconds(2880);
    assertThat(token(tokens, 3600)).isEqualTo("token-2");
  }

  @Test
  void longLivedTokenRenewedAfterDay() {
    MutableClock clock = new MutableClock(START);
    IssuedTokens tokens = new IssuedTokens(clock);
    assertThat(token(tokens, Long.MAX_VALUE)).isEqualTo("token-1");
    clock.now = START.plus(Duration.ofHours(24)).minusSeconds(1);
    assertThat(token(tokens, Long.MAX_VALUE)).isEqualTo("token-1");
    clock.now = START.plus(Duration.ofHours(24));
    assertThat(token(tokens, Long.MAX_VALUE)).isEqualTo("token-2");
  }

  @Test
  void tokensKeptPerPodAndRequest() {
    IssuedTokens tokens = new IssuedTokens(new MutableClock(START));
    ReferenceResolver first = tokens.forPod("uid-1", issuer);
    assertThat(first.serviceAccountToken("ns", "default", null, 3600)).contains("token-1");
    assertThat(first.serviceAccountToken("ns", "default", "vault", 3600)).contains("token-2");
    assertThat(tokens.forPod("uid-2", issuer).serviceAccountToken("ns", "default", null, 3600))
        .contains("token-3");
    assertThat(first.serviceAccountToken("ns", "default", null, 3600)).contains("token-1");
    assertThat(tokens.pods()).isEqualTo(2);

    tokens.forget("uid-1");

    assertThat(tokens.pods()).isEqualTo(1);
    assertThat(first.serviceAccountToken("ns", "default", null, 3600)).contains("token-4");
  }

  private String token(IssuedTokens tokens, long expirationSeconds) {
    return tokens
        .forPod("uid", issuer)
        .serviceAccountToken("ns", "default", null, expirationSeconds)
        .orElseThrow();
  }

  private static final class MutableClock extends Clock {
    volatile Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
