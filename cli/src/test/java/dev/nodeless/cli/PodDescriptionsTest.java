package dev.nodeless.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import org.junit.jupiter.api.Test;

/** The STATUS column of {@code nodeless ls}, as {@code kubectl get pods} derives it. */
class PodDescriptionsTest {

  private static ContainerStatus waiting(String name, String reason) {
    return new ContainerStatusBuilder()
        .withName(name)
        .withNewState()
        .withNewWaiting()
        .withReason(reason)
        .endWaiting()
        .endState()
        .build();
  }

  private static ContainerStatus running(String name) {
    return new ContainerStatusBuilder()
        .withName(name)
        .withNewState()
        .withNewRunning()
        .endRunning()
        .endState()
        .build();
  }

  private static ContainerStatus terminated(String name, int exitCode, String reason) {
    return new ContainerStatusBuilder()
        .withName(name)
        .withNewState()
        .withNewTerminated()
        .withExitCode(exitCode)
        .withReason(reason)
        .endTerminated()
        .endState()
        .build();
  }

  @Test
  void crashLoopShowsItsReason() {
    PodStatus status =
        new PodStatusBuilder()
            .withPhase("Running")
            .withContainerStatuses(running("a"), waiting("b", "CrashLoopBackOff"))
            .build();

    assertThat(PodDescriptions.displayStatus(status)).isEqualTo("CrashLoopBackOff");
  }

  @Test
  void runningPodShowsPhase() {
    PodStatus status =
        new PodStatusBuilder().withPhase("Running").withContainerStatuses(running("a")).build();

    assertThat(PodDescriptions.displayStatus(status)).isEqualTo("Running");
  }

  @Test
  void initContainersShowProgressAndFailures() {
    PodStatus progressing =
        new PodStatusBuilder()
            .withPhase("Pending")
            .withInitContainerStatuses(terminated("one", 0, "Completed"), running("two"))
            .withContainerStatuses(waiting("main", "PodInitializing"))
            .build();
    PodStatus failed =
        new PodStatusBuilder()
            .withPhase("Failed")
            .withInitContainerStatuses(terminated("one", 1, "Error"))
            .build();

    assertThat(PodDescriptions.displayStatus(progressing)).isEqualTo("Init:1/2");
    assertThat(PodDescriptions.displayStatus(failed)).isEqualTo("Init:Error");
  }

  @Test
  void runningSidecarAfterInitializationShowsPhase() {
    PodStatus status =
        new PodStatusBuilder()
            .withPhase("Running")
            .withInitContainerStatuses(running("sidecar"))
            .withContainerStatuses(running("main"))
            .build();

    assertThat(PodDescriptions.displayStatus(status)).isEqualTo("Running");
  }

  @Test
  void podReasonWins() {
    PodStatus status =
        new PodStatusBuilder()
            .withPhase("Failed")
            .withReason("SupervisorLost")
            .withContainerStatuses(terminated("a", 137, "Error"))
            .build();

    assertThat(PodDescriptions.displayStatus(status)).isEqualTo("SupervisorLost");
  }
}
