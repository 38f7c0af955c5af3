package dev.nodeless.local;

import dev.nodeless.LogOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.function.BooleanSupplier;

/**
 * Reads one instance log written by {@link LogWriter} with the meaning of the kubelet's log query
 * options. A following reader polls the file for new lines until the instance is done; it runs on
 * the caller's thread, which blocks in {@link #read}.
 */
final class LogReader extends InputStream {
  private static final Duration FOLLOW_POLL = Duration.ofMillis(50);

  private final RandomAccessFile file;
  private final LogOptions options;
  private final BooleanSupplier stopped;
  private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
  private byte[] buffer = new byte[0];
  private int bufferPosition;
  private long remainingBytes;
  private boolean ended;
  private volatile boolean closed;

  /**
   * Opens a log.
   *
   * @param stopped whether the instance stopped, so that a follower ends once it read everything
   */
  LogReader(Path log, LogOptions options, BooleanSupplier stopped) throws IOException {
    this.file = new RandomAccessFile(log.toFile(), "r");
    this.options = options;
    this.stopped = stopped;
    this.remainingBytes = options.limitBytes().orElse(Long.MAX_VALUE);
    if (options.tailLines().isPresent()) {
      file.seek(tailStart(options.tailLines().getAsInt()));
    }
  }

  /** The offset of the first of the last {@code lines} lines that pass the time filter. */
  private long tailStart(int lines) throws IOException {
    if (lines == 0) {
      return file.length();
    }
    ArrayDeque<Long> starts = new ArrayDeque<>();
    long offset = 0;
    String line;
    file.seek(0);
    while ((line = file.readLine()) != null) {
      if (passesSince(line)) {
        starts.addLast(offset);
        if (starts.size() > lines) {
          starts.removeFirst();
        }
      }
      offset = file.getFilePointer();
    }
    return starts.isEmpty() ? offset : starts.getFirst();
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int read = read(one, 0, 1);
    return read < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] target, int offset, int length) throws IOException {
    if (length == 0) {
      return 0;
    }
    if (remainingBytes <= 0) {
      return -1;
    }
    while (bufferPosition >= buffer.length) {
      if (ended || closed || remainingBytes <= 0 || !fill()) {
        return -1;
      }
    }
    int count = (int) Math.min(Math.min(length, buffer.length - bufferPosition), remainingBytes);
    System.arraycopy(buffer, bufferPosition, target, offset, count);
    bufferPosition += count;
    remainingBytes -= count;
    return count;
  }

  /** Loads the next complete lines; returns false at the end of the log. */
  private boolean fill() throws IOException {
    while (true) {
      boolean wasStopped = stopped.getAsBoolean();
      ByteArrayOutputStream lines = new ByteArrayOutputStream();
      byte[] chunk = new byte[8192];
      int read;
      while ((read = file.read(chunk)) > 0) {
        for (int i = 0; i < read; i++) {
          if (chunk[i] == '\n') {
            emit(pending.toByteArray(), lines);
            pending.reset();
          } else {
            pending.write(chunk[i]);
          }
        }
        if (lines.size() > 0) {
          break;
        }
      }
      if (lines.size() > 0) {
        buffer = lines.toByteArray();
        bufferPosition = 0;
        return true;
      }
      if (!options.follow() || wasStopped) {
        ended = true;
        return false;
      }
      try {
        Thread.sleep(FOLLOW_POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while following a container log");
      }
      if (closed) {
        return false;
      }
    }
  }

  private void emit(byte[] stored, ByteArrayOutputStream out) {
    String line = new String(stored, StandardCharsets.UTF_8);
    if (!passesSince(line)) {
      return;
    }
    if (options.timestamps()) {
      out.writeBytes(stored);
    } else {
      int space = line.indexOf(' ');
      out.writeBytes(line.substring(space + 1).getBytes(StandardCharsets.UTF_8));
    }
    out.write('\n');
  }

  private boolean passesSince(String line) {
    if (options.sinceTime().isEmpty()) {
      return true;
    }
    Instant time = timestamp(line);
    return time == null || !time.isBefore(options.sinceTime().get());
  }

  static Instant timestamp(String line) {
    int space = line.indexOf(' ');
    if (space < 0) {
      return null;
    }
    try {
      return Instant.parse(line.substring(0, space));
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    file.close();
  }

  /** Whether the instance log is complete: its writer marked it done. */
  static boolean isDone(Path log) {
    return Files.exists(LogWriter.doneMarker(log));
  }
}
