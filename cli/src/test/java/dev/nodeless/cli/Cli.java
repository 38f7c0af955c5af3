package dev.nodeless.cli;

import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine;

/** Runs the {@code nodeless} command in this JVM with captured stdout and stderr. */
final class Cli {
  private Cli() {}

  /** What one command run printed and returned. */
  record Result(int exitCode, String out, String err) {
    @Override
    public String toString() {
      return "exit code " + exitCode + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
    }
  }

  static Result run(String... args) {
    return run(InputStream.nullInputStream(), args);
  }

  static Result runWithStdin(String stdin, String... args) {
    return run(new java.io.ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), args);
  }

  /** Runs the CLI with a byte stream behind its output, as the real command has; returns it. */
  static byte[] runForBytes(String... args) {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    CommandLine commandLine =
        Main.commandLine(new Main(InputStream.nullInputStream(), false, bytes));
    commandLine.setOut(
        new PrintWriter(new java.io.OutputStreamWriter(bytes, StandardCharsets.UTF_8), true));
    commandLine.setErr(new PrintWriter(new StringWriter(), true));
    int exitCode = commandLine.execute(args);
    if (exitCode != 0) {
      throw new AssertionError("exit code " + exitCode + " for " + String.join(" ", args));
    }
    return bytes.toByteArray();
  }

  static Result run(InputStream stdin, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine commandLine = Main.commandLine(new Main(stdin, false));
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int exitCode = commandLine.execute(args);
    return new Result(exitCode, out.toString(), err.toString());
  }

  /** Waits until no process started by this JVM, pods and supervisors included, is alive. */
  static void awaitNoChildProcesses() {
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> liveDescendants().isEmpty());
  }

  static List<String> liveDescendants() {
    return ProcessHandle.current()
        .descendants()
        .filter(ProcessHandle::isAlive)
        .map(handle -> handle.pid() + " " + handle.info().commandLine().orElse("?"))
        .toList();
  }
}
