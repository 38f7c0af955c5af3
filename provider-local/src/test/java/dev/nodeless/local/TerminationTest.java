package dev.nodeless.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nodeless.PodRef;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TerminationTest extends LocalTestSupport {

  @Test
  void sigtermIgnoringTreeIsKilledAfterGrace() {
    PodRef ref =
        launch(
            pod(
                    "stubborn",
                    shell(
                            "main",
                            "trap '' TERM; sh -c \"trap '' TERM; sleep 1000\" & echo started; wait")
                        .build())
                .build());
    awaitPhase(ref, "Running");
    await().atMost(TIMEOUT).until(() -> processesOf(token).size() >= 2);

    Instant begin = Instant.now();
    launcher.terminateAndWait(ref, Duration.ofSeconds(2), TIMEOUT);
    Duration took = Duration.between(begin, Instant.now());

    assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(1900));
    assertThat(processesOf(token)).isEmpty();
    PodStatus status = launcher.status(ref).orElseThrow();
    assertThat(status.getPhase()).isEqualTo("Failed");
    assertThat(container(status, "main").getState().getTerminated().getExitCode()).isEqualTo(137);
    assertThat(Files.exists(stateDir.resolve("pods").resolve(ref.uid()))).isFalse();
  }

  @Test
  void postStartAndPreStopHooksRun() {
    Path started = stateDir.resolve("post-start");
    Path stopping = stateDir.resolve("pre-stop");
    PodRef ref =
        launch(
            pod(
                    "hooks",
                    shell("main", "exec sleep 1000")
                        .withNewLifecycle()
                        .withNewPostStart()
                        .withNewExec()
                        .withCommand("sh", "-c", "echo up > " + started)
                        .endExec()
                        .endPostStart()
                        .withNewPreStop()
                        .withNewExec()
                        .withCommand("sh", "-c", "echo down > " + stopping)
                        .endExec()
                        .endPreStop()
                        .endLifecycle()
                        .build())
                .build());

    awaitPhase(ref, "Running");
    assertThat(started).exists();
    launcher.terminateAndWait(ref, Duration.ofSeconds(5), TIMEOUT);

    assertThat(stopping).hasContent("down");
  }

  @Test
  void failingPostStartKillsContainer() {
    PodRef ref =
        launch(
            pod(
                    "poststart-fails",
                    shell("main", "exec sleep 1000")
                        .withNewLifecycle()
                        .withNewPostStart()
                        .withNewExec()
                        .withCommand("sh", "-c", "exit 1")
                        .endExec()
                        .endPostStart()
                        .endLifecycle()
                        .build())
                .editSpec()
                .withRestartPolicy("Never")
                .withTerminationGracePeriodSeconds(1L)
                .endSpec()
                .build());

    PodStatus status = awaitPhase(ref, "Failed");

    assertThat(container(status, "main").getState().getTerminated().getExitCode()).isEqualTo(143);
  }

  @Test
  void launchIsIdempotentOnUid() {
    Pod pod =
        pod("twice", shell("main", "exec sleep 1000").build())
            .editMetadata()
            .withUid("fixed-uid-1")
            .endMetadata()
            .build();

    PodRef first = launch(pod);
    PodRef second = launch(pod);
    awaitPhase(first, "Running");

    assertThat(second).isEqualTo(first);
    assertThat(processesOf(token)).hasSize(1);
  }

  @Test
  void hugeGracePeriodsWaitAndStillStop() {
    PodRef ref =
        launch(
            pod(
                    "patient",
                    shell("main", "trap 'echo term' TERM; while true; do sleep 1; done").build())
                .editSpec()
                .withTerminationGracePeriodSeconds(Long.MAX_VALUE)
                .endSpec()
                .build());
    awaitPhase(ref, "Running");

    // The pod's own grace period, 2^63 - 1 s, is cut to 100 years: SIGTERM, then a long wait.
    launcher.terminate(ref, null);
    awaitLogLines(launcher, "patient", ref, "main", List.of("term"), TIMEOUT);
    assertThat(launcher.status(ref).orElseThrow().getPhase()).isEqualTo("Running");
    launcher.terminate(ref, Duration.ofSeconds(Long.MAX_VALUE));

    launcher.terminateAndWait(ref, Duration.ZERO, TIMEOUT);
    PodStatus stopped =
        awaitStatus(ref, status -> List.of("Succeeded", "Failed").contains(status.getPhase()));
    assertThat(container(stopped, "main").getState().getTerminated().getExitCode()).isEqualTo(137);
  }

  @Test
  void activeDeadlineFailsThePod() {
    PodRef ref =
        launch(
            pod(
                    "deadline",
                    shell(
                            "main",
                            "trap 'echo stopping; exit 0' TERM; echo up; while :; do sleep 0.1; done")
                        .build())
                .editSpec()
                .withActiveDeadlineSeconds(1L)
                .endSpec()
                .build());

    PodStatus status =
        awaitStatus(
            ref,
            current ->
                "Failed".equals(current.getPhase())
                    && findContainer(current, "main")
                        .map(c -> c.getState().getTerminated() != null)
                        .orElse(false));

    assertThat(status.getReason()).isEqualTo("DeadlineExceeded");
    assertThat(status.getMessage())
        .isEqualTo("Pod was active on the node longer than the specified deadline");
    assertThat(container(status, "main").getState().getTerminated().getExitCode()).isZero();
    assertThat(container(status, "main").getRestartCount()).isZero();
    // The trap runs once: the group's SIGTERM is not sent to its leader a second time. (The shell
    // may also report that its sleep was terminated, because the whole group gets SIGTERM.)
    assertThat(logs(ref, "main")).startsWith("up\n").containsOnlyOnce("stopping\n");
  }

  @Test
  void podFinishingBeforeItsDeadlineSucceeds() {
    PodRef ref =
        launch(
            pod("quick", shell("main", "echo done").build())
                .editSpec()
                .withRestartPolicy("Never")
                .withActiveDeadlineSeconds(30L)
                .endSpec()
                .build());

    PodStatus status = awaitPhase(ref, "Succeeded");

    assertThat(status.getReason()).isNull();
  }

  @Test
  void terminatingUnknownPodSucceeds() {
    launcher.terminateAndWait(
        new PodRef("default", "ghost", "no-such-uid"), Duration.ofSeconds(1), TIMEOUT);
  }

  @Test
  void closeStopsRunningPods() {
    PodRef ref = launch(pod("closing", shell("main", "exec sleep 1000").build()).build());
    awaitPhase(ref, "Running");

    launcher.close();

    assertThat(processesOf(token)).isEmpty();
    assertThat(new PodDirectory(stateDir, ref.uid()).readStatus().orElseThrow().getPhase())
        .isEqualTo("Failed");
  }
}
