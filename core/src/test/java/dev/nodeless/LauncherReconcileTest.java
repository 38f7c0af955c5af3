package dev.nodeless;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeless.spi.DownwardFacts;
import dev.nodeless.spi.OwnedPod;
import dev.nodeless.spi.PodProvider;
import dev.nodeless.spi.PodProviderFactory;
import dev.nodeless.spi.ProviderContext;
import dev.nodeless.spi.ResolvedPod;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link PodLauncher#reconcile()} and {@link PodLauncher#forget} over a provider that keeps its
 * pods in a map, so that a test can remove one the way a crashed host or an operator would.
 */
class LauncherReconcileTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final MapProvider provider = new MapProvider();
  private final PodLauncher launcher =
      PodLauncher.builder().providerFactories(List.of(provider.factory())).build();

  @AfterEach
  void close() {
    launcher.close();
  }

  @Test
  void reconcileMarksLostPodFailed() throws Exception {
    PodRef ref = launcher.launchAndWait(pod("lost"), TIMEOUT);
    launcher.awaitStarted(ref, TIMEOUT);
    List<PodStatus> seen = new CopyOnWriteArrayList<>();
    launcher.subscribeAll((pod, status) -> seen.add(status));

    provider.running.remove(ref.uid());
    List<PodRef> lost = launcher.reconcile().get(10, TimeUnit.SECONDS);

    assertThat(lost).containsExactly(ref);
    PodStatus status = launcher.status(ref).orElseThrow();
    assertThat(status.getPhase()).isEqualTo(PodPhases.FAILED);
    assertThat(status.getReason()).isEqualTo(PodPhases.LOST_REASON);
    ContainerStatus container = status.getContainerStatuses().get(0);
    assertThat(container.getReady()).isFalse();
    assertThat(container.getState().getTerminated().getExitCode())
        .isEqualTo(PodPhases.LOST_EXIT_CODE);
    assertThat(container.getState().getTerminated().getReason()).isEqualTo(PodPhases.LOST_REASON);
    assertThat(seen).extracting(PodStatus::getPhase).contains(PodPhases.FAILED);
    assertThat(provider.launches).hasSize(1);
  }

  @Test
  void reconcileKeepsPodsTheProviderHas() throws Exception {
    PodRef ref = launcher.launchAndWait(pod("kept"), TIMEOUT);
    launcher.awaitStarted(ref, TIMEOUT);

    assertThat(launcher.reconcile().get(10, TimeUnit.SECONDS)).isEmpty();

    assertThat(launcher.status(ref).orElseThrow().getPhase()).isEqualTo(PodPhases.RUNNING);
  }

  @Test
  void reconcileSkipsTerminatingPods() throws Exception {
    PodRef ref = launcher.launchAndWait(pod("stopping"), TIMEOUT);
    launcher.awaitStarted(ref, TIMEOUT);
    provider.holdTerminate = new CompletableFuture<>();

    launcher.terminate(ref, Duration.ZERO);
    provider.running.remove(ref.uid());

    assertThat(launcher.reconcile().get(10, TimeUnit.SECONDS)).isEmpty();
    provider.holdTerminate.complete(null);
  }

  @Test
  void forgetDropsPodAndIgnoresLateStatus() throws Exception {
    PodRef ref = launcher.launchAndWait(pod("done"), TIMEOUT);
    launcher.awaitStarted(ref, TIMEOUT);
    launcher.terminateAndWait(ref, Duration.ZERO, TIMEOUT);

    assertThat(launcher.forget(ref)).isTrue();
    provider.report(ref, PodPhases.RUNNING);
    // A status delivered after the late one proves that the late one was processed.
    PodRef other = launcher.launchAndWait(pod("other"), TIMEOUT);
    launcher.awaitStarted(other, TIMEOUT);

    assertThat(launcher.status(ref)).isEmpty();
    assertThat(launcher.list()).containsExactly(other);
    assertThat(launcher.forget(ref)).isFalse();
  }

  @Test
  void lostStatusKeepsFinishedContainers() {
    PodStatus last =
        new PodStatusBuilder()
            .withPhase(PodPhases.RUNNING)
            .addNewCondition()
            .withType("Ready")
            .withStatus("True")
            .endCondition()
            .addNewCondition()
            .withType("PodScheduled")
            .withStatus("True")
            .endCondition()
            .withContainerStatuses(
                new ContainerStatusBuilder()
                    .withName("main")
                    .withReady(true)
                    .withNewState()
                    .withNewRunning("2026-01-01T00:00:00Z")
                    .endState()
                    .build(),
                new ContainerStatusBuilder()
                    .withName("setup")
                    .withNewState()
                    .withNewTerminated()
                    .withExitCode(0)
                    .withReason("Completed")
                    .endTerminated()
                    .endState()
                    .build())
            .build();

    PodStatus lost = PodPhases.lostStatus(last, Instant.parse("2026-01-01T00:01:00Z"));

    assertThat(lost.getPhase()).isEqualTo(PodPhases.FAILED);
    assertThat(lost.getContainerStatuses().get(0).getState().getTerminated().getExitCode())
        .isEqualTo(137);
    assertThat(lost.getContainerStatuses().get(0).getState().getTerminated().getStartedAt())
        .isEqualTo("2026-01-01T00:00:00Z");
    assertThat(lost.getContainerStatuses().get(0).getState().getTerminated().getFinishedAt())
        .isEqualTo("2026-01-01T00:01:00Z");
    assertThat(lost.getContainerStatuses().get(1).getState().getTerminated().getExitCode())
        .isZero();
    assertThat(lost.getConditions())
        .filteredOn(condition -> condition.getType().equals("Ready"))
        .singleElement()
        .satisfies(condition -> assertThat(condition.getStatus()).isEqualTo("False"));
    assertThat(lost.getConditions())
        .filteredOn(condition -> condition.getType().equals("PodScheduled"))
        .singleElement()
        .satisfies(condition -> assertThat(condition.getStatus()).isEqualTo("True"));
  }

  private static Pod pod(String name) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("default")
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("main")
        .withImage("busybox")
        .withCommand("sleep", "1000")
        .endContainer()
        .endSpec()
        .build();
  }

  /**
   * A provider whose pods are entries in a map: launch adds one and reports it running, terminate
   * removes it and reports it succeeded, and list returns what the map holds.
   */
  private static final class MapProvider implements PodProvider {
    final Map<String, PodRef> running = new ConcurrentHashMap<>();
    final List<PodRef> launches = new CopyOnWriteArrayList<>();
    volatile CompletableFuture<Void> holdTerminate;
    private volatile ProviderContext context;

    PodProviderFactory factory() {
      MapProvider self = this;
      return new PodProviderFactory() {
        @Override
        public String name() {
          return "map";
        }

        @Override
        public int priority() {
          return 0;
        }

        @Override
        public Optional<String> unavailableReason(Map<String, String> settings) {
          return Optional.empty();
        }

        @Override
        public PodProvider create(ProviderContext context) {
          self.context = context;
          return self;
        }
      };
    }

    void report(PodRef ref, String phase) {
      PodStatusBuilder status = new PodStatusBuilder().withPhase(phase);
      if (PodPhases.RUNNING.equals(phase)) {
        status
            .addNewCondition()
            .withType("Ready")
            .withStatus("True")
            .endCondition()
            .addNewContainerStatus()
            .withName("main")
            .withReady(true)
            .withNewState()
            .withNewRunning("2026-01-01T00:00:00Z")
            .endState()
            .endContainerStatus();
      }
      context.statusSink().statusChanged(ref, status.build());
    }

    @Override
    public String name() {
      return "map";
    }

    @Override
    public DownwardFacts downwardFacts() {
      return new DownwardFacts("test-node", "127.0.0.1", "127.0.0.1", Map.of());
    }

    @Override
    public List<dev.nodeless.ValidationProblem> validate(ResolvedPod pod) {
      return List.of();
    }

    @Override
    public CompletableFuture<Void> launch(ResolvedPod pod) {
      launches.add(pod.ref());
      running.put(pod.ref().uid(), pod.ref());
      report(pod.ref(), PodPhases.RUNNING);
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> terminate(PodRef pod, Duration gracePeriod) {
      CompletableFuture<Void> hold = holdTerminate;
      CompletableFuture<Void> done = hold == null ? CompletableFuture.completedFuture(null) : hold;
      return done.thenRun(
          () -> {
            if (running.remove(pod.uid()) != null) {
              report(pod, PodPhases.SUCCEEDED);
            }
          });
    }

    @Override
    public InputStream logs(PodRef pod, String container, LogOptions options) {
      return InputStream.nullInputStream();
    }

    @Override
    public CompletableFuture<List<OwnedPod>> list() {
      List<OwnedPod> owned = new ArrayList<>();
      running.values().forEach(ref -> owned.add(new OwnedPod(ref, null, null)));
      return CompletableFuture.completedFuture(owned);
    }

    @Override
    public void close() {}
  }
}
