package dev.nodeless.examples.kubelet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nodeless.PodPhases;
import dev.nodeless.PodRef;
import io.fabric8.kubernetes.api.model.Pod;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Graceful deletion: stop in the provider, then remove the API object with a UID precondition. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PodDeletionTest {
  private static final String NODE = "deletion-node";

  /** Shuts down slowly on SIGTERM, as a server draining its connections would. */
  private static final String SLOW_STOP = "trap 'sleep 2; exit 0' TERM; sleep 1000 & wait";

  private TestCluster cluster;
  private Kubelet kubelet;

  @BeforeAll
  void start(@TempDir Path stateDir) {
    cluster = new TestCluster();
    kubelet = cluster.start(NODE, stateDir);
  }

  @AfterAll
  void stop() {
    cluster.close();
  }

  @Test
  void gracefulDeleteStopsPodOnceThenRemovesIt() {
    cluster.create(cluster.pod("graceful", NODE, "echo hi; sleep 1000"));
    Pod running = cluster.awaitPhase("graceful", PodPhases.RUNNING);
    PodRef ref = PodRef.of(running);
    double terminates = kubelet.metrics().providerCalls("terminate");

    cluster
        .client
        .pods()
        .inNamespace(TestCluster.NAMESPACE)
        .withName("graceful")
        .withGracePeriod(30)
        .delete();

    await().atMost(TestCluster.TIMEOUT).until(() -> cluster.get("graceful") == null);
    assertThat(kubelet.metrics().providerCalls("terminate")).isEqualTo(terminates + 1);
    assertThat(cluster.events("graceful"))
        .extracting(event -> event.getReason())
        .contains("Killing");
    await().atMost(TestCluster.TIMEOUT).until(() -> !kubelet.launcher().list().contains(ref));
  }

  @Test
  void samePodNameCreatedDuringGracePeriodSurvives() {
    cluster.create(cluster.pod("reborn", NODE, SLOW_STOP));
    Pod first = cluster.awaitPhase("reborn", PodPhases.RUNNING);
    PodRef old = PodRef.of(first);

    cluster
        .client
        .pods()
        .inNamespace(TestCluster.NAMESPACE)
        .withName("reborn")
        .withGracePeriod(30)
        .delete();
    cluster.awaitEvent("reborn", "Killing");
    // While the old pod drains, someone force-deletes it and creates a new one with the name.
    cluster
        .client
        .pods()
        .inNamespace(TestCluster.NAMESPACE)
        .withName("reborn")
        .withGracePeriod(0)
        .delete();
    await().atMost(TestCluster.TIMEOUT).until(() -> cluster.get("reborn") == null);
    Pod second = cluster.create(cluster.pod("reborn", NODE, "sleep 1000"));

    await().atMost(TestCluster.TIMEOUT).until(() -> !kubelet.launcher().list().contains(old));
    Pod survivor = cluster.awaitPhase("reborn", PodPhases.RUNNING);
    assertThat(survivor.getMetadata().getUid())
        .isEqualTo(second.getMetadata().getUid())
        .isNotEqualTo(old.uid());
    assertThat(survivor.getMetadata().getDeletionTimestamp()).isNull();
  }

  @Test
  void podThatNeverRanIsDeletedAtOnce() {
    // The ConfigMap does not exist, so the pod stays Pending and nothing runs.
    cluster.create(
        cluster
            .pod("never-ran", NODE, "sleep 1000")
            .editSpec()
            .editFirstContainer()
            .addNewEnv()
            .withName("COLOR")
            .withNewValueFrom()
            .withNewConfigMapKeyRef("color", "absent-config", false)
            .endValueFrom()
            .endEnv()
            .endContainer()
            .endSpec());
    cluster.awaitEvent("never-ran", "FailedValidation");
    double terminates = kubelet.metrics().providerCalls("terminate");

    cluster
        .client
        .pods()
        .inNamespace(TestCluster.NAMESPACE)
        .withName("never-ran")
        .withGracePeriod(30)
        .delete();

    await().atMost(TestCluster.TIMEOUT).until(() -> cluster.get("never-ran") == null);
    assertThat(kubelet.metrics().providerCalls("terminate")).isEqualTo(terminates);
  }
}
