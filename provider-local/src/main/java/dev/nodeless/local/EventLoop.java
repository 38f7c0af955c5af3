package dev.nodeless.local;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Platform;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread that waits with {@code epoll} for every spawned process: for output on its pipe and,
 * through a {@code pidfd}, for its exit. Without it each running container holds two threads, one
 * blocked in {@code read} and one in {@code waitpid}.
 *
 * <p>Handlers run on the loop thread and must not block: a pipe handler reads once per readiness,
 * which returns at once because epoll reported data or the end of the stream, and an exit handler
 * reaps with {@code WNOHANG}. Work that follows, such as stopping what is left of a container, goes
 * to an executor.
 */
final class EventLoop implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EventLoop.class);

  // The values of Linux's sys/epoll.h, sys/eventfd.h, fcntl.h and errno.h.
  private static final int EPOLL_CLOEXEC = 0x80000;
  private static final int EPOLL_CTL_ADD = 1;
  private static final int EPOLL_CTL_DEL = 2;
  private static final int EPOLLIN = 0x001;
  private static final int EFD_CLOEXEC = 0x80000;
  private static final int EINTR = 4;

  /** {@code pidfd_open}, which has the same number on every architecture since Linux 5.3. */
  private static final long SYS_PIDFD_OPEN = 434;

  private static final int MAX_EVENTS = 64;

  /** x86 packs {@code struct epoll_event} into 12 bytes; other architectures align it to 16. */
  private static final boolean PACKED = Platform.isIntel();

  private static final int EVENT_SIZE = PACKED ? 12 : 16;
  private static final int DATA_OFFSET = PACKED ? 4 : 8;

  /** Reacts to one descriptor becoming readable. */
  interface Handler {
    /**
     * Handles readiness.
     *
     * @return whether the descriptor stays registered; when false the loop removes and closes it
     */
    boolean ready(int fd);

    /** Releases what the handler holds when the loop closes with the descriptor still open. */
    default void abandon() {}
  }

  private final Spawner.LibC libc;
  private final int epoll;
  private final int wakeup;
  private final Queue<Registration> pending = new ConcurrentLinkedQueue<>();
  private final Map<Integer, Handler> handlers = new HashMap<>();
  private final Thread thread;
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();

  /** Set by the loop thread, under the write lock, once it closed its descriptors. */
  private volatile boolean closed;

  private record Registration(int fd, Handler handler) {}

  private EventLoop(Spawner.LibC libc, int epoll, int wakeup) {
    this.libc = libc;
    this.epoll = epoll;
    this.wakeup = wakeup;
    this.thread = new Thread(this::run, "nodeless-local-events");
    thread.setDaemon(true);
  }

  /** Starts a loop when this kernel has epoll, eventfd and pidfd_open; returns empty otherwise. */
  static Optional<EventLoop> start(Spawner.LibC libc) {
    int epoll = -1;
    int wakeup = -1;
    try {
      epoll = libc.epoll_create1(EPOLL_CLOEXEC);
      wakeup = libc.eventfd(0, EFD_CLOEXEC);
      // pidfd_open of this process proves the system call exists (Linux 5.3 and later).
      int self = (int) libc.syscall(SYS_PIDFD_OPEN, ProcessHandle.current().pid(), 0L);
      libc.close(self);
      EventLoop loop = new EventLoop(libc, epoll, wakeup);
      loop.add(wakeup);
      loop.thread.start();
      return Optional.of(loop);
    } catch (LastErrorException | UnsatisfiedLinkError e) {
      LOG.info(
          "No event loop for container processes ({}); each one gets its own threads",
          e.toString());
      if (epoll >= 0) {
        libc.close(epoll);
      }
      if (wakeup >= 0) {
        libc.close(wakeup);
      }
      return Optional.empty();
    }
  }

  /** Opens a pidfd for a child that has not been reaped yet. */
  int pidfd(long pid) throws LastErrorException {
    return (int) libc.syscall(SYS_PIDFD_OPEN, pid, 0L);
  }

  /**
   * Watches a descriptor, which the loop then owns: it closes it once the handler returns false, or
   * when the loop closes. Callable from any thread.
   */
  void register(int fd, Handler handler) {
    // The read lock keeps the loop from closing the wakeup descriptor during the write below.
    lifecycle.readLock().lock();
    try {
      if (!closed) {
        pending.add(new Registration(fd, handler));
        wake();
        return;
      }
    } finally {
      lifecycle.readLock().unlock();
    }
    handler.abandon();
    libc.close(fd);
  }

  private void wake() {
    // eventfd adds the 8-byte value to its counter, and any count above 0 wakes the loop.
    byte[] increment = {1, 0, 0, 0, 0, 0, 0, 0};
    try {
      libc.write(wakeup, increment, 8);
    } catch (LastErrorException e) {
      LOG.warn("Cannot wake the event loop: {}", libc.strerror(e.getErrorCode()));
    }
  }

  private void add(int fd) {
    Memory event = new Memory(EVENT_SIZE);
    event.clear();
    event.setInt(0, EPOLLIN);
    event.setLong(DATA_OFFSET, fd);
    libc.epoll_ctl(epoll, EPOLL_CTL_ADD, fd, event);
  }

  private void run() {
    Memory events = new Memory((long) EVENT_SIZE * MAX_EVENTS);
    byte[] counter = new byte[8];
    while (!stopping.get()) {
      int count;
      try {
        count = libc.epoll_wait(epoll, events, MAX_EVENTS, -1);
      } catch (LastErrorException e) {
        if (e.getErrorCode() == EINTR) {
          continue;
        }
        LOG.error("The event loop stops: epoll_wait failed: {}", libc.strerror(e.getErrorCode()));
        break;
      }
      boolean woken = false;
      for (int i = 0; i < count; i++) {
        int fd = (int) events.getLong((long) i * EVENT_SIZE + DATA_OFFSET);
        if (fd == wakeup) {
          libc.read(wakeup, counter, 8);
          woken = true;
          continue;
        }
        Handler handler = handlers.get(fd);
        if (handler == null) {
          continue;
        }
        boolean keep;
        try {
          keep = handler.ready(fd);
        } catch (RuntimeException e) {
          LOG.warn("An event handler failed on descriptor {}: {}", fd, e.toString());
          keep = false;
        }
        if (!keep) {
          remove(fd);
        }
      }
      // New descriptors join only after the batch, so that a stale event of a closed descriptor
      // whose number was reused cannot reach the new handler.
      if (woken) {
        Registration registration;
        while ((registration = pending.poll()) != null) {
          handlers.put(registration.fd(), registration.handler());
          try {
            add(registration.fd());
          } catch (LastErrorException e) {
            LOG.warn(
                "Cannot watch descriptor {}: {}",
                registration.fd(),
                libc.strerror(e.getErrorCode()));
            handlers.remove(registration.fd());
            registration.handler().abandon();
            libc.close(registration.fd());
          }
        }
      }
    }
    lifecycle.writeLock().lock();
    try {
      closed = true;
      libc.close(epoll);
      libc.close(wakeup);
    } finally {
      lifecycle.writeLock().unlock();
    }
    for (Map.Entry<Integer, Handler> entry : handlers.entrySet()) {
      entry.getValue().abandon();
      libc.close(entry.getKey());
    }
    handlers.clear();
    Registration registration;
    while ((registration = pending.poll()) != null) {
      registration.handler().abandon();
      libc.close(registration.fd());
    }
  }

  private void remove(int fd) {
    handlers.remove(fd);
    try {
      libc.epoll_ctl(epoll, EPOLL_CTL_DEL, fd, null);
    } catch (LastErrorException e) {
      LOG.debug("Cannot unwatch descriptor {}: {}", fd, libc.strerror(e.getErrorCode()));
    }
    libc.close(fd);
  }

  /** Stops the loop; handlers still registered are abandoned. */
  @Override
  public void close() {
    lifecycle.readLock().lock();
    try {
      if (!closed && stopping.compareAndSet(false, true)) {
        wake();
      }
    } finally {
      lifecycle.readLock().unlock();
    }
  }
}
