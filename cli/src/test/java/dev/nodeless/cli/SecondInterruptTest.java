package dev.nodeless.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A second Ctrl-C while {@code nodeless run} waits out a long grace period kills the pods. The CLI
 * runs as a real child process in a process group of its own, which the test sends SIGINT to, as a
 * terminal does.
 */
class SecondInterruptTest {
  private static final String POD =
      """
      apiVersion: v1
      kind: Pod
      metadata: {name: stubborn}
      spec:
        terminationGracePeriodSeconds: 600
        containers:
        - name: main
          image: busybox
          command: ["sh", "-c", "echo started; trap 'echo term' TERM; while true; do sleep 1; done"]
      """;

  @TempDir Path folder;
  private Process cli;

  @AfterEach
  void killCli() throws Exception {
    if (cli != null && cli.isAlive()) {
      new ProcessBuilder("kill", "-KILL", "--", "-" + cli.pid()).start().waitFor();
    }
  }

  @Test
  void secondCtrlCKillsPodsAtOnce() throws Exception {
    // env --default-signal undoes an ignored SIGINT inherited from a build run in the background.
    Assumptions.assumeTrue(
        new ProcessBuilder("env", "--default-signal=INT", "true").start().waitFor() == 0,
        "env does not support --default-signal");
    Path manifest = Files.writeString(folder.resolve("stubborn.yaml"), POD);
    Path stdout = folder.resolve("stdout.txt");
    Path stderr = folder.resolve("stderr.txt");
    cli =
        new ProcessBuilder(
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
                    "local.runtime=process",
                    "-f",
                    manifest.toString()))
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile())
            .start();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> Files.readString(stdout).contains("started") || !cli.isAlive());

    interrupt();
    await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(stdout).contains("term"));
    assertThat(cli.isAlive()).as("waits out the grace period").isTrue();
    interrupt();

    assertThat(cli.waitFor(30, TimeUnit.SECONDS)).as("the CLI exits").isTrue();
    String err = Files.readString(stderr);
    assertThat(cli.exitValue()).as(err).isEqualTo(ExitCodes.INTERRUPTED);
    assertThat(err).contains("second interrupt: killing [default/stubborn]");
    assertThat(err).contains("container main exited with code 137");
  }

  private void interrupt() throws Exception {
    assertThat(new ProcessBuilder("kill", "-INT", "--", "-" + cli.pid()).start().waitFor())
        .isZero();
  }
}
