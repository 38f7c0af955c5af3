package dev.nodeless.examples.kubelet;

import dev.nodeless.PodPhases;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/** Statuses the kubelet writes itself for a pod the provider did not start. */
final class PendingStatus {
  /** The kubelet's waiting reason for a container whose ConfigMap or Secret is missing. */
  static final String CONFIG_ERROR = "CreateContainerConfigError";

  /** Virtual Kubelet's reason for a pod whose launch failed in the provider. */
  static final String PROVIDER_FAILED = "ProviderFailed";

  private PendingStatus() {}

  /**
   * {@code Pending}, with every container waiting with reason {@link #CONFIG_ERROR}, as the kubelet
   * shows a pod whose references cannot be resolved.
   */
  static PodStatus configError(Pod pod, String message, Clock clock) {
    String now =
        DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(ChronoUnit.SECONDS));
    return new PodStatusBuilder()
        .withPhase(PodPhases.PENDING)
        .withStartTime(pod.getStatus() == null ? now : pod.getStatus().getStartTime())
        .withInitContainerStatuses(waiting(pod.getSpec().getInitContainers(), message))
        .withContainerStatuses(waiting(pod.getSpec().getContainers(), message))
        .build();
  }

  /** {@code Pending}, or {@code Failed} when the pod will not be retried, with the error. */
  static PodStatus providerFailed(Pod pod, String message, boolean failed) {
    return new PodStatusBuilder()
        .withPhase(failed ? PodPhases.FAILED : PodPhases.PENDING)
        .withReason(PROVIDER_FAILED)
        .withMessage(message)
        .build();
  }

  private static List<ContainerStatus> waiting(List<Container> containers, String message) {
    List<ContainerStatus> statuses = new ArrayList<>();
    if (containers == null) {
      return statuses;
    }
    for (Container container : containers) {
      statuses.add(
          new ContainerStatusBuilder()
              .withName(container.getName())
              .withImage(container.getImage())
              .withReady(false)
              .withRestartCount(0)
              .withStarted(false)
              .withNewState()
              .withNewWaiting()
              .withReason(CONFIG_ERROR)
              .withMessage(message)
              .endWaiting()
              .endState()
              .build());
    }
    return statuses;
  }
}
