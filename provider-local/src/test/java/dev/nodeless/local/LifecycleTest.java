package dev.nodeless.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeless.PodRef;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LifecycleTest extends LocalTestSupport {

  @Test
  void longPodNameGivesKubeletHostname() {
    String name = "a".repeat(62) + "-b" + "c".repeat(10);
    PodRef ref =
        launch(
            pod(name, shell("main", "echo $HOSTNAME").build())
                .editSpec()
                .withRestartPolicy("Never")
                .endSpec()
                .build());

    awaitPhase(ref, "Succeeded");

    // Cut to 63 characters, without the '-' that the cut leaves at the end.
    assertThat(logs(ref, "main")).isEqualTo("a".repeat(62) + "\n");
  }

  @Test
  void succeededPodReportsCompleted() {
    PodRef ref =
        launch(
            pod("hello", shell("main", "echo hello world").build())
                .editSpec()
                .withRestartPolicy("Never")
                .endSpec()
                .build());

    PodStatus status = awaitPhase(ref, "Succeeded");

    ContainerStatus main = container(status, "main");
    assertThat(main.getState().getTerminated().getExitCode()).isZero();
    assertThat(main.getState().getTerminated().getReason()).isEqualTo("Completed");
    assertThat(main.getContainerID()).startsWith("local://");
    assertThat(status.getPodIP()).isEqualTo("127.0.0.1");
    assertThat(logs(ref, "main")).isEqualTo("hello world\n");
    assertThat(condition(status, "Ready").getReason()).isEqualTo("PodCompleted");
  }

  @Test
  void exitCodeOneFailsPodWithError() {
    PodRef ref =
        launch(
            pod("fail", shell("main", "exit 1").build())
                .editSpec()
                .withRestartPolicy("Never")
                .endSpec()
                .build());

    PodStatus status = awaitPhase(ref, "Failed");

    ContainerStatus main = container(status, "main");
    assertThat(main.getState().getTerminated().getExitCode()).isEqualTo(1);
    assertThat(main.getState().getTerminated().getReason()).isEqualTo("Error");
    assertThat(main.getRestartCount()).isZero();
  }

  @ParameterizedTest(name = "local.posixSpawn={0}")
  @ValueSource(strings = {"true", "false"})
  void containerLeadsItsOwnSessionWithEitherWayOfStarting(String posixSpawn) {
    launcher.close();
    launcher = launcher(Map.of(LocalSettings.POSIX_SPAWN, posixSpawn));
    PodRef ref =
        launch(
            // The session of cut, a child of the shell, against the shell's PID. Kubernetes
            // expands "$$" in a command to "$", so "$$$$" reaches the shell as "$$".
            pod(
                    "session",
                    shell("main", "echo `cut -d' ' -f6 /proc/self/stat` $$$$; exit 4").build())
                .editSpec()
                .withRestartPolicy("Never")
                .endSpec()
                .build());

    PodStatus status = awaitPhase(ref, "Failed");

    assertThat(container(status, "main").getState().getTerminated().getExitCode()).isEqualTo(4);
    String[] sessionAndPid = logs(ref, "main").trim().split(" ");
    assertThat(sessionAndPid).hasSize(2);
    assertThat(sessionAndPid[0]).as("session ID").isEqualTo(sessionAndPid[1]);
  }
}
