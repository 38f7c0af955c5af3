package dev.nodeless.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C during {@code nodeless run}: with {@code --rm} it removes every pod, and a second Ctrl-C
 * while it waits out a long grace period kills the pods.
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
  private CliProcess cli;

  @AfterEach
  void killCli() {
    if (cli != null) {
      cli.close();
    }
  }

  @Test
  void ctrlCWithRmRemovesFinishedPodsToo() throws Exception {
    CliProcess.assumeTools();
    Path manifest =
        Files.writeString(
            folder.resolve("two.yaml"),
            """
            apiVersion: v1
            kind: Pod
            metadata: {name: quick}
            spec:
              restartPolicy: Never
              containers:
              - {name: main, image: busybox, command: ["sh", "-c", "echo quick done"]}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: slow}
            spec:
              terminationGracePeriodSeconds: 1
              containers:
              - {name: main, image: busybox, command: ["sh", "-c", "echo slow started; exec sleep 600"]}
            """);
    Path state = folder.resolve("state");
    cli =
        CliProcess.start(
            folder,
            "run",
            "--rm",
            "--state-dir",
            state.toString(),
            "-s",
            "local.runtime=process",
            "-f",
            manifest.toString());
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                (cli.out().contains("quick done")
                        && cli.out().contains("slow started")
                        && cli.err().contains("quick: Succeeded"))
                    || !cli.process.isAlive());

    cli.interrupt();

    assertThat(cli.process.waitFor(30, TimeUnit.SECONDS)).as("the CLI exits").isTrue();
    assertThat(cli.process.exitValue()).as(cli.err()).isEqualTo(ExitCodes.INTERRUPTED);
    try (var pods = Files.list(state.resolve("pods"))) {
      assertThat(pods.toList()).as("pods left in the state directory").isEmpty();
    }
  }

  @Test
  void secondCtrlCKillsPodsAtOnce() throws Exception {
    CliProcess.assumeTools();
    Path manifest = Files.writeString(folder.resolve("stubborn.yaml"), POD);
    cli = CliProcess.startRun(folder, manifest, "process");
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> cli.out().contains("started") || !cli.process.isAlive());

    cli.interrupt();
    await().atMost(Duration.ofSeconds(30)).until(() -> cli.out().contains("term"));
    assertThat(cli.process.isAlive()).as("waits out the grace period").isTrue();
    cli.interrupt();

    assertThat(cli.process.waitFor(30, TimeUnit.SECONDS)).as("the CLI exits").isTrue();
    assertThat(cli.process.exitValue()).as(cli.err()).isEqualTo(ExitCodes.INTERRUPTED);
    assertThat(cli.err()).contains("second interrupt: killing [default/stubborn]");
    assertThat(cli.err()).contains("container main exited with code 137");
  }
}
