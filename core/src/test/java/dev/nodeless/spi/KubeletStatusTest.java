package dev.nodeless.spi;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class KubeletStatusTest {
  private static final Instant NOW = Instant.parse("2024-05-01T10:00:00Z");

  private static Pod pod(String restartPolicy) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("web")
        .withUid("u1")
        .endMetadata()
        .withNewSpec()
        .withRestartPolicy(restartPolicy)
        .addNewInitContainer()
        .withName("setup")
        .endInitContainer()
        .addNewContainer()
        .withName("app")
        .withImage("nginx")
        .endContainer()
        .endSpec()
        .build();
  }

  private static ContainerStatus status(
      String name, io.fabric8.kubernetes.api.model.ContainerState state) {
    return new ContainerStatusBuilder()
        .withName(name)
        .withReady(false)
        .withRestartCount(0)
        .withState(state)
        .build();
  }

  @Test
  void newPodIsPendingWithDefaults() {
    PodStatus status = KubeletStatus.of(pod("Always")).compute(NOW);

    assertThat(status.getPhase()).isEqualTo("Pending");
    assertThat(status.getInitContainerStatuses().get(0).getState().getWaiting().getReason())
        .isEqualTo("PodInitializing");
    assertThat(status.getContainerStatuses().get(0).getImage()).isEqualTo("nginx");
    assertThat(status.getConditions())
        .extracting(condition -> condition.getType())
        .containsExactly("Initialized", "Ready", "ContainersReady", "PodScheduled");
    assertThat(status.getQosClass()).isEqualTo("BestEffort");
  }

  @Test
  void initFailureUnderNeverFails() {
    PodStatus status =
        KubeletStatus.of(pod("Never"))
            .container(
                status("setup", ContainerStates.terminated(3, null, null, NOW, NOW, "local://a")))
            .compute(NOW);

    assertThat(status.getPhase()).isEqualTo("Failed");
  }

  @Test
  void initFailureUnderOnFailureStaysPending() {
    PodStatus status =
        KubeletStatus.of(pod("OnFailure"))
            .container(
                status("setup", ContainerStates.terminated(3, null, null, NOW, NOW, "local://a")))
            .compute(NOW);

    assertThat(status.getPhase()).isEqualTo("Pending");
  }

  @Test
  void terminatedPodWithUnstartedContainerFails() {
    PodStatus status =
        KubeletStatus.of(pod("Always"))
            .container(
                status("setup", ContainerStates.terminated(0, null, null, NOW, NOW, "local://a")))
            .terminal(true)
            .compute(NOW);

    assertThat(status.getPhase()).isEqualTo("Failed");
    assertThat(status.getContainerStatuses().get(0).getState().getTerminated().getReason())
        .isEqualTo(KubeletStatus.CONTAINER_STATUS_UNKNOWN);
  }

  @Test
  void goDurationMatchesGo() {
    assertThat(ContainerStates.goDuration(Duration.ofSeconds(10))).isEqualTo("10s");
    assertThat(ContainerStates.goDuration(Duration.ofSeconds(80))).isEqualTo("1m20s");
    assertThat(ContainerStates.goDuration(Duration.ofMinutes(5))).isEqualTo("5m0s");
    assertThat(ContainerStates.goDuration(Duration.ofMillis(500))).isEqualTo("500ms");
    assertThat(ContainerStates.goDuration(Duration.ofMillis(1500))).isEqualTo("1.5s");
  }
}
