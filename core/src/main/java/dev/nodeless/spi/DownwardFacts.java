package dev.nodeless.spi;

import java.math.BigDecimal;
import java.util.Map;

/**
 * Values that only the provider knows, needed for downward API fields such as {@code
 * spec.nodeName}, {@code status.hostIP} and {@code status.podIP}. A {@code null} field means the
 * provider cannot know it before the pod starts; a pod that needs it is rejected by validation.
 *
 * @param nodeName the node name the pod appears to run on
 * @param hostIp the host address, or {@code null}
 * @param podIp the pod address, or {@code null} when it is only known after launch
 * @param nodeAllocatable allocatable amounts per resource ({@code cpu} in cores, {@code memory} in
 *     bytes), used by {@code resourceFieldRef} for a container without a limit, as the kubelet uses
 *     node allocatable; empty when unknown
 */
public record DownwardFacts(
    String nodeName, String hostIp, String podIp, Map<String, BigDecimal> nodeAllocatable) {

  public DownwardFacts {
    nodeAllocatable = nodeAllocatable == null ? Map.of() : Map.copyOf(nodeAllocatable);
  }
}
