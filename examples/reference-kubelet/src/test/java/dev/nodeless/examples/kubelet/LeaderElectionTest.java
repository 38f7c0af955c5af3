package dev.nodeless.examples.kubelet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two replicas campaign for one lease; only the leader runs a kubelet. */
class LeaderElectionTest {
  private static final String NODE = "elected-node";
  private static final LeaderElection.Timing FAST =
      new LeaderElection.Timing(
          Duration.ofSeconds(4), Duration.ofSeconds(3), Duration.ofMillis(200));

  @Test
  void secondReplicaTakesOverWhenLeaderStops(@TempDir Path first, @TempDir Path second) {
    try (TestCluster cluster = new TestCluster();
        KubernetesClient clientA = cluster.api.newClient();
        KubernetesClient clientB = cluster.api.newClient()) {
      Replica a = new Replica(clientA, "replica-a", first);
      CompletableFuture<?> campaignA = a.campaign();
      await().atMost(TestCluster.TIMEOUT).until(() -> a.kubelet.get() != null);
      Replica b = new Replica(clientB, "replica-b", second);
      CompletableFuture<?> campaignB = b.campaign();
      await()
          .atMost(TestCluster.TIMEOUT)
          .until(() -> holder(cluster) != null && "replica-a".equals(holder(cluster)));
      assertThat(b.kubelet.get()).isNull();

      // The leader steps down and releases the lease; the follower takes over.
      campaignA.cancel(true);

      await().atMost(TestCluster.TIMEOUT).until(() -> b.kubelet.get() != null);
      assertThat(holder(cluster)).isEqualTo("replica-b");
      assertThat(a.kubelet.get()).isNull();
      assertThat(cluster.client.nodes().withName(NODE).get()).isNotNull();
      campaignB.cancel(true);
      await().atMost(TestCluster.TIMEOUT).until(() -> b.kubelet.get() == null);
    }
  }

  private static String holder(TestCluster cluster) {
    Lease lease =
        cluster.client.leases().inNamespace("default").withName("nodeless-kubelet-" + NODE).get();
    return lease == null ? null : lease.getSpec().getHolderIdentity();
  }

  private static final class Replica {
    final KubernetesClient client;
    final String identity;
    final Path stateDir;
    final AtomicReference<Kubelet> kubelet = new AtomicReference<>();

    Replica(KubernetesClient client, String identity, Path stateDir) {
      this.client = client;
      this.identity = identity;
      this.stateDir = stateDir;
    }

    CompletableFuture<?> campaign() {
      return LeaderElection.campaign(
          client,
          "default",
          "nodeless-kubelet-" + NODE,
          identity,
          FAST,
          () -> kubelet.set(Kubelet.start(client, TestCluster.config(NODE, stateDir).build())),
          () -> {
            Kubelet stopped = kubelet.getAndSet(null);
            if (stopped != null) {
              stopped.close();
            }
          });
    }
  }
}
