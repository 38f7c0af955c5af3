package dev.nodeless.local;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signals every process of a container instance. An instance starts as the leader of a new session
 * and process group, so its processes are reached three ways: {@code kill(-pgid)} for the whole
 * process group (orphans included), the leader's descendants read from {@code
 * /proc/<pid>/task/<tid>/children} (which covers those that started their own group while their
 * parent lives), and the members of its cgroup when it has one (which also covers orphans that
 * started their own session). Linux only; elsewhere only the leader is signalled.
 */
final class ProcessTree {
  private static final Logger LOG = LoggerFactory.getLogger(ProcessTree.class);
  private static final Path PROC = Path.of("/proc");
  private static final int SIGKILL = 9;
  private static final int SIGTERM = 15;
  private static final LibC LIBC = loadLibC();

  /** The libc calls the JDK lacks: {@code kill(2)} with a negative PID for a group. */
  interface LibC extends Library {
    int kill(int pid, int signal);

    int getpgid(int pid);
  }

  private ProcessTree() {}

  private static LibC loadLibC() {
    try {
      return Native.load("c", LibC.class);
    } catch (UnsatisfiedLinkError | RuntimeException e) {
      LOG.warn(
          "Cannot load libc through JNA ({}); signals reach a container's processes one by one,"
              + " not as a process group",
          e.toString());
      return null;
    }
  }

  /**
   * Sends SIGTERM, or SIGKILL when {@code force}, to every process of the tree.
   *
   * @param leaderPid the PID of the group leader, which is also the process group ID
   * @param leaderStart the leader's start time, to tell it from a later process with the same PID;
   *     {@code null} when unknown
   * @param cgroupPids the members of the instance's cgroup, possibly empty
   * @return how many processes or groups were signalled
   */
  // TODO: without a cgroup, a process that started its own session and lost its parent escapes.
  // A cgroup or PID namespace for every container would catch it.
  static int signal(long leaderPid, Instant leaderStart, Set<Long> cgroupPids, boolean force) {
    int signal = force ? SIGKILL : SIGTERM;
    int signalled = 0;
    Optional<Instant> leaderStarted = ProcStat.startInstant(leaderPid);
    boolean leaderIsOurs = leaderStarted.isPresent() && sameStart(leaderStarted.get(), leaderStart);
    Set<Long> targets = new LinkedHashSet<>();
    if (leaderIsOurs) {
      // The leader itself too: right after the spawn it may not have called setsid() yet, and
      // then its process group does not exist.
      targets.add(leaderPid);
      targets.addAll(descendants(leaderPid));
    }
    // A PID is not reused while a process group with that ID exists, so the group is still ours
    // when the leader lives, or when no process has the PID at all.
    boolean groupSignalled = false;
    if ((leaderIsOurs || leaderStarted.isEmpty()) && LIBC != null) {
      if (LIBC.kill((int) -leaderPid, signal) == 0) {
        signalled++;
        groupSignalled = true;
      }
    }
    targets.addAll(cgroupPids);
    long self = ProcessHandle.current().pid();
    for (long pid : targets) {
      // A member of the group has the signal already. A second SIGTERM would run a shell's trap
      // twice, where a container runtime signals once.
      if (pid == self || (groupSignalled && LIBC.getpgid((int) pid) == leaderPid)) {
        continue;
      }
      if (send(pid, signal)) {
        signalled++;
      }
    }
    return signalled;
  }

  private static boolean send(long pid, int signal) {
    if (LIBC != null) {
      return LIBC.kill((int) pid, signal) == 0;
    }
    Optional<ProcessHandle> process = ProcessHandle.of(pid);
    return process.isPresent()
        && (signal == SIGKILL ? process.get().destroyForcibly() : process.get().destroy());
  }

  static boolean sameStart(ProcessHandle process, Instant expected) {
    return expected == null
        || ProcStat.startInstant(process.pid())
            .map(start -> sameStart(start, expected))
            .orElse(false);
  }

  private static boolean sameStart(Instant start, Instant expected) {
    return expected == null || Math.abs(start.toEpochMilli() - expected.toEpochMilli()) < 20;
  }

  /** Returns the descendants of a process, read from the kernel's per-thread children lists. */
  static Set<Long> descendants(long pid) {
    Set<Long> found = new LinkedHashSet<>();
    ArrayDeque<Long> pending = new ArrayDeque<>();
    pending.add(pid);
    while (!pending.isEmpty()) {
      long parent = pending.poll();
      try (DirectoryStream<Path> tasks =
          Files.newDirectoryStream(PROC.resolve(Long.toString(parent)).resolve("task"))) {
        for (Path task : tasks) {
          String children =
              Files.readString(task.resolve("children"), StandardCharsets.US_ASCII).trim();
          if (children.isEmpty()) {
            continue;
          }
          for (String child : children.split(" ")) {
            long childPid = Long.parseLong(child);
            if (found.add(childPid)) {
              pending.add(childPid);
            }
          }
        }
      } catch (IOException | RuntimeException e) {
        // The process ended, or this kernel has no children lists.
      }
    }
    return found;
  }
}
