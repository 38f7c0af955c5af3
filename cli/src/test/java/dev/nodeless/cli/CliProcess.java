package dev.nodeless.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The {@code nodeless} command as a real child process, in a process group of its own, so that a
 * test can send a signal to the whole group, as a terminal does on Ctrl-C.
 */
final class CliProcess implements AutoCloseable {
  final Process process;
  final Path stdout;
  final Path stderr;

  private CliProcess(Process process, Path stdout, Path stderr) {
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /** Skips the test where the tools this class needs are missing. */
  static void assumeTools() {
    // setsid gives the CLI its own process group. env --default-signal (GNU coreutils 8.31 and
    // later) undoes an ignored SIGINT inherited from a shell that runs the build in the background.
    Assumptions.assumeTrue(exitCode("setsid", "--version") == 0, "setsid is not installed");
    Assumptions.assumeTrue(
        exitCode("env", "--default-signal=INT", "true") == 0,
        "env does not support --default-signal");
  }

  /** Starts the CLI with these arguments; its output goes to files in {@code folder}. */
  static CliProcess start(Path folder, String... args) throws IOException {
    Path stdout = folder.resolve("stdout.txt");
    Path stderr = folder.resolve("stderr.txt");
    List<String> command =
        new ArrayList<>(
            List.of(
                "setsid",
                "env",
                "--default-signal=INT",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName()));
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command)
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile())
            .start();
    return new CliProcess(process, stdout, stderr);
  }

  /** Starts {@code nodeless run} on a manifest with a state directory in {@code folder}. */
  static CliProcess startRun(Path folder, Path manifest, String runtime) throws IOException {
    return start(
        folder,
        "run",
        "--state-dir",
        folder.resolve("state").toString(),
        "-s",
        "local.runtime=" + runtime,
        "-f",
        manifest.toString());
  }

  /** Sends SIGINT to the CLI's process group. */
  void interrupt() {
    assertThat(exitCode("kill", "-INT", "--", "-" + process.pid())).isZero();
  }

  String out() {
    return read(stdout);
  }

  String err() {
    return read(stderr);
  }

  /** Kills the process group if the CLI still runs. */
  @Override
  public void close() {
    if (process.isAlive()) {
      exitCode("kill", "-KILL", "--", "-" + process.pid());
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return e.toString();
    }
  }

  /** Runs a command and returns its exit code, or -1 when it cannot run or takes over 30 s. */
  static int exitCode(String... command) {
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
