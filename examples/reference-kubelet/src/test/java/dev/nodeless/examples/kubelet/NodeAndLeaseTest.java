package dev.nodeless.examples.kubelet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The Node object and its lease, as the API server stores them. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NodeAndLeaseTest {
  private static final String NODE = "node-under-test";

  private TestCluster cluster;
  private Kubelet kubelet;

  @BeforeAll
  void start(@TempDir Path stateDir) {
    cluster = new TestCluster();
    kubelet =
        cluster.start(
            NODE,
            stateDir,
            config ->
                config.capacity("cpu", "8").capacity("memory", "32Gi").capacity("pods", "50"));
  }

  @AfterAll
  void stop() {
    cluster.close();
  }

  @Test
  void nodeCarriesLabelsTaintCapacityAndEndpoint() {
    Node node = awaitReady();

    assertThat(node.getMetadata().getLabels())
        .containsEntry("type", "virtual-kubelet")
        .containsEntry("kubernetes.io/hostname", NODE)
        .containsEntry("kubernetes.io/os", KubeletConfig.hostOperatingSystem())
        .containsEntry("kubernetes.io/arch", KubeletConfig.hostArchitecture());
    assertThat(node.getSpec().getTaints())
        .extracting(Taint::getKey, Taint::getValue, Taint::getEffect)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "virtual-kubelet.io/provider", "local", "NoSchedule"));
    assertThat(node.getStatus().getCapacity())
        .containsEntry("cpu", new Quantity("8"))
        .containsEntry("memory", new Quantity("32Gi"))
        .containsEntry("pods", new Quantity("50"))
        .containsEntry("ephemeral-storage", new Quantity("100Gi"));
    assertThat(node.getStatus().getAllocatable()).isEqualTo(node.getStatus().getCapacity());
    assertThat(node.getStatus().getAddresses())
        .extracting(NodeAddress::getType, NodeAddress::getAddress)
        .contains(org.assertj.core.groups.Tuple.tuple("InternalIP", "127.0.0.1"));
    assertThat(node.getStatus().getDaemonEndpoints().getKubeletEndpoint().getPort())
        .isEqualTo(kubelet.port());
    assertThat(node.getStatus().getNodeInfo().getContainerRuntimeVersion())
        .isEqualTo("nodeless://local");
    assertThat(node.getStatus().getNodeInfo().getKubeletVersion())
        .isEqualTo("v" + Kubelet.version());
    assertThat(Kubelet.version()).doesNotContain("unknown").doesNotContain("${");
    assertThat(node.getStatus().getConditions())
        .extracting(NodeCondition::getType)
        .contains("Ready", "MemoryPressure", "DiskPressure", "PIDPressure", "NetworkUnavailable");
  }

  @Test
  void heartbeatsAdvance() {
    Instant first = heartbeat(awaitReady(), "Ready");

    await().atMost(TestCluster.TIMEOUT).until(() -> heartbeat(node(), "Ready").isAfter(first));

    assertThat(heartbeat(node(), "MemoryPressure")).isAfter(first);
  }

  @Test
  void outsideConditionSurvivesStatusWrites() {
    Node ready = awaitReady();
    Instant before = heartbeat(ready, "Ready");
    cluster
        .client
        .nodes()
        .resource(
            new NodeBuilder(ready)
                .editStatus()
                .addNewCondition()
                .withType("ExternalCheck")
                .withStatus("True")
                .withReason("CheckedByOperator")
                .endCondition()
                .endStatus()
                .build())
        .updateStatus();
    cluster
        .client
        .nodes()
        .withName(NODE)
        .edit(
            node ->
                new NodeBuilder(node)
                    .editMetadata()
                    .addToAnnotations("team", "infra")
                    .endMetadata()
                    .build());

    Node later =
        await()
            .atMost(TestCluster.TIMEOUT)
            .until(this::node, node -> heartbeat(node, "Ready").isAfter(before));

    assertThat(later.getStatus().getConditions())
        .extracting(NodeCondition::getType)
        .contains("ExternalCheck", "Ready");
    assertThat(later.getMetadata().getAnnotations()).containsEntry("team", "infra");
  }

  @Test
  void leaseIsHeldAndRenewed() {
    Node node = awaitReady();
    Lease lease = await().atMost(TestCluster.TIMEOUT).until(this::lease, found -> found != null);

    assertThat(lease.getSpec().getHolderIdentity()).isEqualTo(NODE);
    assertThat(lease.getSpec().getLeaseDurationSeconds()).isEqualTo(40);
    OwnerReference owner = lease.getMetadata().getOwnerReferences().get(0);
    assertThat(owner.getKind()).isEqualTo("Node");
    assertThat(owner.getName()).isEqualTo(NODE);
    assertThat(owner.getUid()).isEqualTo(node.getMetadata().getUid());
    ZonedDateTime renewed = lease.getSpec().getRenewTime();
    await()
        .atMost(TestCluster.TIMEOUT)
        .until(() -> lease().getSpec().getRenewTime().isAfter(renewed));
  }

  @Test
  void deletedNodeIsRegisteredAgain() {
    String oldUid = awaitReady().getMetadata().getUid();

    cluster.client.nodes().withName(NODE).delete();

    Node again =
        await()
            .atMost(TestCluster.TIMEOUT)
            .until(this::node, node -> node != null && !oldUid.equals(node.getMetadata().getUid()));
    assertThat(again.getMetadata().getLabels()).containsEntry("type", "virtual-kubelet");
    await()
        .atMost(TestCluster.TIMEOUT)
        .until(
            () ->
                again
                    .getMetadata()
                    .getUid()
                    .equals(lease().getMetadata().getOwnerReferences().get(0).getUid()));
    awaitReady();
  }

  private Node awaitReady() {
    return await()
        .atMost(TestCluster.TIMEOUT)
        .until(this::node, node -> node != null && "True".equals(status(node, "Ready")));
  }

  private Node node() {
    return cluster.client.nodes().withName(NODE).get();
  }

  private Lease lease() {
    return cluster.client.leases().inNamespace("kube-node-lease").withName(NODE).get();
  }

  static String status(Node node, String type) {
    return condition(node, type).map(NodeCondition::getStatus).orElse(null);
  }

  static Instant heartbeat(Node node, String type) {
    return condition(node, type)
        .map(NodeCondition::getLastHeartbeatTime)
        .map(Instant::parse)
        .orElse(Instant.EPOCH);
  }

  private static java.util.Optional<NodeCondition> condition(Node node, String type) {
    if (node == null || node.getStatus() == null || node.getStatus().getConditions() == null) {
      return java.util.Optional.empty();
    }
    return node.getStatus().getConditions().stream()
        .filter(condition -> type.equals(condition.getType()))
        .findFirst();
  }
}
