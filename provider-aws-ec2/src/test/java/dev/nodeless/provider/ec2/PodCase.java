package dev.nodeless.provider.ec2;

import dev.nodeless.testing.PodBundle;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

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

  /** Secret name to key to decoded value, as the launcher's resolver would read them. */
  Map<String, Map<String, String>> secrets() {
    Map<String, Map<String, String>> secrets = new TreeMap<>();
    for (Secret secret : bundle.secrets()) {
      Map<String, String> values = new TreeMap<>();
      if (secret.getData() != null) {
        secret
            .getData()
            .forEach(
                (key, value) ->
                    values.put(
                        key,
                        new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8)));
      }
      if (secret.getStringData() != null) {
        values.putAll(secret.getStringData());
      }
      secrets.put(secret.getMetadata().getName(), values);
    }
    return secrets;
  }

  Map<String, Map<String, String>> configMaps() {
    Map<String, Map<String, String>> maps = new TreeMap<>();
    for (ConfigMap map : bundle.configMaps()) {
      maps.put(map.getMetadata().getName(), map.getData() == null ? Map.of() : map.getData());
    }
    return maps;
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
