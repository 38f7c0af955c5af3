package dev.nodeless.provider.fargate;

import dev.nodeless.spi.ResolvedContainer;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Notes for pod fields that have no Fargate equivalent and are left out without harm to the
 * containers themselves: scheduling constraints, lifecycle hooks and restart behaviour that ECS
 * cannot reproduce exactly.
 */
final class PodNotes {
  private static final Set<String> PLATFORM_KEYS =
      Set.of(
          "kubernetes.io/os",
          "beta.kubernetes.io/os",
          "kubernetes.io/arch",
          "beta.kubernetes.io/arch");

  private PodNotes() {}

  static void add(Context context) {
    PodSpec spec = context.pod.pod().getSpec();
    Map<String, String> selector = spec.getNodeSelector();
    if (selector != null) {
      Set<String> ignored = new TreeSet<>(selector.keySet());
      ignored.removeAll(PLATFORM_KEYS);
      if (!ignored.isEmpty()) {
        context.note(
            "spec.nodeSelector keys "
                + ignored
                + " are ignored: Fargate has no nodes to select, only kubernetes.io/os and"
                + " kubernetes.io/arch apply");
      }
    }
    if (spec.getNodeName() != null) {
      context.note("spec.nodeName is ignored: Fargate places the task");
    }
    Affinity affinity = spec.getAffinity();
    if (affinity != null
        && (affinity.getPodAffinity() != null || affinity.getPodAntiAffinity() != null)) {
      context.note(
          "spec.affinity pod (anti-)affinity is ignored: every Fargate task has its own VM");
    }
    if (spec.getTopologySpreadConstraints() != null
        && !spec.getTopologySpreadConstraints().isEmpty()) {
      context.note(
          "spec.topologySpreadConstraints are ignored: Fargate picks one of the configured subnets");
    }
    String restart = spec.getRestartPolicy() == null ? "Always" : spec.getRestartPolicy();
    if (!restart.equals("Always") && context.pod.containers().size() > 1) {
      context.note(
          "with restartPolicy "
              + restart
              + " the task stops when the first app container exits, because ECS stops a task"
              + " when an essential container exits, while Kubernetes waits for all of them");
    }
    hooks(context.pod.initContainers(), context);
    hooks(context.pod.containers(), context);
  }

  private static void hooks(List<ResolvedContainer> containers, Context context) {
    for (ResolvedContainer container : containers) {
      var lifecycle = container.container().getLifecycle();
      if (lifecycle != null
          && (lifecycle.getPostStart() != null || lifecycle.getPreStop() != null)) {
        context.note(
            container.fieldPath()
                + ".lifecycle hooks are not run: ECS has no container hooks (a stop sends SIGTERM,"
                + " then SIGKILL after the grace period)");
      }
    }
  }
}
