package dev.nodeless.local;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.File;
import java.io.FileInputStream;
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

  /** Enough for every field up to the start time, even with a 16-byte command name. */
  private static final int STAT_BYTES = 1024;

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
    // java.io.File checks for a missing file without throwing; the file of a dead PID is missing.
    File file = new File("/proc/" + pid + "/stat");
    if (!file.exists()) {
      return Optional.empty();
    }

    byte[] buffer = new byte[STAT_BYTES];
    int length;
    try (FileInputStream in = new FileInputStream(file)) {
      length = in.readNBytes(buffer, 0, buffer.length);
    } catch (IOException e) {
      return Optional.empty();
    }
    // The fields after the command name, which is in parentheses and may hold spaces; the start
    // time is the 20th of them.

    int position = length - 1;
    while (position >= 0 && buffer[position] != ')') {
      position--;
    }
    int field = 0;
    for (position += 2; position < length && field < 19; position++) {
      if (buffer[position] == ' ') {
        field++;
      }
    }
    long ticks = 0;
    int digits = 0;
    for (; position < length && buffer[position] >= '0' && buffer[position] <= '9'; position++) {
      ticks = ticks * 10 + (buffer[position] - '0');
      digits++;
    }
    if (field < 19 || digits == 0) {
      return Optional.empty();
    }
    return Optional.of(Instant.ofEpochMilli(BOOT_MILLIS + ticks * 1000 / TICKS_PER_SECOND));
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
