package dev.nodeless;

import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Small predicates over pod phases, and the status of a pod its provider lost. */
public final class PodPhases {
  public static final String PENDING = "Pending";
  public static final String RUNNING = "Running";
  public static final String SUCCEEDED = "Succeeded";
  public static final String FAILED = "Failed";
  public static final String UNKNOWN = "Unknown";

  /** Reason of a pod, and of its stopped containers, when the provider no longer has the pod. */
  public static final String LOST_REASON = "NotFound";

  /** Exit code reported for a container that was running when its pod was lost: 128 + SIGKILL. */
  public static final int LOST_EXIT_CODE = 137;

  private static final String LOST_MESSAGE =
      "The provider no longer has this pod; it may have been deleted outside Nodeless";

  private PodPhases() {}

  /** Whether the pod reached {@code Succeeded} or {@code Failed}, from which no phase returns. */
  public static boolean isFinished(PodStatus status) {
    return status != null
        && (SUCCEEDED.equals(status.getPhase()) || FAILED.equals(status.getPhase()));
  }

  /**
   * Builds the status of a pod that its provider no longer has, from the last status known: phase
   * {@code Failed} with reason {@link #LOST_REASON}; every container that was running is reported
   * terminated with exit code {@link #LOST_EXIT_CODE} and reason {@link #LOST_REASON}; no container
   * is ready, and the {@code Ready} and {@code ContainersReady} conditions turn {@code False}. A
   * kubelet writes it instead of launching the pod again, because the pod's containers already ran
   * once.
   *
   * @param last the last status known, or {@code null}
   * @param at when the loss was found
   */
  public static PodStatus lostStatus(PodStatus last, Instant at) {
    Objects.requireNonNull(at, "at");
    String now = DateTimeFormatter.ISO_INSTANT.format(at.truncatedTo(ChronoUnit.SECONDS));
    PodStatusBuilder status = last == null ? new PodStatusBuilder() : new PodStatusBuilder(last);
    status.withPhase(FAILED).withReason(LOST_REASON).withMessage(LOST_MESSAGE);
    if (last != null) {
      status.withContainerStatuses(lostContainers(last.getContainerStatuses(), now));
      status.withInitContainerStatuses(lostContainers(last.getInitContainerStatuses(), now));
      status.withConditions(notReady(last.getConditions(), now));
    }
    return status.build();
  }

  private static List<ContainerStatus> lostContainers(
      List<ContainerStatus> containers, String now) {
    List<ContainerStatus> result = new ArrayList<>();
    if (containers == null) {
      return result;
    }
    for (ContainerStatus container : containers) {
      ContainerStatusBuilder lost =
          new ContainerStatusBuilder(container).withReady(false).withStarted(false);
      ContainerState state = container.getState();
      if (state != null && state.getRunning() != null) {
        lost.withState(
            new ContainerStateBuilder()
                .withNewTerminated()
                .withExitCode(LOST_EXIT_CODE)
                .withReason(LOST_REASON)
                .withMessage(LOST_MESSAGE)
                .withStartedAt(state.getRunning().getStartedAt())
                .withFinishedAt(now)
                .withContainerID(container.getContainerID())
                .endTerminated()
                .build());
      }
      result.add(lost.build());
    }
    return result;
  }

  private static List<PodCondition> notReady(List<PodCondition> conditions, String now) {
    List<PodCondition> result = new ArrayList<>();
    if (conditions == null) {
      return result;
    }
    for (PodCondition condition : conditions) {
      boolean readiness =
          "Ready".equals(condition.getType()) || "ContainersReady".equals(condition.getType());
      if (readiness && !"False".equals(condition.getStatus())) {
        result.add(
            new PodConditionBuilder(condition)
                .withStatus("False")
                .withReason("PodFailed")
                .withMessage(null)
                .withLastTransitionTime(now)
                .build());
      } else {
        result.add(condition);
      }
    }
    return result;
  }
}
