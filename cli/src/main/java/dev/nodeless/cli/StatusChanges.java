package dev.nodeless.cli;

import dev.nodeless.PodRef;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a stream of pod statuses into short lines, one per change of phase or container state, such
 * as {@code pod default/pi: container pi exited with code 0 (Completed)}. Not thread-safe; the
 * launcher calls status listeners on one thread.
 */
final class StatusChanges {
  /** Last phase and container states shown, by pod UID, then by label such as "container pi". */
  private final Map<String, Map<String, String>> lastShown = new HashMap<>();

  /** Describes what changed since the previous status of the same pod, one line per change. */
  List<String> describe(PodRef ref, PodStatus status) {
    Map<String, String> previous = lastShown.computeIfAbsent(ref.uid(), uid -> new HashMap<>());
    List<String> lines = new ArrayList<>();
    String prefix = "pod " + PodDescriptions.name(ref) + ": ";
    String phase = PodDescriptions.phase(status);
    if (!phase.equals(previous.put("", phase))) {
      lines.add(prefix + phase);
    }
    addContainers(lines, prefix, previous, "init container ", status.getInitContainerStatuses());
    addContainers(lines, prefix, previous, "container ", status.getContainerStatuses());
    return lines;
  }

  private static void addContainers(
      List<String> lines,
      String prefix,
      Map<String, String> previous,
      String label,
      List<ContainerStatus> containers) {
    if (containers == null) {
      return;
    }
    for (ContainerStatus container : containers) {
      String state = PodDescriptions.state(container);
      int restarts = container.getRestartCount() == null ? 0 : container.getRestartCount();
      if (restarts > 0) {
        ContainerStateTerminated last =
            container.getLastState() == null ? null : container.getLastState().getTerminated();
        // The run before the restart may have ended between two statuses, unseen.
        state +=
            " (restart "
                + restarts
                + (last == null ? "" : "; the previous run " + PodDescriptions.exited(last))
                + ")";
      }
      String key = label + container.getName();
      if (!state.equals(previous.put(key, state))) {
        lines.add(prefix + key + " " + state);
      }
    }
  }
}
