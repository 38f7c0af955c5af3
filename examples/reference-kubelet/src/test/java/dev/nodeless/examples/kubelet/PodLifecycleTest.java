package dev.nodeless.examples.kubelet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nodeless.PodPhases;
import dev.nodeless.PodRef;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Pods bound to the node run through the local provider, and their status reaches the API. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PodLifecycleTest {
  private static final String NODE = "lifecycle-node";

  private TestCluster cluster;
  private Kubelet kubelet;

  private Pod finishedBeforeStart;

  @BeforeAll
  void start(@TempDir Path stateDir) {
    cluster = new TestCluster();
    // The API server drops the status of a created pod; a status write sets the finished phase.
    Pod created = cluster.create(cluster.pod("done-before", NODE, "sleep 1000"));
    finishedBeforeStart =
        cluster
            .client
            .pods()
            .inNamespace(TestCluster.NAMESPACE)
            .resource(
                new PodBuilder(created)
                    .withNewStatus()
                    .withPhase(PodPhases.SUCCEEDED)
                    .endStatus()
                    .build())
            .updateStatus();
    kubelet = cluster.start(NODE, stateDir);
  }

  @AfterAll
  void stop() {
    cluster.close();
  }

  @Test
  void boundPodReachesRunning() {
    cluster.create(
        cluster
            .pod("web", NODE, "echo hi; sleep 1000")
            .editSpec()
            .addToContainers(cluster.container("sidecar", "sleep 1000").build())
            .endSpec());

    Pod pod = cluster.awaitPhase("web", PodPhases.RUNNING);

    assertThat(pod.getStatus().getPodIP()).isEqualTo("127.0.0.1");
    assertThat(pod.getStatus().getHostIP()).isEqualTo("127.0.0.1");
    assertThat(pod.getStatus().getStartTime()).isNotNull();
    assertThat(pod.getStatus().getContainerStatuses())
        .extracting(ContainerStatus::getName)
        .containsExactlyInAnyOrder("main", "sidecar");
    Pod ready =
        cluster.awaitPod(
            "web",
            found ->
                condition(found, "Ready") != null
                    && "True".equals(condition(found, "Ready").getStatus()));
    assertThat(ready.getStatus().getContainerStatuses())
        .allSatisfy(
            container -> {
              assertThat(container.getReady()).isTrue();
              assertThat(container.getState().getRunning()).isNotNull();
            });
    cluster.awaitEvent("web", "ProviderCreateSuccess");
    assertThat(kubelet.metrics().launchCount()).isPositive();
  }

  @Test
  void podOfOtherNodeIsNotTouched() {
    Pod created = cluster.create(cluster.pod("elsewhere", "other-node", "sleep 1000"));
    // A pod created after it and bound here shows that the kubelet saw both.
    cluster.create(cluster.pod("marker", NODE, "sleep 1000"));
    cluster.awaitPhase("marker", PodPhases.RUNNING);

    Pod elsewhere = cluster.get("elsewhere");

    assertThat(elsewhere.getMetadata().getResourceVersion())
        .isEqualTo(created.getMetadata().getResourceVersion());
    assertThat(elsewhere.getStatus() == null || elsewhere.getStatus().getPhase() == null).isTrue();
    assertThat(kubelet.launcher().list()).extracting(PodRef::name).doesNotContain("elsewhere");
    assertThat(cluster.events("elsewhere")).isEmpty();
  }

  @Test
  void finishedPodIsNeverLaunchedOrWritten() {
    cluster.create(cluster.pod("after-done", NODE, "sleep 1000"));
    cluster.awaitPhase("after-done", PodPhases.RUNNING);

    Pod after = cluster.get("done-before");

    assertThat(kubelet.launcher().list()).extracting(PodRef::name).doesNotContain("done-before");
    assertThat(after.getStatus().getPhase()).isEqualTo(PodPhases.SUCCEEDED);
    assertThat(after.getMetadata().getResourceVersion())
        .isEqualTo(finishedBeforeStart.getMetadata().getResourceVersion());
    assertThat(cluster.events("done-before")).isEmpty();
  }

  @Test
  void completedPodReportsSucceeded() {
    cluster.create(
        cluster.pod("job", NODE, "echo done").editSpec().withRestartPolicy("Never").endSpec());

    Pod pod = cluster.awaitPhase("job", PodPhases.SUCCEEDED);

    assertThat(
            pod.getStatus().getContainerStatuses().get(0).getState().getTerminated().getExitCode())
        .isZero();
  }

  @Test
  void resyncMakesNoProviderCall() {
    cluster.create(cluster.pod("steady", NODE, "sleep 1000"));
    cluster.awaitPhase("steady", PodPhases.RUNNING);
    double launches = kubelet.metrics().providerCalls("launch");
    double terminates = kubelet.metrics().providerCalls("terminate");
    long syncs = kubelet.pods().syncs();
    long updates = kubelet.pods().updates();

    // A label change is a real update that the kubelet syncs. The informer also replays every
    // cached pod each second, so three replays of all pods prove that several resyncs passed.
    cluster
        .client
        .pods()
        .inNamespace(TestCluster.NAMESPACE)
        .withName("steady")
        .edit(
            pod ->
                new PodBuilder(pod)
                    .editMetadata()
                    .addToLabels("tier", "web")
                    .endMetadata()
                    .build());
    int cached = kubelet.pods().apiPods().size();
    await()
        .atMost(TestCluster.TIMEOUT)
        .until(
            () ->
                kubelet.pods().syncs() > syncs
                    && kubelet.pods().updates() >= updates + 3L * cached);

    assertThat(kubelet.metrics().providerCalls("launch")).isEqualTo(launches);
    assertThat(kubelet.metrics().providerCalls("terminate")).isEqualTo(terminates);
  }

  @Test
  void imageChangeIsReportedNotApplied() {
    cluster.create(cluster.pod("pinned", NODE, "sleep 1000"));
    cluster.awaitPhase("pinned", PodPhases.RUNNING);
    double launches = kubelet.metrics().providerCalls("launch");

    cluster
        .client
        .pods()
        .inNamespace(TestCluster.NAMESPACE)
        .withName("pinned")
        .edit(
            pod ->
                new PodBuilder(pod)
                    .editSpec()
                    .editFirstContainer()
                    .withImage("busybox:1.37")
                    .endContainer()
                    .endSpec()
                    .build());

    assertThat(cluster.awaitEvent("pinned", "SpecChangeNotApplied").getMessage())
        .contains("spec.containers[0].image");
    assertThat(kubelet.metrics().providerCalls("launch")).isEqualTo(launches);
    assertThat(cluster.get("pinned").getStatus().getPhase()).isEqualTo(PodPhases.RUNNING);
  }

  private static PodCondition condition(Pod pod, String type) {
    if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
      return null;
    }
    return pod.getStatus().getConditions().stream()
        .filter(condition -> type.equals(condition.getType()))
        .findFirst()
        .orElse(null);
  }
}
