package dev.nodeless.local;

import java.time.Duration;
import java.time.Instant;

/**
 * The kubelet's crash-loop back-off for one container: the first restart is immediate, then the
 * delay after each exit starts at {@code initial} and doubles up to {@code max}. It starts again
 * from {@code initial} when the container exits more than {@code reset} after its previous restart.
 * Not thread-safe; used on the pod's strand.
 */
final class BackOff {
  private final Duration initial;
  private final Duration max;
  private final Duration reset;
  private Duration current;
  private Instant lastUpdate;

  BackOff(Duration initial, Duration max, Duration reset) {
    this.initial = initial;
    this.max = max;
    this.reset = reset;
  }

  /**
   * How long to wait from {@code now} before restarting a container that exited at {@code exit}.
   */
  Duration delay(Instant exit, Instant now) {
    if (current == null || expired(exit)) {
      return Duration.ZERO;
    }
    Duration waited = Duration.between(exit, now);
    Duration remaining = current.minus(waited);
    return remaining.isNegative() ? Duration.ZERO : remaining;
  }

  /** Records a restart of a container that exited at {@code exit}, growing the back-off. */
  void next(Instant exit) {
    if (current == null || expired(exit)) {
      current = initial;
    } else {
      Duration doubled = current.multipliedBy(2);
      current = doubled.compareTo(max) > 0 ? max : doubled;
    }
    lastUpdate = exit;
  }

  /** The back-off in force, shown in the {@code CrashLoopBackOff} message. */
  Duration current() {
    return current == null ? initial : current;
  }

  private boolean expired(Instant exit) {
    return lastUpdate != null && Duration.between(lastUpdate, exit).compareTo(reset) > 0;
  }
}
