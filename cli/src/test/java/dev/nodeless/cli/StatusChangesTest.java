package dev.nodeless.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeless.PodRef;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import org.junit.jupiter.api.Test;

class StatusChangesTest {
  private static final PodRef POD = new PodRef("default", "pi", "uid-1");

  private static ContainerStatus running(String name, int restarts) {
    return new ContainerStatusBuilder()
        .withName(name)
        .withRestartCount(restarts)
        .withNewState()
        .withNewRunning()
        .endRunning()
        .endState()
        .build();
  }

  private static ContainerStatus exited(String name, int code, String reason) {
    return new ContainerStatusBuilder()
        .withName(name)
        .withRestartCount(0)
        .withNewState()
        .withNewTerminated()
        .withExitCode(code)
        .withReason(reason)
        .endTerminated()
        .endState()
        .build();
  }

  private static PodStatus status(String phase, ContainerStatus... containers) {
    return new PodStatusBuilder().withPhase(phase).withContainerStatuses(containers).build();
  }

  @Test
  void printsOnlyChanges() {
    StatusChanges changes = new StatusChanges();

    assertThat(changes.describe(POD, status("Pending"))).containsExactly("pod default/pi: Pending");
    assertThat(changes.describe(POD, status("Running", running("pi", 0))))
        .containsExactly("pod default/pi: Running", "pod default/pi: container pi running");
    assertThat(changes.describe(POD, status("Running", running("pi", 0)))).isEmpty();
    assertThat(changes.describe(POD, status("Succeeded", exited("pi", 0, "Completed"))))
        .containsExactly(
            "pod default/pi: Succeeded",
            "pod default/pi: container pi exited with code 0 (Completed)");
  }

  @Test
  void showsRestarts() {
    StatusChanges changes = new StatusChanges();
    changes.describe(POD, status("Running", running("web", 0)));

    assertThat(changes.describe(POD, status("Running", running("web", 2))))
        .containsExactly("pod default/pi: container web running (restart 2)");
  }

  @Test
  void restartShowsHowThePreviousRunEnded() {
    StatusChanges changes = new StatusChanges();
    ContainerStatus crashLooping =
        new ContainerStatusBuilder()
            .withName("job")
            .withRestartCount(1)
            .withNewState()
            .withNewWaiting()
            .withReason("CrashLoopBackOff")
            .endWaiting()
            .endState()
            .withNewLastState()
            .withNewTerminated()
            .withExitCode(5)
            .withReason("Error")
            .endTerminated()
            .endLastState()
            .build();

    assertThat(changes.describe(POD, status("Running", crashLooping)))
        .contains(
            "pod default/pi: container job waiting (CrashLoopBackOff) (restart 1; the previous run"
                + " exited with code 5 (Error))");
  }

  @Test
  void failureNamesContainerCodeAndReason() {
    PodStatus failed = status("Failed", exited("ok", 0, "Completed"), exited("pi", 1, "Error"));

    assertThat(PodDescriptions.failure(failed))
        .isEqualTo("container pi exited with code 1 (Error)");
  }

  @Test
  void failureFallsBackToPodReason() {
    PodStatus failed =
        new PodStatusBuilder()
            .withPhase("Failed")
            .withReason("DeadlineExceeded")
            .withMessage("Pod was active on the node longer than the specified deadline")
            .build();

    assertThat(PodDescriptions.failure(failed))
        .isEqualTo(
            "DeadlineExceeded: Pod was active on the node longer than the specified deadline");
  }
}
