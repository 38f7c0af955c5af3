package dev.nodeless.local;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.StringArray;
import com.sun.jna.ptr.IntByReference;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a container process with glibc's {@code posix_spawn}, as the leader of a new session, in
 * one step.
 *
 * <p>{@link ProcessBuilder} cannot start a session, so without this class every container costs two
 * more {@code exec}s: the JDK's {@code jspawnhelper} and {@code setsid}. Here the child calls
 * {@code setsid()}, resets signal handlers and mask, changes directory, connects standard input to
 * {@code /dev/null} and standard output and error to one pipe, closes every other descriptor, and
 * then executes the command. {@code posix_spawn} returns after that {@code exec}, and reports a
 * failed {@code chdir} or {@code exec} as its result.
 *
 * <p>Needs glibc 2.34 or later ({@code posix_spawn_file_actions_addclosefrom_np}); {@link #load}
 * returns empty elsewhere and the runtime falls back to {@link ProcessBuilder} with {@code setsid}.
 */
final class Spawner {
  private static final Logger LOG = LoggerFactory.getLogger(Spawner.class);

  // The values of glibc's spawn.h, fcntl.h and errno.h on Linux.
  private static final short POSIX_SPAWN_SETSIGDEF = 0x04;
  private static final short POSIX_SPAWN_SETSIGMASK = 0x08;
  private static final short POSIX_SPAWN_SETSID = 0x80;
  private static final int O_RDONLY = 0;
  private static final int O_CLOEXEC = 0x80000;
  private static final int EINTR = 4;

  // Generous upper bounds of sizeof(posix_spawnattr_t), (posix_spawn_file_actions_t), (sigset_t).
  private static final int ATTR_SIZE = 512;
  private static final int ACTIONS_SIZE = 256;
  private static final int SIGSET_SIZE = 128;

  /** The libc calls used; all exist in glibc 2.34 and later. */
  interface LibC extends Library {
    int posix_spawnattr_init(Pointer attr);

    int posix_spawnattr_destroy(Pointer attr);

    int posix_spawnattr_setflags(Pointer attr, short flags);

    int posix_spawnattr_setsigdefault(Pointer attr, Pointer set);

    int posix_spawnattr_setsigmask(Pointer attr, Pointer set);

    int posix_spawn_file_actions_init(Pointer actions);

    int posix_spawn_file_actions_destroy(Pointer actions);

    int posix_spawn_file_actions_addopen(Pointer actions, int fd, String path, int flags, int mode);

    int posix_spawn_file_actions_adddup2(Pointer actions, int fd, int newFd);

    int posix_spawn_file_actions_addchdir_np(Pointer actions, String path);

    int posix_spawn_file_actions_addclosefrom_np(Pointer actions, int from);

    int posix_spawn(
        IntByReference pid,
        String path,
        Pointer actions,
        Pointer attr,
        StringArray argv,
        StringArray envp);

    int sigfillset(Pointer set);

    int sigemptyset(Pointer set);

    int pipe2(int[] fds, int flags) throws LastErrorException;

    long read(int fd, byte[] buffer, long count) throws LastErrorException;

    long write(int fd, byte[] buffer, long count) throws LastErrorException;

    int epoll_create1(int flags) throws LastErrorException;

    int epoll_ctl(int epfd, int op, int fd, Pointer event) throws LastErrorException;

    int epoll_wait(int epfd, Pointer events, int maxEvents, int timeout) throws LastErrorException;

    int eventfd(int initialValue, int flags) throws LastErrorException;

    long syscall(long number, Object... args) throws LastErrorException;

    int close(int fd);

    int waitpid(int pid, int[] status, int options) throws LastErrorException;

    String strerror(int errno);
  }

  private static final int WNOHANG = 1;

  private final LibC libc;
  private final Executor waiters;

  /** Watches the pipes and exits of the children; empty on kernels without pidfd_open. */
  private final Optional<EventLoop> events;

  /** The read buffer of the event loop's pipe handlers, which all run on its one thread. */
  private final byte[] loopBuffer = new byte[64 * 1024];

  private Spawner(LibC libc, Executor waiters, Optional<EventLoop> events) {
    this.libc = libc;
    this.waiters = waiters;
    this.events = events;
  }

  /**
   * Returns a spawner when this platform has what it needs.
   *
   * @param waiters completes the futures of the children; without an event loop it also runs one
   *     blocking {@code waitpid} and one log copy per process, like the JDK's process reaper
   */
  static Optional<Spawner> load(Executor waiters) {
    try {
      LibC libc = Native.load("c", LibC.class);
      // Looks each function up now, so that a missing one disables the spawner here and not at
      // the first launch.
      for (String function :
          List.of(
              "posix_spawn",
              "posix_spawn_file_actions_addchdir_np",
              "posix_spawn_file_actions_addclosefrom_np",
              "pipe2")) {
        NativeLibrary.getInstance("c").getFunction(function);
      }
      return Optional.of(new Spawner(libc, waiters, EventLoop.start(libc)));
    } catch (UnsatisfiedLinkError | RuntimeException e) {
      LOG.info(
          "posix_spawn with a new session is not available ({}); containers start through"
              + " setsid",
          e.toString());
      return Optional.empty();
    }
  }

  /**
   * Starts {@code argv} in a new session.
   *
   * @param executable the absolute path of the program
   * @param argv the arguments, the first being the program name
   * @param env the complete environment
   * @param workingDir the working directory
   * @throws IOException when the pipe, the directory change or the {@code exec} fails
   */
  Child spawn(String executable, List<String> argv, Map<String, String> env, String workingDir)
      throws IOException {
    int[] pipe = new int[2];
    try {
      libc.pipe2(pipe, O_CLOEXEC);
    } catch (LastErrorException e) {
      throw new IOException("failed to create the output pipe: " + libc.strerror(e.getErrorCode()));
    }
    String[] envp = new String[env.size()];
    int index = 0;
    for (Map.Entry<String, String> entry : env.entrySet()) {
      envp[index++] = entry.getKey() + "=" + entry.getValue();
    }
    Memory attr = new Memory(ATTR_SIZE);
    Memory actions = new Memory(ACTIONS_SIZE);
    Memory signals = new Memory(SIGSET_SIZE);
    IntByReference pid = new IntByReference();
    int result;
    libc.posix_spawnattr_init(attr);
    libc.posix_spawn_file_actions_init(actions);
    try {
      libc.sigfillset(signals);
      libc.posix_spawnattr_setsigdefault(attr, signals);
      libc.sigemptyset(signals);
      libc.posix_spawnattr_setsigmask(attr, signals);
      libc.posix_spawnattr_setflags(
          attr, (short) (POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK));
      libc.posix_spawn_file_actions_addopen(actions, 0, "/dev/null", O_RDONLY, 0);
      libc.posix_spawn_file_actions_adddup2(actions, pipe[1], 1);
      libc.posix_spawn_file_actions_adddup2(actions, pipe[1], 2);
      libc.posix_spawn_file_actions_addchdir_np(actions, workingDir);
      libc.posix_spawn_file_actions_addclosefrom_np(actions, 3);
      result =
          libc.posix_spawn(
              pid,
              executable,
              actions,
              attr,
              new StringArray(argv.toArray(String[]::new)),
              new StringArray(envp));
    } finally {
      libc.posix_spawn_file_actions_destroy(actions);
      libc.posix_spawnattr_destroy(attr);
      libc.close(pipe[1]);
    }
    if (result != 0) {
      libc.close(pipe[0]);
      throw new IOException(
          "failed to start " + executable + " in " + workingDir + ": " + libc.strerror(result));
    }
    Child child = new Child(pid.getValue(), pipe[0]);
    if (events.isPresent() && watchExit(events.get(), child)) {
      return child;
    }
    waiters.execute(
        () -> {
          // Read while the process is still an unreaped child, so its PID cannot be reused yet.
          child.startInstant();
          child.exit.complete(waitFor(child.pid));
        });
    return child;
  }

  /** Lets the event loop reap the child; returns false when it has no pidfd for it. */
  private boolean watchExit(EventLoop loop, Child child) {
    int pidfd;
    try {
      pidfd = loop.pidfd(child.pid);
    } catch (LastErrorException e) {
      LOG.debug("No pidfd for process {}: {}", child.pid, libc.strerror(e.getErrorCode()));
      return false;
    }
    loop.register(
        pidfd,
        new EventLoop.Handler() {
          @Override
          public boolean ready(int fd) {
            // Read while the process is still an unreaped child, so its PID cannot be reused yet.
            child.startInstant();
            int code = reap(child.pid);
            if (code == STILL_RUNNING) {
              return true;
            }
            hand(() -> child.exit.complete(code));
            return false;
          }

          @Override
          public void abandon() {
            // The provider closes: reap in the background, as without a loop.
            hand(() -> child.exit.complete(waitFor(child.pid)));
          }
        });
    return true;
  }

  private static final int STILL_RUNNING = Integer.MIN_VALUE;

  /** Reaps the process if it ended; returns {@link #STILL_RUNNING} when it did not yet. */
  private int reap(long pid) {
    int[] status = new int[1];
    int reaped;
    try {
      reaped = libc.waitpid((int) pid, status, WNOHANG);
    } catch (LastErrorException e) {
      if (e.getErrorCode() == EINTR) {
        return STILL_RUNNING;
      }
      LOG.warn("Cannot wait for process {}: {}", pid, libc.strerror(e.getErrorCode()));
      return -1;
    }
    return reaped == 0 ? STILL_RUNNING : exitCode(status[0]);
  }

  private static int exitCode(int status) {
    int termSignal = status & 0x7f;
    return termSignal == 0 ? (status >> 8) & 0xff : 128 + termSignal;
  }

  /**
   * Runs what follows an event on the waiters' executor, off the event loop's thread, or here once
   * that executor no longer takes work.
   */
  private void hand(Runnable task) {
    try {
      waiters.execute(task);
    } catch (RejectedExecutionException e) {
      task.run();
    }
  }

  /** Stops the event loop; call once the children are gone. */
  void close() {
    events.ifPresent(EventLoop::close);
  }

  /** Reaps the process; returns its exit code, or 128 plus the signal that killed it. */
  private int waitFor(long pid) {
    int[] status = new int[1];
    while (true) {
      try {
        libc.waitpid((int) pid, status, 0);
        break;
      } catch (LastErrorException e) {
        if (e.getErrorCode() != EINTR) {
          LOG.warn("Cannot wait for process {}: {}", pid, libc.strerror(e.getErrorCode()));
          return -1;
        }
      }
    }
    return exitCode(status[0]);
  }

  /** A process started by {@link #spawn}. */
  final class Child {
    private final long pid;
    private final int outputFd;
    private PipeInput input;
    private boolean pumped;
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();
    private Instant startInstant;
    private boolean startRead;

    private Child(long pid, int outputFd) {
      this.pid = pid;
      this.outputFd = outputFd;
    }

    long pid() {
      return pid;
    }

    /**
     * Standard output and error together; ends when every process holding the pipe closed it. Use
     * either this or {@link #pumpTo}.
     */
    synchronized InputStream output() {
      if (pumped) {
        throw new IllegalStateException("the output of process " + pid + " goes to its log");
      }
      if (input == null) {
        input = new PipeInput(outputFd);
      }
      return input;
    }

    /**
     * Copies the output into the log, through the event loop when there is one, and else on a
     * thread of the waiters' executor. The future completes, on that executor, once the output
     * ended and the log is marked done.
     */
    CompletableFuture<Void> pumpTo(LogWriter log) {
      synchronized (this) {
        if (pumped || input != null) {
          throw new IllegalStateException("the output of process " + pid + " is already read");
        }
        pumped = true;
      }
      CompletableFuture<Void> done = new CompletableFuture<>();
      if (events.isEmpty()) {
        waiters.execute(
            () -> {
              try {
                log.pump(new PipeInput(outputFd));
                done.complete(null);
              } catch (IOException | RuntimeException e) {
                done.completeExceptionally(e);
              }
            });
        return done;
      }
      events.get().register(outputFd, new PipeHandler(log, done));
      return done;
    }

    /**
     * Returns the kernel's start time, which distinguishes the process from a later one with the
     * same PID. It is read once, off the launch path and before the process is reaped; null when
     * unreadable.
     */
    synchronized Instant startInstant() {
      if (!startRead) {
        startInstant = ProcStat.startInstant(pid).orElse(null);
        startRead = true;
      }
      return startInstant;
    }

    /** Completes with the exit code once the process ended and was reaped. */
    CompletableFuture<Integer> exit() {
      return exit;
    }
  }

  /** Copies a pipe into a log on the event loop's thread. */
  private final class PipeHandler implements EventLoop.Handler {
    private final LogWriter log;
    private final CompletableFuture<Void> done;
    private LogWriter.Sink sink;

    PipeHandler(LogWriter log, CompletableFuture<Void> done) {
      this.log = log;
      this.done = done;
    }

    @Override
    public boolean ready(int fd) {
      long count;
      try {
        count = libc.read(fd, loopBuffer, loopBuffer.length);
      } catch (LastErrorException e) {
        if (e.getErrorCode() == EINTR) {
          return true;
        }
        finish(
            new IOException("failed to read the output pipe: " + libc.strerror(e.getErrorCode())));
        return false;
      }
      if (count == 0) {
        finish(null);
        return false;
      }
      try {
        if (sink == null) {
          sink = log.openSink();
        }
        sink.accept(loopBuffer, (int) count);
        sink.flush();
        return true;
      } catch (IOException e) {
        finish(e);
        return false;
      }
    }

    @Override
    public void abandon() {
      finish(null);
    }

    private void finish(IOException failure) {
      IOException error = failure;
      try {
        if (sink != null) {
          sink.close();
        } else {
          log.markDone();
        }
      } catch (IOException e) {
        if (error == null) {
          error = e;
        }
      }
      IOException result = error;
      hand(
          () -> {
            if (result == null) {
              done.complete(null);
            } else {
              done.completeExceptionally(result);
            }
          });
    }
  }

  /** The read end of the output pipe. */
  private final class PipeInput extends InputStream {
    private final int fd;
    private final AtomicBoolean closed = new AtomicBoolean();

    PipeInput(int fd) {
      this.fd = fd;
    }

    @Override
    public int read() throws IOException {
      byte[] single = new byte[1];
      return read(single, 0, 1) < 0 ? -1 : single[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      if (closed.get()) {
        throw new IOException("the output pipe is closed");
      }
      if (length == 0) {
        return 0;
      }
      byte[] target = offset == 0 ? buffer : new byte[length];
      long count;
      while (true) {
        try {
          count = libc.read(fd, target, Math.min(length, buffer.length - offset));
          break;
        } catch (LastErrorException e) {
          if (e.getErrorCode() != EINTR) {
            throw new IOException(
                "failed to read the output pipe: " + libc.strerror(e.getErrorCode()));
          }
        }
      }
      if (count == 0) {
        return -1;
      }
      if (target != buffer) {
        System.arraycopy(target, 0, buffer, offset, (int) count);
      }
      return (int) count;
    }

    @Override
    public void close() {
      if (closed.compareAndSet(false, true)) {
        libc.close(fd);
      }
    }
  }
}
