package dev.nodeless.local;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in submission order, on a shared pool. Each pod has one, so its state
 * needs no locks and no pod holds a thread while it waits.
 */
final class SerialExecutor implements Executor {
  private static final Logger LOG = LoggerFactory.getLogger(SerialExecutor.class);

  private final Executor pool;
  private final String name;
  private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
  private boolean running;

  SerialExecutor(Executor pool, String name) {
    this.pool = pool;
    this.name = name;
  }

  @Override
  public void execute(Runnable task) {
    synchronized (tasks) {
      tasks.add(task);
      if (running) {
        return;
      }
      running = true;
    }
    pool.execute(this::drain);
  }

  /**
   * Runs the task on the calling thread when the strand is idle, then whatever was queued
   * meanwhile; queues it otherwise. Saves a thread hand-off where the caller may do the strand's
   * work.
   */
  void executeHere(Runnable task) {
    synchronized (tasks) {
      if (running) {
        tasks.add(task);
        return;
      }
      running = true;
    }
    try {
      task.run();
    } catch (RuntimeException e) {
      LOG.error("Task of {} failed", name, e);
    }
    synchronized (tasks) {
      if (tasks.isEmpty()) {
        running = false;
        return;
      }
    }
    pool.execute(this::drain);
  }

  private void drain() {
    while (true) {
      Runnable task;
      synchronized (tasks) {
        task = tasks.poll();
        if (task == null) {
          running = false;
          return;
        }
      }
      try {
        task.run();
      } catch (RuntimeException e) {
        LOG.error("Task of {} failed", name, e);
      }
    }
  }
}
