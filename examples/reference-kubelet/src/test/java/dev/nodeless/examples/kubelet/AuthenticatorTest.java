package dev.nodeless.examples.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Who a kubelet API request comes from, with and without anonymous access. */
class AuthenticatorTest {
  private final DemoApiServer api = DemoApiServer.start(0).addToken("valid", "alice");
  private final KubernetesClient client = api.newClient();

  @AfterEach
  void close() {
    client.close();
    api.close();
  }

  @Test
  void anonymousRequestNeedsFlag() {
    Authenticator closed = new Authenticator(client, false, Clock.systemUTC());
    Authenticator open = new Authenticator(client, true, Clock.systemUTC());

    assertThat(closed.authenticate(List.of(), null)).isEmpty();
    assertThat(open.authenticate(List.of(), null)).hasValue(Authenticator.ANONYMOUS);
  }

  @Test
  void invalidTokenIsRejectedEvenWhenOpen() {
    Authenticator open = new Authenticator(client, true, Clock.systemUTC());

    assertThat(open.authenticate(List.of(), "Bearer wrong")).isEmpty();
  }

  @Test
  void validTokenNamesUser() {
    Authenticator closed = new Authenticator(client, false, Clock.systemUTC());

    assertThat(closed.authenticate(List.of(), "Bearer valid")).hasValue("alice");
    assertThat(closed.authenticate(List.of(), "bearer valid")).hasValue("alice");
  }
}
