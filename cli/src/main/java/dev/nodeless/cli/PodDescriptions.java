package dev.nodeless.cli;

import dev.nodeless.PodPhases;
import dev.nodeless.PodRef;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.util.ArrayList;
import java.util.List;

/** Short human descriptions of pod and container states, for status lines and errors. */
final class PodDescriptions {
  private PodDescriptions() {}

  /** Returns the pod as {@code namespace/name}. */
  static String name(PodRef ref) {
    return ref.namespace() + "/" + ref.name();
  }

  /** Describes a container state, such as {@code running} or {@code exited with code 1 (Error)}. */
  static String state(ContainerStatus container) {
    ContainerState state = container.getState();
    if (state == null) {
      return "state unknown";
    }
    if (state.getRunning() != null) {
      return "running";
    }
    if (state.getTerminated() != null) {
      return exited(state.getTerminated());
    }
    if (state.getWaiting() != null) {
      String reason = state.getWaiting().getReason();
      if (reason == null || reason.isEmpty()) {
        return "waiting";
      }
      String message = firstLine(state.getWaiting().getMessage());
      return "waiting (" + reason + (message.isEmpty() ? "" : ": " + message) + ")";
    }
    return "state unknown";
  }

  static String exited(ContainerStateTerminated terminated) {
    StringBuilder text = new StringBuilder("exited with code ").append(terminated.getExitCode());
    if (terminated.getSignal() != null && terminated.getSignal() != 0) {
      text.append(" after signal ").append(terminated.getSignal());
    }
    if (terminated.getReason() != null && !terminated.getReason().isEmpty()) {
      text.append(" (").append(terminated.getReason());
      // A start error's message gives the cause, such as a command not found. An exit's message is
      // the
      // container's termination message, which its log already shows.
      String message =
          "StartError".equals(terminated.getReason()) ? firstLine(terminated.getMessage()) : "";
      text.append(message.isEmpty() ? "" : ": " + message).append(")");
    }
    return text.toString();
  }

  /** Returns the first line of a status message, at most 200 characters; empty for none. */
  private static String firstLine(String message) {
    if (message == null || message.isBlank()) {
      return "";
    }
    String line = message.strip().lines().findFirst().orElse("");
    return line.length() <= 200 ? line : line.substring(0, 197) + "...";
  }

  /**
   * Explains why a failed pod failed: each container that exited with a non-zero code, or the pod's
   * reason and message when no container did.
   */
  static String failure(PodStatus status) {
    List<String> causes = new ArrayList<>();
    addFailedContainers(causes, "init container ", status.getInitContainerStatuses());
    addFailedContainers(causes, "container ", status.getContainerStatuses());
    if (!causes.isEmpty()) {
      return String.join("; ", causes);
    }
    String reason = status.getReason();
    String message = status.getMessage();
    if (reason != null && message != null) {
      return reason + ": " + message;
    }
    if (reason != null || message != null) {
      return reason != null ? reason : message;
    }
    return "phase " + status.getPhase() + " with no reason given";
  }

  private static void addFailedContainers(
      List<String> causes, String label, List<ContainerStatus> containers) {
    if (containers == null) {
      return;
    }
    for (ContainerStatus container : containers) {
      ContainerStateTerminated terminated = terminatedState(container);
      if (terminated != null && terminated.getExitCode() != null && terminated.getExitCode() != 0) {
        causes.add(label + container.getName() + " " + exited(terminated));
      }
    }
  }

  private static ContainerStateTerminated terminatedState(ContainerStatus container) {
    if (container.getState() != null && container.getState().getTerminated() != null) {
      return container.getState().getTerminated();
    }
    if (container.getLastState() != null) {
      return container.getLastState().getTerminated();
    }
    return null;
  }

  /** Returns the phase, with the pod's reason when it has one, such as {@code Failed (Evicted)}. */
  static String phase(PodStatus status) {
    String phase = status.getPhase() == null ? PodPhases.UNKNOWN : status.getPhase();
    String reason = status.getReason();
    return reason == null || reason.isEmpty() ? phase : phase + " (" + reason + ")";
  }

  /**
   * Returns the short status that {@code kubectl get pods} shows: the pod's reason when it has one,
   * then the reason of the first init container that has not succeeded (prefixed {@code Init:}),
   * then the waiting or terminated reason of an app container (such as {@code CrashLoopBackOff}),
   * else the phase.
   */
  static String displayStatus(PodStatus status) {
    if (status.getReason() != null && !status.getReason().isEmpty()) {
      return status.getReason();
    }
    List<ContainerStatus> apps =
        status.getContainerStatuses() == null ? List.of() : status.getContainerStatuses();
    // Once an app container has started, initialisation is over; a sidecar init container keeps
    // running then.
    boolean appsStarted =
        apps.stream()
            .anyMatch(
                app ->
                    app.getState() != null
                        && (app.getState().getRunning() != null
                            || app.getState().getTerminated() != null));
    List<ContainerStatus> inits =
        appsStarted || status.getInitContainerStatuses() == null
            ? List.of()
            : status.getInitContainerStatuses();
    for (ContainerStatus init : inits) {
      ContainerState state = init.getState();
      if (state == null) {
        continue;
      }
      if (state.getTerminated() != null
          && Integer.valueOf(0).equals(state.getTerminated().getExitCode())) {
        continue;
      }
      if (state.getTerminated() != null) {
        return "Init:" + reasonOr(state.getTerminated().getReason(), "Error");
      }
      if (state.getWaiting() != null
          && state.getWaiting().getReason() != null
          && !"PodInitializing".equals(state.getWaiting().getReason())) {
        return "Init:" + state.getWaiting().getReason();
      }
      if (state.getRunning() != null || state.getWaiting() != null) {
        return "Init:" + inits.indexOf(init) + "/" + inits.size();
      }
    }
    String containerReason = null;
    for (ContainerStatus app : apps) {
      ContainerState state = app.getState();
      if (state == null) {
        continue;
      }
      if (state.getWaiting() != null && state.getWaiting().getReason() != null) {
        containerReason = state.getWaiting().getReason();
      } else if (state.getTerminated() != null && state.getTerminated().getReason() != null) {
        containerReason = state.getTerminated().getReason();
      }
    }
    String phase = status.getPhase() == null ? PodPhases.UNKNOWN : status.getPhase();
    return containerReason == null ? phase : containerReason;
  }

  private static String reasonOr(String reason, String fallback) {
    return reason == null || reason.isEmpty() ? fallback : reason;
  }

  /** Counts ready app containers as {@code ready/total}. */
  static String ready(PodStatus status) {
    List<ContainerStatus> containers = status.getContainerStatuses();
    if (containers == null || containers.isEmpty()) {
      return "0/0";
    }
    long ready = containers.stream().filter(c -> Boolean.TRUE.equals(c.getReady())).count();
    return ready + "/" + containers.size();
  }

  /** Sums the restarts of the app containers. */
  static int restarts(PodStatus status) {
    List<ContainerStatus> containers = status.getContainerStatuses();
    if (containers == null) {
      return 0;
    }
    return containers.stream()
        .mapToInt(c -> c.getRestartCount() == null ? 0 : c.getRestartCount())
        .sum();
  }
}
