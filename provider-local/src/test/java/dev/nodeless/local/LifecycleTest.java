package dev.nodeless.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeless.PodRef;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.PodStatus;
import org.junit.jupiter.api.Test;

class LifecycleTest extends LocalTestSupport {

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
}
