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

    int close(int fd);

    int waitpid(int pid, int[] status, int options) throws LastErrorException;

    String strerror(int errno);
  }

  private final LibC libc;
  private final Executor waiters;

  private Spawner(LibC libc, Executor waiters) {
    this.libc = libc;
    this.waiters = waiters;
  }

  /**
   * Returns a spawner when this platform has what it needs.
   *
   * @param waiters runs one blocking {@code waitpid} per process, like the JDK's process reaper
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
      return Optional.of(new Spawner(libc, waiters));
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
    Child child = new Child(pid.getValue(), new PipeInput(pipe[0]));
    // TODO: one epoll thread over every pipe and pidfd would replace this thread and the log
    // thread of each container.
    waiters.execute(
        () -> {
          // Read while the process is still an unreaped child, so its PID cannot be reused yet.
          child.startInstant();
          child.exit.complete(waitFor(child.pid));
        });
    return child;
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
    int termSignal = status[0] & 0x7f;
    return termSignal == 0 ? (status[0] >> 8) & 0xff : 128 + termSignal;
  }

  /** A process started by {@link #spawn}. */
  final class Child {
    private final long pid;
    private final InputStream output;
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();
    private Instant startInstant;
    private boolean startRead;

    private Child(long pid, InputStream output) {
      this.pid = pid;
      this.output = output;
    }

    long pid() {
      return pid;
    }

    /** Standard output and error together; ends when every process holding the pipe closed it. */
    InputStream output() {
      return output;
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
