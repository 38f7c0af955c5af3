package dev.nodeless.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
  private CliProcess cli;

  @BeforeEach
  void requireTools() {
    boolean podman =
        CliProcess.exitCode("podman", "version", "--format", "{{.Server.Version}}") == 0;
    if (!podman && "true".equals(System.getenv("CI"))) {
      throw new AssertionError(
          "CI=true but podman does not answer; .ci/setup-podman.sh must run before the tests");
    }
    Assumptions.assumeTrue(podman, "podman is not installed; run .ci/setup-podman.sh as root");
    CliProcess.assumeTools();
  }

  @AfterEach
  void killCli() {
    if (cli != null) {
      cli.close();
    }
  }

  @Test
  void ctrlCStopsPodWithoutWarnings() throws Exception {
    startRunning();

    cli.interrupt();

    assertThat(cli.process.waitFor(60, TimeUnit.SECONDS)).as("the CLI exits").isTrue();
    String err = cli.err();
    assertThat(cli.process.exitValue()).as(err).isEqualTo(ExitCodes.INTERRUPTED);
    assertThat(err).contains("stopping: terminating [default/sleeper]");
    assertThat(err).contains("pod default/sleeper: Succeeded");
    assertThat(cli.out()).contains("[sleeper/main] bye");
    assertThat(err).doesNotContain("WARN");
    assertThat(err).doesNotContain("ERROR");
  }

  @Test
  void eventStreamFailureStillWarns() throws Exception {
    startRunning();
    ProcessHandle events = eventStream().orElseThrow();

    events.destroyForcibly();

    await().atMost(Duration.ofSeconds(30)).until(() -> cli.err().contains("[WARN]"));
    assertThat(cli.err()).contains("The podman event stream stopped; following it again");
    await().atMost(Duration.ofSeconds(30)).until(() -> eventStream().isPresent());
    cli.interrupt();
    assertThat(cli.process.waitFor(60, TimeUnit.SECONDS)).as("the CLI exits").isTrue();
    assertThat(cli.process.exitValue()).isEqualTo(ExitCodes.INTERRUPTED);
  }

  private void startRunning() throws IOException {
    Path manifest = Files.writeString(folder.resolve("sleeper.yaml"), POD);
    cli = CliProcess.startRun(folder, manifest, "podman");
    await()
        .atMost(Duration.ofSeconds(90))
        .until(() -> cli.out().contains("[sleeper/main] started") || !cli.process.isAlive());
    assertThat(cli.process.isAlive()).as(cli::err).isTrue();
  }

  private Optional<ProcessHandle> eventStream() {
    return cli.process
        .descendants()
        .filter(ProcessHandle::isAlive)
        .filter(handle -> handle.info().commandLine().orElse("").contains("podman events"))
        .findFirst();
  }
}
