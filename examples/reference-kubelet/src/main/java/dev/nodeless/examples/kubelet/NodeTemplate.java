package dev.nodeless.examples.kubelet;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddressBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.NodeSystemInfo;
import io.fabric8.kubernetes.api.model.NodeSystemInfoBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The parts of the Node object that this kubelet owns: labels, taint, capacity, addresses, kubelet
 * endpoint, node info and the five standard conditions.
 */
final class NodeTemplate {
  static final String READY = "Ready";
  static final List<String> CONDITION_TYPES =
      List.of(READY, "MemoryPressure", "DiskPressure", "PIDPressure", "NetworkUnavailable");

  /** State of the kubelet that the Ready condition reports. */
  enum Readiness {
    STARTING("False", "KubeletNotReady", "the pod controller is starting"),
    READY("True", "KubeletReady", "kubelet is ready and the provider is healthy"),
    PROVIDER_UNHEALTHY(
        "False", "ProviderUnhealthy", "the provider reports unhealthy; pods are not started");

    final String status;
    final String reason;
    final String message;

    Readiness(String status, String reason, String message) {
      this.status = status;
      this.reason = reason;
      this.message = message;
    }
  }

  private final KubeletConfig config;
  private final String providerName;
  private final String version;
  private final String bootId = UUID.randomUUID().toString();
  private volatile int port;

  NodeTemplate(KubeletConfig config, String providerName, String version) {
    this.config = config;
    this.providerName = providerName;
    this.version = version;
  }

  void port(int port) {
    this.port = port;
  }

  String nodeName() {
    return config.nodeName();
  }

  Map<String, String> labels() {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("type", "virtual-kubelet");
    labels.put("kubernetes.io/hostname", config.nodeName());
    labels.put("kubernetes.io/os", config.operatingSystem());
    labels.put("kubernetes.io/arch", config.architecture());
    labels.put("node.nodeless.dev/provider", providerName);
    return labels;
  }

  Optional<Taint> taint() {
    if (!config.taintEnabled()) {
      return Optional.empty();
    }
    return Optional.of(
        new TaintBuilder()
            .withKey(config.taintKey())
            .withValue(config.taintValue().orElse(providerName))
            .withEffect(config.taintEffect())
            .build());
  }

  /** Builds a new Node object with this kubelet's metadata, spec and status. */
  Node newNode(Readiness readiness, String now) {
    NodeBuilder node =
        new NodeBuilder()
            .withNewMetadata()
            .withName(config.nodeName())
            .withLabels(labels())
            .endMetadata()
            .withNewSpec()
            .withTaints(taint().map(List::of).orElse(List.of()))
            .endSpec();
    return applyStatus(node.build(), readiness, now);
  }

  /**
   * Returns a copy of {@code node} whose status carries our capacity, addresses, endpoint, node
   * info and conditions. Conditions of other types are kept; a condition keeps its transition time
   * while its status does not change; every one of ours gets {@code now} as heartbeat.
   */
  Node applyStatus(Node node, Readiness readiness, String now) {
    Map<String, Quantity> capacity = new LinkedHashMap<>(config.capacity());
    List<NodeCondition> existing =
        node.getStatus() == null || node.getStatus().getConditions() == null
            ? List.of()
            : node.getStatus().getConditions();
    List<NodeCondition> conditions = new ArrayList<>();
    for (String type : CONDITION_TYPES) {
      NodeCondition desired = condition(type, readiness);
      NodeCondition previous =
          existing.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
      boolean unchanged = previous != null && desired.getStatus().equals(previous.getStatus());
      desired.setLastHeartbeatTime(now);
      desired.setLastTransitionTime(
          unchanged && previous.getLastTransitionTime() != null
              ? previous.getLastTransitionTime()
              : now);
      conditions.add(desired);
    }
    for (NodeCondition other : existing) {
      if (!CONDITION_TYPES.contains(other.getType())) {
        conditions.add(other);
      }
    }
    return new NodeBuilder(node)
        .editOrNewStatus()
        .withCapacity(capacity)
        .withAllocatable(new LinkedHashMap<>(capacity))
        .withConditions(conditions)
        .withAddresses(
            new NodeAddressBuilder()
                .withType("InternalIP")
                .withAddress(config.internalIp())
                .build(),
            new NodeAddressBuilder().withType("Hostname").withAddress(config.nodeName()).build())
        .withNewDaemonEndpoints()
        .withNewKubeletEndpoint(port)
        .endDaemonEndpoints()
        .withNodeInfo(nodeInfo())
        .withPhase("Running")
        .endStatus()
        .build();
  }

  private NodeCondition condition(String type, Readiness readiness) {
    NodeConditionBuilder condition = new NodeConditionBuilder().withType(type);
    switch (type) {
      case READY ->
          condition
              .withStatus(readiness.status)
              .withReason(readiness.reason)
              .withMessage(readiness.message);
      case "MemoryPressure" ->
          condition
              .withStatus("False")
              .withReason("KubeletHasSufficientMemory")
              .withMessage("the provider allocates memory per pod");
      case "DiskPressure" ->
          condition
              .withStatus("False")
              .withReason("KubeletHasNoDiskPressure")
              .withMessage("the provider allocates storage per pod");
      case "PIDPressure" ->
          condition
              .withStatus("False")
              .withReason("KubeletHasSufficientPID")
              .withMessage("the provider allocates processes per pod");
      default ->
          condition
              .withStatus("False")
              .withReason("RouteCreated")
              .withMessage("the provider gives each pod its network");
    }
    return condition.build();
  }

  private NodeSystemInfo nodeInfo() {
    return new NodeSystemInfoBuilder()
        .withArchitecture(config.architecture())
        .withOperatingSystem(config.operatingSystem())
        .withOsImage("Nodeless " + version + " (" + providerName + " provider)")
        .withKernelVersion(System.getProperty("os.version", ""))
        .withKubeletVersion("v" + version)
        .withKubeProxyVersion("")
        .withContainerRuntimeVersion("nodeless://" + providerName)
        .withBootID(bootId)
        .withMachineID(config.nodeName())
        .withSystemUUID(bootId)
        .build();
  }
}
