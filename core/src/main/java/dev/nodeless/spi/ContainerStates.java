package dev.nodeless.spi;

import dev.nodeless.PodRef;
import dev.nodeless.internal.Timestamps;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import java.time.Duration;
import java.time.Instant;

/**
 * Builds container states and statuses with the reasons and messages the kubelet writes, so that
 * every provider reports them the same way. Pair with {@link KubeletStatus}, which turns the
 * container statuses into a pod status.
 */
public final class ContainerStates {
  /** Waiting reason of a container that is being created in a pod without init containers. */
  public static final String CONTAINER_CREATING = "ContainerCreating";

  /** Waiting reason of every container not yet created in a pod with init containers. */
  public static final String POD_INITIALIZING = "PodInitializing";

  /** Waiting reason of a container that waits for its restart back-off to end. */
  public static final String CRASH_LOOP_BACK_OFF = "CrashLoopBackOff";

  /** Terminated reason of a container that exited with code 0. */
  public static final String COMPLETED = "Completed";

  /** Terminated reason of a container that exited with a non-zero code. */
  public static final String ERROR = "Error";

  /** Terminated reason of a container that the kernel killed for exceeding its memory limit. */
  public static final String OOM_KILLED = "OOMKilled";

  /**
   * Terminated reason of a container whose process could not be started, for example because the
   * command was not found. The exit code is then 128, as containerd reports it.
   */
  public static final String START_ERROR = "StartError";

  /** Exit code that containerd reports for {@link #START_ERROR}. */
  public static final int START_ERROR_EXIT_CODE = 128;

  private ContainerStates() {}

  public static ContainerState waiting(String reason, String message) {
    return new ContainerStateBuilder()
        .withNewWaiting()
        .withReason(reason)
        .withMessage(message)
        .endWaiting()
        .build();
  }

  public static ContainerState running(Instant startedAt) {
    return new ContainerStateBuilder()
        .withNewRunning()
        .withStartedAt(Timestamps.format(startedAt))
        .endRunning()
        .build();
  }

  /**
   * A terminated state.
   *
   * @param reason {@link #COMPLETED}, {@link #ERROR}, {@link #OOM_KILLED} or {@link #START_ERROR};
   *     {@code null} picks {@link #exitReason(int, boolean)}
   * @param message a message, or {@code null}
   * @param startedAt when the container started, or {@code null} when it never did
   * @param containerId the container ID, or {@code null}
   */
  public static ContainerState terminated(
      int exitCode,
      String reason,
      String message,
      Instant startedAt,
      Instant finishedAt,
      String containerId) {
    return new ContainerStateBuilder()
        .withNewTerminated()
        .withExitCode(exitCode)
        .withReason(reason == null ? exitReason(exitCode, false) : reason)
        .withMessage(message)
        .withStartedAt(startedAt == null ? null : Timestamps.format(startedAt))
        .withFinishedAt(Timestamps.format(finishedAt))
        .withContainerID(containerId)
        .endTerminated()
        .build();
  }

  /** The terminated reason for an exit: {@code OOMKilled}, {@code Completed} or {@code Error}. */
  public static String exitReason(int exitCode, boolean oomKilled) {
    if (oomKilled) {
      return OOM_KILLED;
    }
    return exitCode == 0 ? COMPLETED : ERROR;
  }

  /**
   * The message of a {@link #CRASH_LOOP_BACK_OFF} state, such as {@code back-off 20s restarting
   * failed container=app pod=web_default(0f1e...)}.
   */
  public static String crashLoopMessage(Duration backOff, String container, PodRef pod) {
    return "back-off "
        + goDuration(backOff)
        + " restarting failed container="
        + container
        + " pod="
        + pod.name()
        + "_"
        + pod.namespace()
        + "("
        + pod.uid()
        + ")";
  }

  /**
   * The default state of a container that has no status yet: waiting with {@link #POD_INITIALIZING}
   * in a pod with init containers, otherwise with {@link #CONTAINER_CREATING}.
   */
  public static ContainerState notCreated(boolean podHasInitContainers) {
    return waiting(podHasInitContainers ? POD_INITIALIZING : CONTAINER_CREATING, null);
  }

  /**
   * The status of a container that has not been created yet.
   *
   * @param image the image named in the spec, reported as is
   */
  public static ContainerStatus notCreatedStatus(
      String name, String image, boolean podHasInitContainers) {
    return new ContainerStatusBuilder()
        .withName(name)
        .withImage(image == null ? "" : image)
        .withImageID("")
        .withReady(false)
        .withStarted(false)
        .withRestartCount(0)
        .withState(notCreated(podHasInitContainers))
        .withLastState(new ContainerState())
        .build();
  }

  /** Formats a duration as Go's {@code time.Duration.String()} does: {@code 10s}, {@code 5m0s}. */
  public static String goDuration(Duration duration) {
    if (duration.isZero()) {
      return "0s";
    }
    long nanos = duration.toNanos();
    StringBuilder text = new StringBuilder();
    if (nanos < 0) {
      text.append('-');
      nanos = -nanos;
    }
    if (nanos < 1_000_000_000L) {
      if (nanos < 1_000L) {
        return text.append(nanos).append("ns").toString();
      }
      if (nanos < 1_000_000L) {
        return text.append(trimmed(nanos, 1_000L)).append("µs").toString();
      }
      return text.append(trimmed(nanos, 1_000_000L)).append("ms").toString();
    }
    long hours = nanos / 3_600_000_000_000L;
    long minutes = nanos / 60_000_000_000L % 60;
    long rest = nanos % 60_000_000_000L;
    if (hours > 0) {
      text.append(hours).append('h');
    }
    if (hours > 0 || minutes > 0) {
      text.append(minutes).append('m');
    }
    return text.append(trimmed(rest, 1_000_000_000L)).append('s').toString();
  }

  /** {@code value / unit} as a decimal without trailing zeros, such as {@code 1.5}. */
  private static String trimmed(long value, long unit) {
    return java.math.BigDecimal.valueOf(value)
        .divide(java.math.BigDecimal.valueOf(unit))
        .stripTrailingZeros()
        .toPlainString();
  }
}
