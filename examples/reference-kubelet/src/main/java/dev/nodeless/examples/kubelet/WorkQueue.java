package dev.nodeless.examples.kubelet;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A work queue of keys with the semantics of client-go's workqueue: a key queued several times is
 * processed once, and never by two workers at the same time; a key added while it is processed is
 * processed again afterwards. Workers are platform threads named after the queue.
 */
final class WorkQueue implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WorkQueue.class);

  private final String name;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition available = lock.newCondition();
  private final ArrayDeque<String> queue = new ArrayDeque<>();
  private final Set<String> dirty = new HashSet<>();
  private final Set<String> processing = new HashSet<>();
  private final List<Thread> workers = new ArrayList<>();
  private boolean shutDown;

  WorkQueue(String name) {
    this.name = name;
  }

  /** Queues a key unless it is already waiting. */
  void add(String key) {
    lock.lock();
    try {
      if (shutDown || !dirty.add(key)) {
        return;
      }
      if (!processing.contains(key)) {
        queue.addLast(key);
        available.signal();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Number of keys waiting or being processed. */
  int size() {
    lock.lock();
    try {
      return queue.size() + processing.size();
    } finally {
      lock.unlock();
    }
  }

  /** Starts worker threads that hand each key to the handler; a handler error is logged. */
  void start(int threads, Consumer<String> handler) {
    ThreadFactory factory = daemonThreads(name);
    for (int i = 0; i < threads; i++) {
      Thread worker = factory.newThread(() -> work(handler));
      workers.add(worker);
      worker.start();
    }
  }

  private void work(Consumer<String> handler) {
    while (true) {
      String key = take();
      if (key == null) {
        return;
      }
      try {
        handler.accept(key);
      } catch (RuntimeException e) {
        LOG.error("Queue '{}' failed to process key {}", name, key, e);
      } finally {
        done(key);
      }
    }
  }

  private String take() {
    lock.lock();
    try {
      while (queue.isEmpty() && !shutDown) {
        available.awaitUninterruptibly();
      }
      if (shutDown) {
        return null;
      }
      String key = queue.pollFirst();
      processing.add(key);
      dirty.remove(key);
      return key;
    } finally {
      lock.unlock();
    }
  }

  private void done(String key) {
    lock.lock();
    try {
      processing.remove(key);
      if (dirty.contains(key) && !shutDown) {
        queue.addLast(key);
        available.signal();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Stops the workers after the keys they are processing; waiting keys are dropped. */
  @Override
  public void close() {
    lock.lock();
    try {
      shutDown = true;
      queue.clear();
      dirty.clear();
      available.signalAll();
    } finally {
      lock.unlock();
    }
    for (Thread worker : workers) {
      try {
        worker.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
