package dev.nodeless.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeless.PodPhases;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Status transitions of {@link KubeletStatus} over generated container-state sequences. */
class KubeletStatusProperties {

  /** One observed state of a container. */
  enum Kind {
    NOT_CREATED,
    RUNNING_UNREADY,
    RUNNING_READY,
    BACK_OFF,
    EXITED_OK,
    EXITED_FAILED
  }

  record Scenario(String restartPolicy, int apps, boolean sidecar, List<List<Kind>> steps) {}

  @Provide
  Arbitrary<Scenario> scenarios() {
    Arbitrary<String> policy = Arbitraries.of("Always", "OnFailure", "Never");
    Arbitrary<Integer> apps = Arbitraries.integers().between(1, 3);
    Arbitrary<Boolean> sidecar = Arbitraries.of(true, false);
    return Combinators.combine(policy, apps, sidecar)
        .flatAs(
            (restart, count, withSidecar) ->
                Arbitraries.of(Kind.class)
                    .list()
                    .ofSize(count + (withSidecar ? 1 : 0))
                    .list()
                    .ofMinSize(1)
                    .ofMaxSize(12)
                    .map(steps -> new Scenario(restart, count, withSidecar, steps)));
  }

  @Property(tries = 300)
  void phaseNeverLeavesSucceededOrFailed(@ForAll("scenarios") Scenario scenario) {
    Pod pod = pod(scenario);
    PodStatus previous = null;
    Instant now = Instant.parse("2024-01-01T00:00:00Z");
    for (List<Kind> step : scenario.steps()) {
      now = now.plusSeconds(1);
      PodStatus status =
          KubeletStatus.of(pod)
              .containers(statuses(scenario, step))
              .previous(previous)
              .compute(now);
      if (previous != null && PodPhases.isFinished(previous)) {
        assertThat(status.getPhase()).isEqualTo(previous.getPhase());
      }
      previous = status;
    }
  }

  @Property(tries = 300)
  void readyOnlyWhenEveryContainerIsReady(@ForAll("scenarios") Scenario scenario) {
    Pod pod = pod(scenario);
    PodStatus previous = null;
    Instant now = Instant.parse("2024-01-01T00:00:00Z");
    for (List<Kind> step : scenario.steps()) {
      now = now.plusSeconds(1);
      List<ContainerStatus> statuses = statuses(scenario, step);
      PodStatus status = KubeletStatus.of(pod).containers(statuses).previous(previous).compute(now);
      boolean allReady = statuses.stream().allMatch(ContainerStatus::getReady);
      boolean podReady = "True".equals(condition(status, "Ready").getStatus());
      if (podReady) {
        assertThat(allReady).isTrue();
        assertThat(status.getPhase()).isNotEqualTo(PodPhases.SUCCEEDED);
      }
      if (allReady && !PodPhases.SUCCEEDED.equals(status.getPhase())) {
        assertThat(podReady).isTrue();
      }
      assertThat(condition(status, "ContainersReady").getStatus())
          .isEqualTo(condition(status, "Ready").getStatus());
      previous = status;
    }
  }

  @Property(tries = 300)
  void transitionTimeChangesOnlyWithStatus(@ForAll("scenarios") Scenario scenario) {
    Pod pod = pod(scenario);
    PodStatus previous = null;
    Instant now = Instant.parse("2024-01-01T00:00:00Z");
    for (List<Kind> step : scenario.steps()) {
      now = now.plusSeconds(1);
      PodStatus status =
          KubeletStatus.of(pod)
              .containers(statuses(scenario, step))
              .previous(previous)
              .compute(now);
      if (previous != null) {
        for (PodCondition condition : status.getConditions()) {
          PodCondition before = condition(previous, condition.getType());
          if (before.getStatus().equals(condition.getStatus())) {
            assertThat(condition.getLastTransitionTime())
                .as(condition.getType())
                .isEqualTo(before.getLastTransitionTime());
          } else {
            assertThat(condition.getLastTransitionTime())
                .as(condition.getType())
                .isNotEqualTo(before.getLastTransitionTime());
          }
        }
      }
      previous = status;
    }
  }

  private static Pod pod(Scenario scenario) {
    List<Container> apps = new ArrayList<>();
    for (int i = 0; i < scenario.apps(); i++) {
      apps.add(new ContainerBuilder().withName("app" + i).withImage("busybox").build());
    }
    PodBuilder builder =
        new PodBuilder()
            .withNewMetadata()
            .withName("generated")
            .withUid("uid")
            .endMetadata()
            .withNewSpec()
            .withRestartPolicy(scenario.restartPolicy())
            .withContainers(apps)
            .endSpec();
    if (scenario.sidecar()) {
      builder
          .editSpec()
          .addNewInitContainer()
          .withName("sidecar")
          .withImage("busybox")
          .withRestartPolicy("Always")
          .endInitContainer()
          .endSpec();
    }
    return builder.build();
  }

  private static List<ContainerStatus> statuses(Scenario scenario, List<Kind> step) {
    List<ContainerStatus> statuses = new ArrayList<>();
    for (int i = 0; i < scenario.apps(); i++) {
      statuses.add(status("app" + i, step.get(i)));
    }
    if (scenario.sidecar()) {
      statuses.add(status("sidecar", step.get(scenario.apps())));
    }
    return statuses;
  }

  private static ContainerStatus status(String name, Kind kind) {
    Instant start = Instant.parse("2024-01-01T00:00:00Z");
    ContainerState exitedFailed =
        ContainerStates.terminated(1, null, null, start, start, "local://x");
    ContainerStatusBuilder builder =
        new ContainerStatusBuilder()
            .withName(name)
            .withImage("busybox")
            .withImageID("")
            .withRestartCount(0)
            .withReady(kind == Kind.RUNNING_READY)
            .withStarted(kind == Kind.RUNNING_READY || kind == Kind.RUNNING_UNREADY)
            .withLastState(new ContainerState());
    switch (kind) {
      case NOT_CREATED -> builder.withState(ContainerStates.notCreated(false));
      case RUNNING_UNREADY, RUNNING_READY -> builder.withState(ContainerStates.running(start));
      case BACK_OFF ->
          builder
              .withState(ContainerStates.waiting(ContainerStates.CRASH_LOOP_BACK_OFF, "back-off"))
              .withLastState(exitedFailed)
              .withRestartCount(1);
      case EXITED_OK ->
          builder.withState(ContainerStates.terminated(0, null, null, start, start, "local://x"));
      case EXITED_FAILED -> builder.withState(exitedFailed);
    }
    return builder.build();
  }

  private static PodCondition condition(PodStatus status, String type) {
    return status.getConditions().stream()
        .filter(condition -> type.equals(condition.getType()))
        .findFirst()
        .orElseThrow();
  }
}
