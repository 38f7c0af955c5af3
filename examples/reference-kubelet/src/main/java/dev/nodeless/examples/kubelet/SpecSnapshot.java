package dev.nodeless.examples.kubelet;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The fields of a pod spec that the API server lets users change after creation: container images,
 * container resources (in-place resize), {@code activeDeadlineSeconds} and {@code tolerations}. A
 * {@link dev.nodeless.PodLauncher} cannot apply any of them to a running pod, so the kubelet keeps
 * the launched values to report later changes. It holds only these fields, not the whole spec.
 */
record SpecSnapshot(
    List<ContainerSnapshot> initContainers,
    List<ContainerSnapshot> containers,
    Long activeDeadlineSeconds,
    List<Toleration> tolerations) {

  record ContainerSnapshot(String image, ResourceRequirements resources) {}

  static SpecSnapshot of(PodSpec spec) {
    return new SpecSnapshot(
        containers(spec.getInitContainers()),
        containers(spec.getContainers()),
        spec.getActiveDeadlineSeconds(),
        spec.getTolerations() == null ? List.of() : List.copyOf(spec.getTolerations()));
  }

  /** Field paths whose value in {@code spec} differs from the snapshot, in spec order. */
  List<String> changesTo(PodSpec spec) {
    SpecSnapshot now = of(spec);
    List<String> changes = new ArrayList<>();
    compare("spec.initContainers", initContainers, now.initContainers, changes);
    compare("spec.containers", containers, now.containers, changes);
    if (!Objects.equals(activeDeadlineSeconds, now.activeDeadlineSeconds)) {
      changes.add("spec.activeDeadlineSeconds");
    }
    if (!tolerations.equals(now.tolerations)) {
      changes.add("spec.tolerations");
    }
    return changes;
  }

  private static void compare(
      String path,
      List<ContainerSnapshot> launched,
      List<ContainerSnapshot> current,
      List<String> changes) {
    for (int i = 0; i < Math.min(launched.size(), current.size()); i++) {
      if (!Objects.equals(launched.get(i).image(), current.get(i).image())) {
        changes.add(path + "[" + i + "].image");
      }
      if (!Objects.equals(launched.get(i).resources(), current.get(i).resources())) {
        changes.add(path + "[" + i + "].resources");
      }
    }
    if (launched.size() != current.size()) {
      changes.add(path);
    }
  }

  private static List<ContainerSnapshot> containers(List<Container> containers) {
    if (containers == null) {
      return List.of();
    }
    return containers.stream()
        .map(container -> new ContainerSnapshot(container.getImage(), container.getResources()))
        .toList();
  }
}
