package dev.nodeless.cli;

import dev.nodeless.LogOptions;
import dev.nodeless.NodelessException;
import dev.nodeless.PodLauncher;
import dev.nodeless.PodRef;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the log of every container instance as soon as a status shows it started, and writes each
 * line prefixed by {@code [pod/container]}. It uses one thread per followed instance, because a log
 * stream blocks while it waits for lines, and a CLI run has few containers.
 */
final class LogStreamer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LogStreamer.class);
  private static final LogOptions FOLLOW = LogOptions.builder().follow(true).build();

  private final PodLauncher launcher;
  private final Consumer<String> sink;
  private final Set<String> followed = ConcurrentHashMap.newKeySet();
  private final List<Thread> threads = new CopyOnWriteArrayList<>();
  private final List<InputStream> streams = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  LogStreamer(PodLauncher launcher, Consumer<String> sink) {
    this.launcher = launcher;
    this.sink = sink;
  }

  /** Starts following every container instance of the status that started and is not followed. */
  void onStatus(PodRef ref, PodStatus status) {
    follow(ref, status.getInitContainerStatuses());
    follow(ref, status.getContainerStatuses());
  }

  private void follow(PodRef ref, List<ContainerStatus> containers) {
    if (containers == null || closed) {
      return;
    }
    for (ContainerStatus container : containers) {
      if (!started(container.getState())) {
        continue;
      }
      int instance = container.getRestartCount() == null ? 0 : container.getRestartCount();
      String key = ref.uid() + "/" + container.getName() + "#" + instance;
      if (followed.add(key)) {
        Thread thread =
            new Thread(
                () -> copy(ref, container.getName()),
                "nodeless-logs-" + ref.name() + "-" + container.getName());
        thread.setDaemon(true);
        threads.add(thread);
        thread.start();
      }
    }
  }

  private static boolean started(ContainerState state) {
    return state != null && (state.getRunning() != null || state.getTerminated() != null);
  }

  private void copy(PodRef ref, String container) {
    String prefix = "[" + ref.name() + "/" + container + "] ";
    try (InputStream in = launcher.logs(ref, container, FOLLOW)) {
      streams.add(in);
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        sink.accept(prefix + line);
      }
    } catch (IOException | NodelessException | IllegalStateException e) {
      if (!closed) {
        LOG.warn(
            "Reading the log of container {} of pod {} failed: {}", container, ref, e.toString());
      }
    }
  }

  /**
   * Waits until every followed stream has ended, which happens once its container stopped.
   *
   * @return whether all ended within the timeout
   */
  boolean awaitEnd(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (Thread thread : threads) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      try {
        thread.join(Math.max(1, left / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
      if (thread.isAlive()) {
        return false;
      }
    }
    return true;
  }

  /** Stops following: closes every open stream. */
  @Override
  public void close() {
    closed = true;
    for (InputStream stream : streams) {
      try {
        stream.close();
      } catch (IOException e) {
        LOG.debug("Closing a log stream failed", e);
      }
    }
  }
}
