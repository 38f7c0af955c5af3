package dev.nodeless.examples.kubelet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nodeless.PodLauncher;
import dev.nodeless.PodPhases;
import dev.nodeless.PodRef;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Start-up reconciliation and pods that the provider loses. Provider pods that the API does not
 * have are terminated, and deletions left in flight are finished. Pods that the API shows running
 * but the provider lost become Failed with reason NotFound instead of being launched again.
 */
class RestartTest {
  private static final String NODE = "restart-node";

  @Test
  void orphanTerminatedAtStart(@TempDir Path stateDir) {
    try (TestCluster cluster = new TestCluster();
        PodLauncher previous =
            PodLauncher.builder()
                .providerName("local")
                .settings(TestCluster.config(NODE, stateDir).build().providerSettings())
                .build()) {
      // A launcher that still runs a pod the API server never heard of, such as one whose API
      // object was deleted while its kubelet was down.
      PodRef orphan =
          previous.launchAndWait(
              cluster
                  .pod("orphan", NODE, "sleep 1000")
                  .editMetadata()
                  .withUid("orphan-uid")
                  .endMetadata()
                  .build(),
              TestCluster.TIMEOUT);
      previous.awaitStarted(orphan, TestCluster.TIMEOUT);

      Kubelet kubelet = cluster.start(NODE, stateDir);

      assertThat(previous.awaitCompletion(orphan, TestCluster.TIMEOUT).getPhase())
          .isIn(PodPhases.SUCCEEDED, PodPhases.FAILED);
      await().atMost(TestCluster.TIMEOUT).until(() -> !kubelet.launcher().list().contains(orphan));
      assertThat(cluster.get("orphan")).isNull();
    }
  }

  @Test
  void deletionInFlightIsFinishedAtStart(@TempDir Path stateDir) {
    try (TestCluster cluster = new TestCluster()) {
      cluster.create(cluster.pod("half-deleted", NODE, "sleep 1000"));
      // Marked for deletion while no kubelet ran: the object waits for its kubelet.
      cluster
          .client
          .pods()
          .inNamespace(TestCluster.NAMESPACE)
          .withName("half-deleted")
          .withGracePeriod(30)
          .delete();
      assertThat(cluster.get("half-deleted").getMetadata().getDeletionTimestamp()).isNotNull();

      Kubelet kubelet = cluster.start(NODE, stateDir);

      await().atMost(TestCluster.TIMEOUT).until(() -> cluster.get("half-deleted") == null);
      assertThat(kubelet.metrics().providerCalls("launch")).isZero();
    }
  }

  @Test
  void podLostAcrossRestartBecomesFailedNotFound(
      @TempDir Path firstState, @TempDir Path secondState) {
    try (TestCluster cluster = new TestCluster()) {
      Kubelet first = cluster.start(NODE, firstState);
      cluster.create(cluster.pod("survivor", NODE, "echo hi; sleep 1000"));
      String uid = cluster.awaitPhase("survivor", PodPhases.RUNNING).getMetadata().getUid();
      cluster.awaitPod("survivor", pod -> allReady(pod));

      // The provider's state is gone: the next kubelet runs on an empty state directory.
      first.close();
      Kubelet second = cluster.start(NODE, secondState);

      Pod lost = cluster.awaitPhase("survivor", PodPhases.FAILED);
      assertLost(lost);
      assertThat(lost.getMetadata().getUid()).isEqualTo(uid);
      cluster.awaitEvent("survivor", "ProviderPodLost");
      assertThat(second.metrics().providerCalls("launch")).isZero();
      assertThat(second.launcher().list()).isEmpty();
    }
  }

  @Test
  void podLostWhileRunningBecomesFailedNotFound(@TempDir Path stateDir) throws Exception {
    try (TestCluster cluster = new TestCluster()) {
      Kubelet kubelet = cluster.start(NODE, stateDir);
      cluster.create(cluster.pod("wiped", NODE, "echo hi; sleep 1000"));
      Pod running = cluster.awaitPhase("wiped", PodPhases.RUNNING);
      cluster.awaitPod("wiped", pod -> allReady(pod));
      double launches = kubelet.metrics().providerCalls("launch");

      // The pod's files disappear from under the provider, as after a wiped disk.
      deleteTree(stateDir.resolve("pods").resolve(running.getMetadata().getUid()));

      Pod lost = cluster.awaitPhase("wiped", PodPhases.FAILED);
      assertLost(lost);
      cluster.awaitEvent("wiped", "ProviderPodLost");
      assertThat(kubelet.metrics().providerCalls("launch")).isEqualTo(launches);
    }
  }

  private static void assertLost(Pod pod) {
    assertThat(pod.getStatus().getReason()).isEqualTo(PodPhases.LOST_REASON);
    ContainerStatus container = pod.getStatus().getContainerStatuses().get(0);
    ContainerStateTerminated terminated = container.getState().getTerminated();
    assertThat(terminated).isNotNull();
    assertThat(terminated.getExitCode()).isEqualTo(137);
    assertThat(terminated.getReason()).isEqualTo(PodPhases.LOST_REASON);
    assertThat(container.getReady()).isFalse();
  }

  private static boolean allReady(Pod pod) {
    return pod.getStatus().getContainerStatuses() != null
        && !pod.getStatus().getContainerStatuses().isEmpty()
        && pod.getStatus().getContainerStatuses().stream()
            .allMatch(container -> Boolean.TRUE.equals(container.getReady()));
  }

  private static void deleteTree(Path root) throws Exception {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
