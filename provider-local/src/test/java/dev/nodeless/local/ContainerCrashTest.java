package dev.nodeless.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nodeless.PodLauncher;
import dev.nodeless.PodRef;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a launcher that runs a pod in podman containers, then starts another launcher on the same
 * state directory: the new one removes the containers, pod and volume that the dead one left, and
 * reports the pod as failed because its supervisor was lost.
 */
class ContainerCrashTest {
  @TempDir Path tempDir;
  private Process child;

  @BeforeAll
  static void needPodman() {
    PodmanSupport.requirePodman();
  }

  @AfterEach
  void killChild() {
    if (child != null) {
      child.destroyForcibly();
    }
  }

  @Test
  void aNewLauncherReapsWhatACrashedOneLeft() throws Exception {
    Path stateDir = tempDir.resolve("state");
    Files.createDirectories(stateDir);
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    child =
        new ProcessBuilder(
                java.toString(),
                "-Xmx96m",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                ContainerSupervisorProcess.class.getName(),
                stateDir.toString())
            .redirectError(tempDir.resolve("supervisor.err").toFile())
            .start();
    String uid = null;
    BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = out.readLine()) != null) {
      if (line.startsWith("RUNNING ")) {
        uid = line.substring("RUNNING ".length());
        break;
      }
    }
    assertThat(uid)
        .as(
            "the supervisor's pod did not start: %s",
            Files.readString(tempDir.resolve("supervisor.err")))
        .isNotNull();
    String podUid = uid;
    String label = EngineRuntime.POD_UID_LABEL + "=" + podUid;
    assertThat(PodmanSupport.objects("container", label)).hasSize(2);
    assertThat(PodmanSupport.objects("volume", label)).hasSize(1);

    child.destroyForcibly();
    assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(PodmanSupport.objects("container", label))
        .as("the killed launcher left its containers running")
        .hasSize(2);

    try (PodLauncher launcher =
        PodLauncher.builder()
            .providerName("local")
            .settings(PodmanSupport.settings(stateDir))
            .build()) {
      PodmanSupport.assertNothingLeft(label);
      PodRef ref =
          launcher.list().stream()
              .filter(found -> found.uid().equals(podUid))
              .findFirst()
              .orElseThrow();
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                PodStatus status = launcher.status(ref).orElseThrow();
                assertThat(status.getPhase()).isEqualTo("Failed");
                assertThat(status.getReason()).isEqualTo(LocalPodProvider.SUPERVISOR_LOST);
              });
    }
  }
}
