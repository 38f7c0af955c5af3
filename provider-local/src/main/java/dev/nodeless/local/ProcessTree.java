package dev.nodeless.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Signals every process of a container instance. An instance starts as the leader of a new session
 * and process group, so its processes are found three ways: the members of that process group, the
 * descendants of the leader (which covers those that started their own group), and the members of
 * its cgroup when it has one (which also covers orphans that started their own session).
 */
final class ProcessTree {
  private static final Path PROC = Path.of("/proc");

  private ProcessTree() {}

  /**
   * Sends SIGTERM, or SIGKILL when {@code force}, to every process of the tree.
   *
   * @param leaderPid the PID of the group leader, which is also the process group ID
   * @param leaderStart the leader's start time; group members that started earlier belong to an
   *     older group that reused the ID and are left alone
   * @param cgroupPids the members of the instance's cgroup, possibly empty
   * @return how many processes were signalled
   */
  static int signal(long leaderPid, Instant leaderStart, Set<Long> cgroupPids, boolean force) {
    Set<ProcessHandle> targets = new LinkedHashSet<>();
    Optional<ProcessHandle> leader = ProcessHandle.of(leaderPid);
    if (leader.isPresent() && sameStart(leader.get(), leaderStart)) {
      targets.add(leader.get());
      leader.get().descendants().forEach(targets::add);
    }
    for (long pid : groupMembers(leaderPid)) {
      ProcessHandle.of(pid)
          .filter(member -> startedAtOrAfter(member, leaderStart))
          .ifPresent(targets::add);
    }
    for (long pid : cgroupPids) {
      ProcessHandle.of(pid).ifPresent(targets::add);
    }
    long self = ProcessHandle.current().pid();
    int signalled = 0;
    for (ProcessHandle target : targets) {
      if (target.pid() == self) {
        continue;
      }
      boolean sent = force ? target.destroyForcibly() : target.destroy();
      if (sent) {
        signalled++;
      }
    }
    return signalled;
  }

  /** Whether any process of the tree is still alive. */
  static boolean anyAlive(long leaderPid, Instant leaderStart, Set<Long> cgroupPids) {
    Optional<ProcessHandle> leader = ProcessHandle.of(leaderPid);
    if (leader.isPresent() && leader.get().isAlive() && sameStart(leader.get(), leaderStart)) {
      return true;
    }
    for (long pid : groupMembers(leaderPid)) {
      if (ProcessHandle.of(pid).filter(p -> startedAtOrAfter(p, leaderStart)).isPresent()) {
        return true;
      }
    }
    return cgroupPids.stream().anyMatch(pid -> ProcessHandle.of(pid).isPresent());
  }

  static boolean sameStart(ProcessHandle process, Instant expected) {
    if (expected == null) {
      return true;
    }
    Optional<Instant> start = process.info().startInstant();
    return start.isPresent() && Math.abs(start.get().toEpochMilli() - expected.toEpochMilli()) < 20;
  }

  private static boolean startedAtOrAfter(ProcessHandle process, Instant leaderStart) {
    if (leaderStart == null) {
      return true;
    }
    Optional<Instant> start = process.info().startInstant();
    return start.isPresent() && start.get().toEpochMilli() >= leaderStart.toEpochMilli() - 20;
  }

  /** PIDs whose process group is {@code pgid}, read from {@code /proc/<pid>/stat}; Linux only. */
  static Set<Long> groupMembers(long pgid) {
    Set<Long> members = new LinkedHashSet<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (name.isEmpty() || !Character.isDigit(name.charAt(0))) {
          continue;
        }
        long group = processGroup(entry.resolve("stat"));
        if (group == pgid) {
          members.add(Long.parseLong(name));
        }
      }
    } catch (IOException e) {
      // Not Linux or no /proc: the leader's descendants are all that can be found.
    }
    return members;
  }

  /** The fifth field of {@code /proc/<pid>/stat}; the command name before it may hold spaces. */
  private static long processGroup(Path stat) {
    try {
      String text = Files.readString(stat, StandardCharsets.ISO_8859_1);
      int end = text.lastIndexOf(')');
      String[] fields = text.substring(end + 2).split(" ", 4);
      return Long.parseLong(fields[2]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
