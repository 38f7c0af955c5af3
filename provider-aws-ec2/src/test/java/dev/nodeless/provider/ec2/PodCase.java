package dev.nodeless.provider.ec2;

import dev.nodeless.testing.PodBundle;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A generated pod for the translator properties: a valid pod from core's {@code PodArbitraries}
 * (whose Secret contains {@link PodGen#CANARY}) plus the parts that matter to EC2, kept in
 * structured form so that a test can work out independently what the translator must do.
 *
 * @param pod the decorated pod, with a UID
 * @param affinityArch architectures of a single required node-affinity term, with {@code
 *     affinityNotIn} choosing {@code NotIn} instead of {@code In}
 * @param typePattern the {@code nodeless.dev/instance-type} annotation
 */
record PodCase(
    PodBundle bundle,
    Pod pod,
    Optional<List<String>> affinityArch,
    boolean affinityNotIn,
    Optional<String> typePattern) {

  String uid() {
    return pod.getMetadata().getUid();
  }

  /** Returns whether a VM of this architecture meets the pod's node selector and affinity. */
  boolean admitsArch(String arch) {
    Map<String, String> selector = pod.getSpec().getNodeSelector();
    if (selector != null
        && selector.containsKey("kubernetes.io/arch")
        && !selector.get("kubernetes.io/arch").equals(arch)) {
      return false;
    }
    return affinityArch.map(arches -> arches.contains(arch) != affinityNotIn).orElse(true);
  }

  @Override
  public String toString() {
    return "PodCase{pod="
        + pod.getMetadata().getName()
        + ", spec="
        + pod.getSpec().getContainers().stream().map(c -> c.getResources()).toList()
        + ", nodeSelector="
        + pod.getSpec().getNodeSelector()
        + ", affinityArch="
        + affinityArch
        + (affinityNotIn ? " (NotIn)" : "")
        + ", typePattern="
        + typePattern
        + "}";
  }
}
