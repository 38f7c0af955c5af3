package dev.nodeless;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Options for reading a container's log, with the meaning of the kubelet's {@code containerLogs}
 * query parameters. Immutable; build with {@link #builder()}.
 */
public final class LogOptions {
  private static final LogOptions DEFAULTS = builder().build();

  private final boolean follow;
  private final Integer tailLines;
  private final Instant sinceTime;
  private final boolean timestamps;
  private final boolean previous;
  private final Long limitBytes;
  private final Integer restartCount;

  private LogOptions(Builder builder) {
    this.follow = builder.follow;
    this.tailLines = builder.tailLines;
    this.sinceTime = builder.sinceTime;
    this.timestamps = builder.timestamps;
    this.previous = builder.previous;
    this.limitBytes = builder.limitBytes;
    this.restartCount = builder.restartCount;
  }

  /** Options that read the whole log of the current instance once. */
  public static LogOptions ofDefaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder builder = new Builder();
    builder.follow = follow;
    builder.tailLines = tailLines;
    builder.sinceTime = sinceTime;
    builder.timestamps = timestamps;
    builder.previous = previous;
    builder.limitBytes = limitBytes;
    builder.restartCount = restartCount;
    return builder;
  }

  /** Whether the stream stays open and delivers new lines until the container stops. */
  public boolean follow() {
    return follow;
  }

  /** Number of lines from the end of the log to start with. */
  public OptionalInt tailLines() {
    return tailLines == null ? OptionalInt.empty() : OptionalInt.of(tailLines);
  }

  /** Earliest time of a line to return. */
  public Optional<Instant> sinceTime() {
    return Optional.ofNullable(sinceTime);
  }

  /** Whether each line starts with its RFC 3339 timestamp and a space. */
  public boolean timestamps() {
    return timestamps;
  }

  /** Whether to read the log of the previous, terminated instance of the container. */
  public boolean previous() {
    return previous;
  }

  /** Maximum number of bytes to return before the stream ends. */
  public OptionalLong limitBytes() {
    return limitBytes == null ? OptionalLong.empty() : OptionalLong.of(limitBytes);
  }

  /**
   * Returns the instance to read, by the restart count it had, instead of the current or previous.
   * A caller that follows every instance of a container uses it, because the current instance may
   * change between a status and the read. Providers that keep only the current and previous logs
   * support only those two.
   */
  public OptionalInt restartCount() {
    return restartCount == null ? OptionalInt.empty() : OptionalInt.of(restartCount);
  }

  @Override
  public String toString() {
    return "LogOptions{follow="
        + follow
        + ", tailLines="
        + tailLines
        + ", sinceTime="
        + sinceTime
        + ", timestamps="
        + timestamps
        + ", previous="
        + previous
        + ", limitBytes="
        + limitBytes
        + ", restartCount="
        + restartCount
        + "}";
  }

  /** Builder for {@link LogOptions}; setters reject invalid values at once. */
  public static final class Builder {
    private boolean follow;
    private Integer tailLines;
    private Instant sinceTime;
    private boolean timestamps;
    private boolean previous;
    private Long limitBytes;
    private Integer restartCount;

    private Builder() {}

    public Builder follow(boolean follow) {
      this.follow = follow;
      return this;
    }

    public Builder tailLines(int tailLines) {
      if (tailLines < 0) {
        throw new IllegalArgumentException("tailLines must be >= 0, got " + tailLines);
      }
      this.tailLines = tailLines;
      return this;
    }

    public Builder sinceTime(Instant sinceTime) {
      this.sinceTime = sinceTime;
      return this;
    }

    public Builder timestamps(boolean timestamps) {
      this.timestamps = timestamps;
      return this;
    }

    public Builder previous(boolean previous) {
      this.previous = previous;
      return this;
    }

    public Builder limitBytes(long limitBytes) {
      if (limitBytes < 1) {
        throw new IllegalArgumentException("limitBytes must be >= 1, got " + limitBytes);
      }
      this.limitBytes = limitBytes;
      return this;
    }

    /** Reads the instance that had this restart count; see {@link LogOptions#restartCount()}. */
    public Builder restartCount(int restartCount) {
      if (restartCount < 0) {
        throw new IllegalArgumentException("restartCount must be >= 0, got " + restartCount);
      }
      this.restartCount = restartCount;
      return this;
    }

    /**
     * Builds the options.
     *
     * @throws IllegalArgumentException when both {@code previous} and {@code restartCount} are set
     */
    public LogOptions build() {
      if (previous && restartCount != null) {
        throw new IllegalArgumentException(
            "previous and restartCount both name an instance; set only one");
      }
      return new LogOptions(this);
    }
  }
}
