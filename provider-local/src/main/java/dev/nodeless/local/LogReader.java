package dev.nodeless.local;

import dev.nodeless.LogOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
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
  private final StringBuilder partial = new StringBuilder();
  private String partialTimestamp = "";
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
        return flushPartial();
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
    // ISO-8859-1 maps each byte to one char and back, so output that is not UTF-8 stays intact.
    // The timestamps and markers parsed here are ASCII, which it reads the same way.
    String line = new String(stored, StandardCharsets.ISO_8859_1);
    Entry entry = Entry.parse(line);
    if (entry.partial()) {
      if (partial.length() == 0) {
        partialTimestamp = entry.timestamp();
      }
      partial.append(entry.text());
      return;
    }
    String timestamp = entry.timestamp();
    String text = entry.text();
    if (partial.length() > 0) {
      text = partial.append(text).toString();
      timestamp = partialTimestamp;
      partial.setLength(0);
    }
    if (!passesSince(timestamp)) {
      return;
    }
    if (options.timestamps()) {
      out.writeBytes(timestamp.getBytes(StandardCharsets.ISO_8859_1));
      out.write(' ');
    }
    out.writeBytes(text.getBytes(StandardCharsets.ISO_8859_1));
    out.write('\n');
  }

  /** Emits the start of a line whose end never came, as the last output of a stopped log. */
  private boolean flushPartial() {
    if (partial.length() == 0 || !passesSince(partialTimestamp)) {
      return false;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (options.timestamps()) {
      out.writeBytes((partialTimestamp + " ").getBytes(StandardCharsets.ISO_8859_1));
    }
    out.writeBytes(partial.toString().getBytes(StandardCharsets.ISO_8859_1));
    partial.setLength(0);
    buffer = out.toByteArray();
    bufferPosition = 0;
    return true;
  }

  /**
   * One stored line: {@link LogWriter}'s {@code <RFC 3339 UTC> <text>}, or the CRI format that
   * conmon writes for container runtimes, {@code <RFC 3339 with offset> <stdout|stderr> <F|P>
   * <text>}, where {@code P} marks part of a longer line. Timestamps are returned in UTC.
   */
  record Entry(String timestamp, String text, boolean partial) {
    static Entry parse(String line) {
      int space = line.indexOf(' ');
      if (space < 0) {
        return new Entry("", line, false);
      }
      String timestamp = line.substring(0, space);
      String rest = line.substring(space + 1);
      if (!timestamp.endsWith("Z")
          && (rest.startsWith("stdout ") || rest.startsWith("stderr "))
          && rest.length() >= 8
          && (rest.charAt(7) == 'F' || rest.charAt(7) == 'P')
          && (rest.length() == 8 || rest.charAt(8) == ' ')) {
        Instant instant = LogReader.timestamp(line);
        return new Entry(
            instant == null ? timestamp : instant.toString(),
            rest.length() == 8 ? "" : rest.substring(9),
            rest.charAt(7) == 'P');
      }
      return new Entry(timestamp, rest, false);
    }
  }

  private boolean passesSince(String timestampOrLine) {
    if (options.sinceTime().isEmpty()) {
      return true;
    }
    Instant time = timestamp(timestampOrLine);
    return time == null || !time.isBefore(options.sinceTime().get());
  }

  /** The timestamp at the start of a line, with {@code Z} or a UTC offset, or null. */
  static Instant timestamp(String line) {
    int space = line.indexOf(' ');
    String text = space < 0 ? line : line.substring(0, space);
    try {
      return java.time.OffsetDateTime.parse(text).toInstant();
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
    return LogWriter.isDone(log);
  }
}
