package dev.nodeless.local;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Set;

/**
 * Writes the output of one container instance to its log file, one line per output line, each
 * starting with its RFC 3339 UTC timestamp and a space. When the output ends it creates the {@code
 * marks the instance stopped for followers by making the file read-only, which, unlike a marker
 * file, creates no inode.
 */
final class LogWriter {
  /**
   * Longer lines are split. Container runtimes split at 16 KiB but mark the pieces, so that {@code
   * kubectl logs} joins them again; this format has no such mark, so a JSON log line of a few
   * hundred kilobytes stays whole. The line buffer grows only as far as a line needs.
   */
  static final int MAX_LINE = 1024 * 1024;

  private static final Set<PosixFilePermission> READ_ONLY =
      PosixFilePermissions.fromString("r--r--r--");

  private final Path file;
  private final Clock clock;

  LogWriter(Path file, Clock clock) {
    this.file = file;
    this.clock = clock;
  }

  /** Returns whether the log is complete, which its writer marks by making it read-only. */
  static boolean isDone(Path logFile) {
    try {
      return !Files.getPosixFilePermissions(logFile).contains(PosixFilePermission.OWNER_WRITE);
    } catch (IOException e) {
      return false;
    }
  }

  Path file() {
    return file;
  }

  /** Creates the empty log file, so that readers find it before the first line. */
  void create() throws IOException {
    if (!Files.isDirectory(file.getParent())) {
      Files.createDirectories(file.getParent());
    }
    Files.write(file, new byte[0], StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
  }

  /**
   * Copies the stream until its end, timestamping each line. Blocks; runs on a log thread. Always
   * marks the log done, also when reading fails.
   */
  void pump(InputStream output) throws IOException {
    try (InputStream in = output;
        Sink sink = openSink()) {
      byte[] chunk = new byte[8192];
      int read;
      while ((read = in.read(chunk)) >= 0) {
        sink.accept(chunk, read);
        if (in.available() == 0) {
          sink.flush();
        }
      }
    } finally {
      markDone();
    }
  }

  /**
   * Opens the log for output that arrives in chunks, such as from an {@link EventLoop}. Closing the
   * sink writes a last line without a newline, if any, and marks the log done.
   */
  Sink openSink() throws IOException {
    return new Sink(
        new BufferedOutputStream(
            Files.newOutputStream(file, StandardOpenOption.APPEND, StandardOpenOption.CREATE),
            8 * 1024));
  }

  /** Splits output into timestamped lines of the log. Not thread-safe. */
  final class Sink implements Closeable {
    private final OutputStream out;
    private byte[] line = new byte[256];
    private int length;

    private Sink(OutputStream out) {
      this.out = out;
    }

    /** Appends the first {@code count} bytes of {@code chunk}, writing each completed line. */
    void accept(byte[] chunk, int count) throws IOException {
      for (int i = 0; i < count; i++) {
        byte next = chunk[i];
        if (next == '\n') {
          writeLine(out, line, length);
          length = 0;
        } else {
          // A full line is written when more of it arrives, so that a line of exactly MAX_LINE
          // bytes and its newline stay one line.
          if (length == MAX_LINE) {
            writeLine(out, line, length);
            length = 0;
          }
          if (length == line.length) {
            line = Arrays.copyOf(line, Math.min(line.length * 2, MAX_LINE));
          }
          line[length++] = next;
        }
      }
    }

    void flush() throws IOException {
      out.flush();
    }

    @Override
    public void close() throws IOException {
      try (OutputStream closing = out) {
        if (length > 0) {
          writeLine(closing, line, length);
          length = 0;
        }
      } finally {
        markDone();
      }
    }
  }

  /** Marks the log done without output, for an instance that never started. */
  void markDone() throws IOException {
    if (!Files.exists(file)) {
      Files.write(file, new byte[0]);
    }
    Files.setPosixFilePermissions(file, READ_ONLY);
  }

  private void writeLine(OutputStream out, byte[] line, int length) throws IOException {
    out.write(
        DateTimeFormatter.ISO_INSTANT.format(clock.instant()).getBytes(StandardCharsets.US_ASCII));
    out.write(' ');
    out.write(line, 0, length);
    out.write('\n');
  }
}
