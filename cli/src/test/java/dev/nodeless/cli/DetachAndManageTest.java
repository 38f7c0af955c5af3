package dev.nodeless.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run --detach}, {@code ls}, {@code logs}, {@code rm} and signals against the real local
 * provider and a real background supervisor process.
 */
class DetachAndManageTest {
  private static final String HELLO = "systemk/internal/testdata/provider/hello.yaml";

  @TempDir Path stateDir;
  @TempDir Path files;

  @AfterEach
  void noProcessLeft() {
    Cli.awaitNoChildProcesses();
  }

  private String dir() {
    return stateDir.toString();
  }

  @Test
  void detachedDeploymentRoundTrip() {
    Path deployment = TestFiles.fixture(files, "application/deployment-sidecar.yaml");

    Cli.Result detached =
        Cli.run(
            "run",
            "--detach",
            "--state-dir",
            dir(),
            "--grace-period",
            "1s",
            "-f",
            deployment.toString());

    assertThat(detached.exitCode()).as(detached.toString()).isZero();
    assertThat(detached.err())
        .contains("note: Deployment myapp in ")
        .contains("runs as one pod, default/myapp, from its pod template; replicas");
    assertThat(detached.err()).contains("pod default/myapp is running in the background (uid ");
    assertThat(detached.err())
        .contains("  follow a log:   nodeless logs default/myapp -f --state-dir " + dir());
    assertThat(Cli.liveDescendants()).as("the supervisor and the pod").isNotEmpty();

    Cli.Result listed = Cli.run("ls", "--state-dir", dir());
    assertThat(listed.exitCode()).as(listed.toString()).isZero();
    assertThat(listed.out())
        .containsPattern(Pattern.compile("default\\s+myapp\\s+\\S+\\s+Running\\s+1/1"));

    // The app appends a line every second to a file in a shared emptyDir; the native sidecar
    // follows that file and prints each line.
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              Cli.Result logs = Cli.run("logs", "myapp", "-c", "logshipper", "--state-dir", dir());
              assertThat(logs.exitCode()).as(logs.toString()).isZero();
              assertThat(logs.out()).contains("logging");
            });
    Cli.Result timestamped =
        Cli.run(
            "logs",
            "default/myapp",
            "-c",
            "logshipper",
            "--tail",
            "1",
            "--timestamps",
            "--state-dir",
            dir());
    assertThat(timestamped.out()).containsPattern("^\\d{4}-\\d\\d-\\d\\dT\\S+ ");
    assertThat(timestamped.out().lines()).hasSize(1);
    Cli.Result every =
        Cli.run("logs", "myapp", "-c", "logshipper", "--tail", "-1", "--state-dir", dir());
    assertThat(every.exitCode()).as(every.toString()).isZero();
    assertThat(every.out()).contains("logging");
    Cli.Result invalidTail =
        Cli.run("logs", "myapp", "-c", "logshipper", "--tail", "-2", "--state-dir", dir());
    assertThat(invalidTail.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(invalidTail.err()).contains("-1 for every line");
    Cli.Result previous =
        Cli.run("logs", "myapp", "-c", "logshipper", "--previous", "--state-dir", dir());
    assertThat(previous.exitCode()).as(previous.toString()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(previous.err()).contains("has not restarted, so it has no previous instance");

    Cli.Result removed = Cli.run("rm", "myapp", "--state-dir", dir(), "--grace-period", "1s");
    assertThat(removed.exitCode()).as(removed.toString()).isZero();
    assertThat(removed.out())
        .contains("pod default/myapp (uid ")
        .contains(") terminated and removed");

    Cli.awaitNoChildProcesses();
    KubernetesList list =
        new KubernetesSerialization()
            .unmarshal(
                Cli.run("ls", "--state-dir", dir(), "-o", "yaml").out(), KubernetesList.class);
    assertThat(list.getItems()).as("rm removes the pod from the state dir").isEmpty();
  }

  @Test
  void detachTimesOutWhilePodPending() {
    Path stuck = TestFiles.manifest(files, "stuck-in-init.yaml");

    Cli.Result detached =
        Cli.run(
            "run",
            "--detach",
            "--timeout",
            "5s",
            "--grace-period",
            "1s",
            "--state-dir",
            dir(),
            "-f",
            stuck.toString());

    assertThat(detached.exitCode()).as(detached.toString()).isEqualTo(ExitCodes.TIMED_OUT);
    assertThat(detached.err()).contains("error: timed out before every pod was running");
    Cli.awaitNoChildProcesses();
    Cli.Result listed = Cli.run("ls", "--state-dir", dir(), "-o", "json");
    assertThat(listed.out()).doesNotContain("stuck");
  }

  @Test
  void unknownPodIsNotFound() {
    Cli.Result logs = Cli.run("logs", "nope", "--state-dir", dir());
    Cli.Result removed = Cli.run("rm", "nope", "--state-dir", dir());

    assertThat(logs.exitCode()).as(logs.toString()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(logs.err()).contains("pod 'nope' not found;");
    Cli.Result shortPrefix = Cli.run("logs", "e9", "--state-dir", dir());
    assertThat(shortPrefix.err()).contains("a UID prefix needs at least 4 characters");
    assertThat(removed.exitCode()).as(removed.toString()).isEqualTo(ExitCodes.NOT_FOUND);
  }

  @Test
  void sigtermTerminatesPodsAndExits143() throws Exception {
    Path hello = TestFiles.fixture(files, HELLO);
    File stderr = files.resolve("stderr.txt").toFile();
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            System.getProperty("java.class.path"),
            Main.class.getName(),
            "run",
            "--state-dir",
            dir(),
            "--grace-period",
            "1s",
            "-f",
            hello.toString());
    Process process =
        new ProcessBuilder(command)
            .redirectOutput(files.resolve("stdout.txt").toFile())
            .redirectError(stderr)
            .start();
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> Files.readString(stderr.toPath()).contains("container bash running"));

      process.destroy(); // SIGTERM

      assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      String err = Files.readString(stderr.toPath());
      assertThat(process.exitValue()).as(err).isEqualTo(ExitCodes.TERMINATED);
      assertThat(err).contains("stopping: terminating [default/hello]");
    } finally {
      process.destroyForcibly();
    }
  }
}
