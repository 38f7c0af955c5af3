package dev.nodeless.cli;

import dev.nodeless.LogOptions;
import dev.nodeless.NodelessException;
import dev.nodeless.PodLauncher;
import dev.nodeless.PodNotFoundException;
import dev.nodeless.PodPhases;
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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the log of every container instance as soon as a status shows it started, and writes each
 * line prefixed by {@code [pod/container]}. Each container has one thread, because a log stream
 * blocks while it waits for lines and a CLI run has few containers. The thread reads the instances
 * in order, each by its restart count, so an instance that restarted before its log was opened, or
 * that no status showed, is still printed whole.
 */
final class LogStreamer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LogStreamer.class);

  private final PodLauncher launcher;
  private final Consumer<String> sink;
  private final Map<String, ContainerFollower> followers = new ConcurrentHashMap<>();
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
    if (PodPhases.isFinished(status)) {
      // No instance starts any more: each follower ends after the last one it saw.
      followers.values().stream()
          .filter(follower -> follower.ref.uid().equals(ref.uid()))
          .forEach(ContainerFollower::finish);
    }
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
      followers
          .computeIfAbsent(
              ref.uid() + "/" + container.getName(), key -> startFollower(ref, container.getName()))
          .seen(instance);
    }
  }

  private ContainerFollower startFollower(PodRef ref, String container) {
    ContainerFollower follower = new ContainerFollower(ref, container);
    Thread thread = new Thread(follower, "nodeless-logs-" + ref.name() + "-" + container);
    thread.setDaemon(true);
    threads.add(thread);
    thread.start();
    return follower;
  }

  private static boolean started(ContainerState state) {
    return state != null && (state.getRunning() != null || state.getTerminated() != null);
  }

  private void copy(PodRef ref, String container, int instance) {
    String prefix = "[" + ref.name() + "/" + container + "] ";
    LogOptions options = LogOptions.builder().follow(true).restartCount(instance).build();
    try (InputStream in = launcher.logs(ref, container, options)) {
      streams.add(in);
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        sink.accept(prefix + line);
      }
    } catch (PodNotFoundException e) {
      // The pod was terminated, and terminating a local pod removes its logs.
      LOG.debug("The log of container {} in pod {} is gone: {}", container, ref, e.getMessage());
    } catch (IOException | NodelessException | IllegalStateException e) {
      if (!closed) {
        LOG.warn(
            "Reading the log of instance {} of container {} in pod {} failed: {}",
            instance,
            container,
            ref,
            e.toString());
      }
    }
  }

  /** Copies the instances of one container in order, as statuses show them started. */
  private final class ContainerFollower implements Runnable {
    private final PodRef ref;
    private final String container;
    private int next;
    private int highest = -1;
    private boolean finished;

    ContainerFollower(PodRef ref, String container) {
      this.ref = ref;
      this.container = container;
    }

    synchronized void seen(int instance) {
      if (instance > highest) {
        highest = instance;
        notifyAll();
      }
    }

    synchronized void finish() {
      finished = true;
      notifyAll();
    }

    @Override
    public void run() {
      while (true) {
        int instance;
        synchronized (this) {
          while (next > highest && !finished && !closed) {
            try {
              wait();
            } catch (InterruptedException e) {
              return;
            }
          }
          if (closed || next > highest) {
            return;
          }
          instance = next++;
        }
        copy(ref, container, instance);
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
    followers.values().forEach(ContainerFollower::finish);
    for (InputStream stream : streams) {
      try {
        stream.close();
      } catch (IOException e) {
        LOG.debug("Closing a log stream failed", e);
      }
    }
  }
}
