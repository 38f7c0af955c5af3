package dev.nodeless.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C during {@code nodeless run} of a pod in a podman container. The CLI runs as a real child
 * process in a process group of its own, and the test sends SIGINT to that whole group, as a
 * terminal does on Ctrl-C, so every helper process the CLI started receives it too.
 */
class PodmanInterruptTest {
  private static final String POD =
      """
      apiVersion: v1
      kind: Pod
      metadata: {name: sleeper}
      spec:
        restartPolicy: Never
        terminationGracePeriodSeconds: 5
        containers:
        - name: main
          image: busybox:1.28
          args: ["sh", "-c", "echo started; trap 'echo bye; exit 0' TERM; while true; do sleep 1; done"]
      """;

  @TempDir Path folder;
  private Process cli;
  private Path stdout;
  private Path stderr;

  @BeforeEach
  void requireTools() {
    boolean podman = exitCode("podman", "version", "--format", "{{.Server.Version}}") == 0;
    if (!podman && "true".equals(System.getenv("CI"))) {
      throw new AssertionError(
          "CI=true but podman does not answer; .ci/setup-podman.sh must run before the tests");
    }
    Assumptions.assumeTrue(podman, "podman is not installed; run .ci/setup-podman.sh as root");
    // setsid gives the CLI its own process group. env --default-signal (GNU coreutils 8.31 and
    // later) undoes an ignored SIGINT inherited from a shell that runs the build in the background.
    Assumptions.assumeTrue(exitCode("setsid", "--version") == 0, "setsid is not installed");
    Assumptions.assumeTrue(
        exitCode("env", "--default-signal=INT", "true") == 0,
        "env does not support --default-signal");
  }

  @AfterEach
  void killCli() {
    if (cli != null && cli.isAlive()) {
      exitCode("kill", "-KILL", "--", "-" + cli.pid());
    }
  }

  @Test
  void ctrlCStopsPodWithoutWarnings() throws Exception {
    startRunning();

    assertThat(exitCode("kill", "-INT", "--", "-" + cli.pid())).isZero();

    assertThat(cli.waitFor(60, TimeUnit.SECONDS)).as("the CLI exits").isTrue();
    String err = Files.readString(stderr);
    assertThat(cli.exitValue()).as(err).isEqualTo(ExitCodes.INTERRUPTED);
    assertThat(err).contains("stopping: terminating [default/sleeper]");
    assertThat(err).contains("pod default/sleeper: Succeeded");
    assertThat(Files.readString(stdout)).contains("[sleeper/main] bye");
    assertThat(err).doesNotContain("WARN");
    assertThat(err).doesNotContain("ERROR");
  }

  @Test
  void eventStreamFailureStillWarns() throws Exception {
    startRunning();
    ProcessHandle events = eventStream().orElseThrow();

    events.destroyForcibly();

    await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(stderr).contains("[WARN]"));
    assertThat(Files.readString(stderr))
        .contains("The podman event stream stopped; following it again");
    await().atMost(Duration.ofSeconds(30)).until(() -> eventStream().isPresent());
    assertThat(exitCode("kill", "-INT", "--", "-" + cli.pid())).isZero();
    assertThat(cli.waitFor(60, TimeUnit.SECONDS)).as("the CLI exits").isTrue();
    assertThat(cli.exitValue()).isEqualTo(ExitCodes.INTERRUPTED);
  }

  private void startRunning() throws IOException {
    Path manifest = Files.writeString(folder.resolve("sleeper.yaml"), POD);
    stdout = folder.resolve("stdout.txt");
    stderr = folder.resolve("stderr.txt");
    List<String> command =
        new ArrayList<>(
            List.of(
                "setsid",
                "env",
                "--default-signal=INT",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "run",
                "--state-dir",
                folder.resolve("state").toString(),
                "-s",
                "local.runtime=podman",
                "-f",
                manifest.toString()));
    cli =
        new ProcessBuilder(command)
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile())
            .start();
    await()
        .atMost(Duration.ofSeconds(90))
        .until(() -> Files.readString(stdout).contains("[sleeper/main] started") || !cli.isAlive());
    assertThat(cli.isAlive()).as(() -> read(stderr)).isTrue();
  }

  private Optional<ProcessHandle> eventStream() {
    return cli.descendants()
        .filter(ProcessHandle::isAlive)
        .filter(handle -> handle.info().commandLine().orElse("").contains("podman events"))
        .findFirst();
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return e.toString();
    }
  }

  private static int exitCode(String... command) {
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return -1;
      }
      return process.exitValue();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }
}
