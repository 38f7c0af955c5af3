package dev.nodeless.cli;

import dev.nodeless.NodelessException;
import dev.nodeless.PodLauncher;
import dev.nodeless.PodPhases;
import dev.nodeless.PodRef;
import dev.nodeless.Subscription;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Launches a set of pods on one launcher, prints their status changes (and optionally follows their
 * logs), waits for them to finish, and terminates them on a timeout or a signal. Used by {@code
 * run} in the foreground and by the background {@code supervise} process.
 */
final class RunSession implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RunSession.class);
  private static final Duration DEFAULT_GRACE = Duration.ofSeconds(30);

  /** Time beyond the grace period for the provider to kill and reap a pod's processes. */
  private static final Duration TERMINATE_SLACK = Duration.ofSeconds(30);

  private static final Duration LOG_DRAIN = Duration.ofSeconds(10);

  private final PodLauncher launcher;
  private final Console console;
  private final Duration gracePeriod;
  private final Map<String, Pod> podsByUid = new LinkedHashMap<>();

  /** Completed by this session's status listener after the log streams saw the final status. */
  private final Map<String, CompletableFuture<PodStatus>> finished = new ConcurrentHashMap<>();

  private final List<PodRef> launched = new ArrayList<>();
  private final StatusChanges changes = new StatusChanges();
  private final LogStreamer logs;
  private final Subscription subscription;
  private final Object stopLock = new Object();
  private boolean stopping;
  private volatile boolean removeWhenStopped;

  /**
   * @param pods pods with {@code metadata.uid} and {@code metadata.namespace} set
   * @param logSink receives prefixed log lines, or {@code null} to not follow logs
   * @param gracePeriod grace period for terminations, or {@code null} for each pod's own
   */
  RunSession(
      PodLauncher launcher,
      List<Pod> pods,
      Console console,
      java.util.function.Consumer<String> logSink,
      Duration gracePeriod) {
    this.launcher = launcher;
    this.console = console;
    this.gracePeriod = gracePeriod;
    for (Pod pod : pods) {
      podsByUid.put(pod.getMetadata().getUid(), pod);
      finished.put(pod.getMetadata().getUid(), new CompletableFuture<>());
    }
    this.logs = logSink == null ? null : new LogStreamer(launcher, logSink);
    // Subscribed before launching, so no status change of these pods is missed.
    this.subscription = launcher.subscribeAll(this::onStatus);
  }

  private void onStatus(PodRef ref, PodStatus status) {
    CompletableFuture<PodStatus> done = finished.get(ref.uid());
    if (done == null) {
      return;
    }
    for (String line : changes.describe(ref, status)) {
      console.err(line);
    }
    if (logs != null) {
      logs.onStatus(ref, status);
    }
    if (PodPhases.isFinished(status)) {
      done.complete(status);
    }
  }

  /**
   * Launches every pod and waits until the provider accepted each.
   *
   * @param deadline when to give up, as {@link System#nanoTime()}, or {@code null} for never
   * @throws CliException when a launch fails or the deadline passes; pods launched by then are
   *     terminated first
   */
  List<PodRef> launchAll(Long deadline) {
    Map<Pod, CompletableFuture<PodRef>> futures = new LinkedHashMap<>();
    for (Pod pod : podsByUid.values()) {
      futures.put(pod, launcher.launch(pod));
    }
    List<String> failures = new ArrayList<>();
    int timeouts = 0;
    for (Map.Entry<Pod, CompletableFuture<PodRef>> entry : futures.entrySet()) {
      Pod pod = entry.getKey();
      String name =
          ManifestReader.namespaceOf(pod.getMetadata()) + "/" + pod.getMetadata().getName();
      try {
        PodRef ref = await(entry.getValue(), deadline);
        synchronized (launched) {
          launched.add(ref);
        }
      } catch (TimeoutException e) {
        timeouts++;
        failures.add("pod " + name + " was not accepted by the provider within the --timeout");
      } catch (ExecutionException e) {
        Throwable cause =
            e.getCause() instanceof CompletionException c ? c.getCause() : e.getCause();
        failures.add("pod " + name + " failed to launch: " + cause.getMessage());
      }
    }
    if (!failures.isEmpty()) {
      terminateAll();
      throw new CliException(
          timeouts == failures.size() ? ExitCodes.TIMED_OUT : ExitCodes.FAILED,
          String.join("\n", failures));
    }
    return launchedPods();
  }

  /**
   * Waits until every launched pod finished.
   *
   * @param deadline as in {@link #launchAll}
   * @return whether all finished before the deadline
   */
  boolean awaitFinished(Long deadline) {
    // Not launcher.when(...): it can complete before this session's listener has seen the final
    // status, and so before the log of a container that ran only briefly is followed.
    List<CompletableFuture<PodStatus>> all = new ArrayList<>();
    for (PodRef ref : launchedPods()) {
      all.add(finished.get(ref.uid()));
    }
    try {
      await(CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)), deadline);
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      throw new NodelessException("waiting for the pods failed: " + e.getCause(), e.getCause());
    }
    if (logs != null && !logs.awaitEnd(LOG_DRAIN)) {
      LOG.warn("Some log streams did not end within {} s of their pods finishing", LOG_DRAIN);
    }
    return true;
  }

  /** Terminates every launched pod that has not finished, and waits until each stopped. */
  void terminateAll() {
    List<PodRef> running =
        launchedPods().stream()
            .filter(ref -> !launcher.status(ref).map(PodPhases::isFinished).orElse(true))
            .toList();
    if (running.isEmpty()) {
      return;
    }
    Duration bound = Duration.ZERO;
    List<CompletableFuture<?>> stopped = new ArrayList<>();
    for (PodRef ref : running) {
      Duration grace = gracePeriod(ref);
      bound = grace.compareTo(bound) > 0 ? grace : bound;
      LOG.info("Terminating pod {} with grace period {}", ref, grace);
      stopped.add(launcher.terminate(ref, grace));
      stopped.add(launcher.when(ref, PodPhases::isFinished));
    }
    awaitAll(stopped, bound.plus(TERMINATE_SLACK), "confirmed it stopped", "");
    if (logs != null) {
      logs.awaitEnd(LOG_DRAIN);
    }
  }

  /**
   * Removes every launched pod, finished ones included, with its logs from the state directory.
   * Pods still running are killed at once.
   */
  void removeAll() {
    List<CompletableFuture<?>> removed = new ArrayList<>();
    for (PodRef ref : launchedPods()) {
      removed.add(launcher.terminate(ref, Duration.ZERO));
    }
    awaitAll(removed, TERMINATE_SLACK, "was removed", "; remove them with nodeless rm");
  }

  /** Waits for every future, and warns on stderr about those not done within {@code bound}. */
  private void awaitAll(
      List<CompletableFuture<?>> futures, Duration bound, String what, String fix) {
    try {
      CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
          .get(bound.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      console.err(
          "warning: not every pod " + what + " within " + bound.toSeconds() + " s: " + e + fix);
    }
  }

  /**
   * Terminates the pods for SIGINT or SIGTERM, unless the session already ended, then closes the
   * launcher, which also stops a pod whose launch was still in flight. Runs on the shutdown hook
   * thread. The JVM exits with 128 + the signal number afterwards.
   */
  void stopForSignal() {
    synchronized (stopLock) {
      if (stopping) {
        return;
      }
      stopping = true;
    }
    List<PodRef> pods = launchedPods();
    if (!pods.isEmpty()) {
      console.err(
          "stopping: terminating "
              + pods.stream().map(PodDescriptions::name).toList()
              + (gracePeriod == null
                  ? " with their grace periods"
                  : " with grace period " + gracePeriod.toSeconds() + " s"));
      terminateAll();
      if (removeWhenStopped) {
        removeAll();
      }
    }
    launcher.close();
  }

  /**
   * Makes {@link #stopForSignal} also remove the pods that had finished, as {@code --rm} requests.
   */
  void removeWhenStopped() {
    removeWhenStopped = true;
  }

  /**
   * Kills the pods that {@link #stopForSignal} is waiting for, after a second Ctrl-C. Runs on the
   * JVM's signal thread and does not wait.
   */
  void hurryStop() {
    List<PodRef> pods = launchedPods();
    console.err("second interrupt: killing " + pods.stream().map(PodDescriptions::name).toList());
    for (PodRef ref : pods) {
      launcher.terminate(ref, Duration.ZERO);
    }
  }

  /**
   * Marks the session as ending normally, so a signal arriving later no longer terminates pods.
   *
   * @return false when a signal already started stopping the pods
   */
  boolean finish() {
    synchronized (stopLock) {
      if (stopping) {
        return false;
      }
      stopping = true;
      return true;
    }
  }

  /** Returns the deadline {@code timeout} from now, as {@link System#nanoTime()}, or null. */
  static Long deadlineAfter(Duration timeout) {
    return timeout == null ? null : System.nanoTime() + timeout.toNanos();
  }

  List<PodRef> launchedPods() {
    synchronized (launched) {
      return List.copyOf(launched);
    }
  }

  Optional<PodStatus> status(PodRef ref) {
    return launcher.status(ref);
  }

  /** Returns the pod as launched. */
  Pod pod(PodRef ref) {
    return podsByUid.get(ref.uid());
  }

  private Duration gracePeriod(PodRef ref) {
    if (gracePeriod != null) {
      return PodLauncher.capGracePeriod(gracePeriod);
    }
    Pod pod = podsByUid.get(ref.uid());
    Long seconds =
        pod == null || pod.getSpec() == null
            ? null
            : pod.getSpec().getTerminationGracePeriodSeconds();
    return seconds == null
        ? DEFAULT_GRACE
        : PodLauncher.capGracePeriod(Duration.ofSeconds(seconds));
  }

  private static <T> T await(CompletableFuture<T> future, Long deadline)
      throws ExecutionException, TimeoutException {
    try {
      if (deadline == null) {
        return future.get();
      }
      return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(ExitCodes.FAILED, "interrupted while waiting for the pods", e);
    }
  }

  @Override
  public void close() {
    subscription.close();
    if (logs != null) {
      logs.close();
    }
  }
}
