package dev.nodeless.local;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** One started container instance. Thread-safe. */
interface RunningContainer {

  /** The container ID, such as {@code local://4f1c...}. */
  String id();

  Instant startedAt();

  /**
   * Completes once the instance stopped and its output was written, never exceptionally. Every
   * process of the instance is gone by then.
   */
  CompletableFuture<Exit> exit();

  /**
   * Signals every process of the instance: SIGTERM, or SIGKILL when {@code force}. Does nothing
   * once the instance stopped.
   */
  void signal(boolean force);

  /**
   * Runs a command inside the instance, with its environment, working directory and mounts, as a
   * probe or hook does. Output beyond a few kilobytes is dropped.
   */
  CompletableFuture<ExecResult> exec(List<String> command, Duration timeout);

  /** A line that lets a later process find and stop this instance's leftovers. */
  String record();

  /** The image ID for the status, such as {@code docker.io/library/busybox@sha256:...}. */
  default String imageId() {
    return "local://host";
  }

  /**
   * How probes reach the ports of the instance's network namespace when it is not the host's, or
   * empty when they connect to the host's loopback directly.
   */
  default java.util.Optional<PodPorts> podPorts() {
    return java.util.Optional.empty();
  }

  /**
   * How an instance ended.
   *
   * @param exitCode the exit code, 128 + signal number for a signal
   * @param reason {@code OOMKilled} or {@code StartError}, or {@code null} to derive it from the
   *     code
   * @param message a message for the status, or {@code null}
   * @param finishedAt when it ended
   */
  record Exit(int exitCode, String reason, String message, Instant finishedAt) {}

  /**
   * The result of {@link #exec}.
   *
   * @param exitCode the command's exit code, or -1 when it could not run or timed out
   * @param timedOut whether the timeout ended it
   * @param output the start of its combined output
   */
  record ExecResult(int exitCode, boolean timedOut, String output) {
    boolean succeeded() {
      return !timedOut && exitCode == 0;
    }
  }
}
