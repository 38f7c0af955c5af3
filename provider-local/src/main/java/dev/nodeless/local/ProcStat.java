package dev.nodeless.local;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * Process start times read from {@code /proc/<pid>/stat}, computed as {@link
 * ProcessHandle.Info#startInstant()} computes them on Linux (boot time from {@code /proc/stat} plus
 * the start in clock ticks), at the cost of one file read instead of the several that {@link
 * ProcessHandle#info()} makes.
 */
final class ProcStat {
  private static final int SC_CLK_TCK = 2;
  private static final long BOOT_MILLIS = bootMillis();
  private static final long TICKS_PER_SECOND = ticksPerSecond();

  private ProcStat() {}

  /** The one libc call needed: {@code sysconf(_SC_CLK_TCK)}. */
  interface LibC extends Library {
    long sysconf(int name);
  }

  /** Returns the start time of a live process, or empty when it cannot be read. */
  static Optional<Instant> startInstant(long pid) {
    if (BOOT_MILLIS < 0) {
      return ProcessHandle.of(pid).flatMap(handle -> handle.info().startInstant());
    }
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // The fields after the command name, which is in parentheses and may hold spaces.
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ", 21);
      long ticks = Long.parseLong(fields[19]);
      return Optional.of(Instant.ofEpochMilli(BOOT_MILLIS + ticks * 1000 / TICKS_PER_SECOND));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static long bootMillis() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/stat"), StandardCharsets.US_ASCII)) {
        if (line.startsWith("btime ")) {
          return Long.parseLong(line.substring("btime ".length()).trim()) * 1000;
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux: fall back to the JDK.
    }
    return -1;
  }

  private static long ticksPerSecond() {
    try {
      long ticks = Native.load("c", LibC.class).sysconf(SC_CLK_TCK);
      return ticks > 0 ? ticks : 100;
    } catch (UnsatisfiedLinkError | RuntimeException e) {
      return 100;
    }
  }
}
