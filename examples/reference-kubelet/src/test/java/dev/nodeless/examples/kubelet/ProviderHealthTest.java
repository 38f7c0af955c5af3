package dev.nodeless.examples.kubelet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A provider that stops working takes the node out of service. */
class ProviderHealthTest {
  private static final String NODE = "health-node";

  @Test
  void unhealthyProviderStopsHeartbeats(@TempDir Path stateDir) {
    try (TestCluster cluster = new TestCluster()) {
      Kubelet kubelet = cluster.start(NODE, stateDir);
      // Kubelet.start returns once the pod controller runs; Ready follows within seconds.
      await()
          .atMost(java.time.Duration.ofSeconds(10))
          .until(() -> "True".equals(NodeAndLeaseTest.status(node(cluster), "Ready")));
      Lease renewed =
          await().atMost(TestCluster.TIMEOUT).until(() -> lease(cluster), l -> l != null);

      // A closed launcher is a provider that can run nothing: healthy() turns false.
      kubelet.launcher().close();

      Node notReady =
          await()
              .atMost(TestCluster.TIMEOUT)
              .until(
                  () -> node(cluster),
                  node -> "False".equals(NodeAndLeaseTest.status(node, "Ready")));
      NodeCondition ready =
          notReady.getStatus().getConditions().stream()
              .filter(condition -> "Ready".equals(condition.getType()))
              .findFirst()
              .orElseThrow();
      assertThat(ready.getReason()).isEqualTo("ProviderUnhealthy");
      assertThat(kubelet.healthy()).isFalse();
      ZonedDateTime lastRenewal = lease(cluster).getSpec().getRenewTime();
      assertThat(lastRenewal).isAfterOrEqualTo(renewed.getSpec().getRenewTime());
      long skipped = kubelet.lease().skippedRenewals();
      await()
          .atMost(TestCluster.TIMEOUT)
          .until(() -> kubelet.lease().skippedRenewals() >= skipped + 3);
      assertThat(lease(cluster).getSpec().getRenewTime()).isEqualTo(lastRenewal);
      String heartbeat = ready.getLastHeartbeatTime();
      assertThat(NodeAndLeaseTest.heartbeat(node(cluster), "Ready").toString())
          .isEqualTo(java.time.Instant.parse(heartbeat).toString());
    }
  }

  private static Node node(TestCluster cluster) {
    return cluster.client.nodes().withName(NODE).get();
  }

  private static Lease lease(TestCluster cluster) {
    return cluster.client.leases().inNamespace("kube-node-lease").withName(NODE).get();
  }
}
