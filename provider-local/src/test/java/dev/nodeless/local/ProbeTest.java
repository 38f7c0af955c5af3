package dev.nodeless.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.nodeless.PodRef;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ProbeTest extends LocalTestSupport {

  private static Probe execProbe(String script, int failureThreshold) {
    return new ProbeBuilder()
        .withNewExec()
        .withCommand("sh", "-c", script)
        .endExec()
        .withPeriodSeconds(1)
        .withFailureThreshold(failureThreshold)
        .build();
  }

  @Test
  void livenessFailureRestartsContainer() {
    Path healthy = stateDir.resolve("healthy");
    PodRef ref =
        launch(
            pod(
                    "liveness",
                    shell(
                            "main",
                            "touch "
                                + healthy
                                + "; sleep 1; rm -f "
                                + healthy
                                + "; exec sleep 1000")
                        .withLivenessProbe(execProbe("test -e " + healthy, 1))
                        .build())
                .editSpec()
                .withTerminationGracePeriodSeconds(1L)
                .endSpec()
                .build());

    PodStatus status = awaitStatus(ref, s -> restartCount(s, "main") >= 1);

    assertThat(container(status, "main").getLastState().getTerminated()).isNotNull();
    assertThat(container(status, "main").getLastState().getTerminated().getExitCode())
        .isEqualTo(143);
  }

  @Test
  void readinessTogglesReadyCondition() throws IOException {
    Path ready = stateDir.resolve("ready");
    PodRef ref =
        launch(
            pod(
                    "readiness",
                    shell("main", "exec sleep 1000")
                        .withReadinessProbe(execProbe("test -e " + ready, 1))
                        .build())
                .build());

    PodStatus notReady = awaitPhase(ref, "Running");
    assertThat(conditionTrue(notReady, "Ready")).isFalse();
    assertThat(condition(notReady, "ContainersReady").getMessage())
        .isEqualTo("containers with unready status: [main]");

    Files.createFile(ready);
    PodStatus readyStatus = awaitStatus(ref, s -> conditionTrue(s, "Ready"));
    assertThat(container(readyStatus, "main").getReady()).isTrue();
    assertThat(conditionTrue(readyStatus, "ContainersReady")).isTrue();

    Files.delete(ready);
    PodStatus again = awaitStatus(ref, s -> !conditionTrue(s, "Ready"));
    assertThat(container(again, "main").getReady()).isFalse();
    assertThat(container(again, "main").getRestartCount()).isZero();
  }

  @Test
  void startupProbeGatesReadiness() throws IOException {
    Path started = stateDir.resolve("started");
    PodRef ref =
        launch(
            pod(
                    "startup",
                    shell("main", "exec sleep 1000")
                        .withStartupProbe(execProbe("test -e " + started, 30))
                        .withReadinessProbe(execProbe("true", 1))
                        .build())
                .build());

    PodStatus waiting = awaitPhase(ref, "Running");
    assertThat(container(waiting, "main").getStarted()).isFalse();
    assertThat(container(waiting, "main").getReady()).isFalse();

    Files.createFile(started);
    PodStatus ready = awaitStatus(ref, s -> conditionTrue(s, "Ready"));
    assertThat(container(ready, "main").getStarted()).isTrue();
  }

  @Test
  void httpProbeUsesNamedPort() throws IOException {
    AtomicInteger requests = new AtomicInteger();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/healthz",
        exchange -> {
          requests.incrementAndGet();
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    server.start();
    try {
      int port = server.getAddress().getPort();
      Probe probe =
          new ProbeBuilder()
              .withNewHttpGet()
              .withPath("/healthz")
              .withPort(new IntOrString("web"))
              .endHttpGet()
              .withPeriodSeconds(1)
              .build();
      PodRef ref =
          launch(
              pod(
                      "http",
                      shell("main", "exec sleep 1000")
                          .withPorts(
                              new ContainerPortBuilder()
                                  .withName("web")
                                  .withContainerPort(port)
                                  .build())
                          .withReadinessProbe(probe)
                          .build())
                  .build());

      awaitStatus(ref, s -> conditionTrue(s, "Ready"));

      assertThat(requests.get()).isPositive();
    } finally {
      server.stop(0);
    }
  }

  @Test
  void tcpProbeFailsWhenPortCloses() throws IOException {
    ServerSocket socket = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
    int port = socket.getLocalPort();
    Probe probe =
        new ProbeBuilder()
            .withNewTcpSocket()
            .withPort(new IntOrString(port))
            .endTcpSocket()
            .withPeriodSeconds(1)
            .withFailureThreshold(1)
            .build();
    PodRef ref =
        launch(
            pod("tcp", shell("main", "exec sleep 1000").withReadinessProbe(probe).build()).build());

    awaitStatus(ref, s -> conditionTrue(s, "Ready"));
    socket.close();

    PodStatus closed = awaitStatus(ref, s -> !conditionTrue(s, "Ready"));
    assertThat(condition(closed, "Ready").getReason()).isEqualTo("ContainersNotReady");
  }
}
