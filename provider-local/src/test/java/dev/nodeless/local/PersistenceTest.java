package dev.nodeless.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nodeless.PodLauncher;
import dev.nodeless.PodRef;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PersistenceTest extends LocalTestSupport {
  private Process child;

  @AfterEach
  void stopChild() {
    if (child != null) {
      child.destroyForcibly();
    }
  }

  /** Starts a launcher in another JVM and returns the UID of the pod it supervises. */
  private String startSupervisor() throws IOException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    child =
        new ProcessBuilder(
                java.toString(),
                "-Xmx96m",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                SupervisorProcess.class.getName(),
                stateDir.toString(),
                token)
            .redirectError(stateDir.resolve("supervisor.err").toFile())
            .start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = out.readLine()) != null) {
      if (line.startsWith("RUNNING ")) {
        return line.substring("RUNNING ".length());
      }
    }
    throw new AssertionError(
        "the supervisor process ended before its pod ran: "
            + Files.readString(stateDir.resolve("supervisor.err")));
  }

  @Test
  void crashedSupervisorIsCleanedUp() throws Exception {
    String uid = startSupervisor();
    await().atMost(TIMEOUT).until(() -> !processesOf(token).isEmpty());

    List<Path> cgroups = cgroupsOf(new PodDirectory(stateDir, uid));
    if (Cgroups.detect().isPresent()) {
      assertThat(cgroups).as("cgroups of the pod's memory limit").isNotEmpty();
    }
    child.destroyForcibly().waitFor();
    assertThat(processesOf(token)).as("pod processes outlive their supervisor").isNotEmpty();

    PodLauncher second = launcher(Map.of());
    try {
      PodRef ref =
          second.list().stream().filter(found -> found.uid().equals(uid)).findFirst().orElseThrow();
      PodStatus status = second.status(ref).orElseThrow();

      assertThat(status.getPhase()).isEqualTo("Failed");
      assertThat(status.getReason()).isEqualTo(LocalPodProvider.SUPERVISOR_LOST);
      assertThat(container(status, "main").getState().getTerminated().getExitCode()).isEqualTo(137);
      await().atMost(Duration.ofSeconds(10)).until(() -> processesOf(token).isEmpty());
      assertThat(logs(second, ref)).isEqualTo("hello from child\n");
      // Removed during the recovery itself, not by a timer that a short-lived caller never runs.
      assertThat(cgroups).allSatisfy(cgroup -> assertThat(cgroup).doesNotExist());
    } finally {
      second.close();
    }
  }

  /** Returns the cgroup directories that the pod's process records name; empty without cgroups. */
  private static List<Path> cgroupsOf(PodDirectory dir) throws IOException {
    List<Path> found = new ArrayList<>();
    for (String line : Files.readAllLines(dir.processesFile())) {
      int at = line.indexOf("cgroup=");
      if (at >= 0) {
        String[] parts = line.substring(at + "cgroup=".length()).trim().split(",");
        for (int i = 1; i < parts.length; i++) {
          found.add(Path.of(parts[i]));
        }
      }
    }
    return found;
  }

  @Test
  void livePodOfAnotherProcessIsObservedAndTerminated() throws Exception {
    String uid = startSupervisor();

    PodLauncher second = launcher(Map.of());
    try {
      PodRef ref =
          second.list().stream().filter(found -> found.uid().equals(uid)).findFirst().orElseThrow();
      assertThat(second.status(ref).orElseThrow().getPhase()).isEqualTo("Running");
      assertThat(logs(second, ref)).isEqualTo("hello from child\n");

      second.terminateAndWait(ref, Duration.ofSeconds(1), TIMEOUT);

      assertThat(Files.exists(stateDir.resolve("pods").resolve(uid))).isFalse();
      await().atMost(Duration.ofSeconds(10)).until(() -> processesOf(token).isEmpty());
      assertThat(child.isAlive()).as("the other supervisor keeps running").isTrue();
    } finally {
      second.close();
    }
  }

  private static String logs(PodLauncher target, PodRef ref) throws IOException {
    try (var in = target.logs(ref, "main", dev.nodeless.LogOptions.ofDefaults())) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
