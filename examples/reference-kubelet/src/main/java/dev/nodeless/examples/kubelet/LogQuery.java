package dev.nodeless.examples.kubelet;

import dev.nodeless.LogOptions;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Parses the query of {@code GET /containerLogs/{namespace}/{pod}/{container}} with the kubelet's
 * rules: {@code follow}, {@code timestamps} and {@code previous} are booleans; {@code tailLines} is
 * at least 0; {@code limitBytes} and {@code sinceSeconds} are at least 1; {@code sinceTime} is RFC
 * 3339; {@code sinceSeconds} and {@code sinceTime} exclude each other.
 */
final class LogQuery {

  /** The parsed options and the byte limit, which the server enforces too. */
  record Parsed(LogOptions options, OptionalLong limitBytes) {}

  private LogQuery() {}

  /**
   * Parses the query parameters; each parameter is given once, the first value wins.
   *
   * @throws IllegalArgumentException naming every invalid parameter, its value and the rule
   */
  static Parsed parse(Map<String, String> query, Clock clock) {
    List<String> problems = new ArrayList<>();
    LogOptions.Builder options = LogOptions.builder();
    options.follow(bool(query, "follow", problems));
    options.timestamps(bool(query, "timestamps", problems));
    options.previous(bool(query, "previous", problems));
    Long tail = number(query, "tailLines", 0, problems);
    if (tail != null) {
      options.tailLines((int) Math.min(tail, Integer.MAX_VALUE));
    }
    Long limit = number(query, "limitBytes", 1, problems);
    if (limit != null) {
      options.limitBytes(limit);
    }
    Long sinceSeconds = number(query, "sinceSeconds", 1, problems);
    String sinceTime = query.get("sinceTime");
    if (sinceSeconds != null && sinceTime != null) {
      problems.add("sinceSeconds and sinceTime: at most one may be set");
    } else if (sinceSeconds != null) {
      options.sinceTime(clock.instant().minusSeconds(sinceSeconds));
    } else if (sinceTime != null) {
      try {
        options.sinceTime(OffsetDateTime.parse(sinceTime).toInstant());
      } catch (DateTimeParseException e) {
        problems.add(
            "sinceTime = \"" + sinceTime + "\": not an RFC 3339 time such as 2024-05-01T10:00:00Z");
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("invalid log query: " + String.join("; ", problems));
    }
    return new Parsed(
        options.build(), limit == null ? OptionalLong.empty() : OptionalLong.of(limit));
  }

  private static boolean bool(Map<String, String> query, String name, List<String> problems) {
    String value = query.get(name);
    if (value == null || value.isEmpty()) {
      return false;
    }
    switch (value.toLowerCase(java.util.Locale.ROOT)) {
      case "true", "1" -> {
        return true;
      }
      case "false", "0" -> {
        return false;
      }
      default -> {
        problems.add(name + " = \"" + value + "\": must be true or false");
        return false;
      }
    }
  }

  private static Long number(
      Map<String, String> query, String name, long minimum, List<String> problems) {
    String value = query.get(name);
    if (value == null) {
      return null;
    }
    try {
      long parsed = Long.parseLong(value);
      if (parsed < minimum) {
        problems.add(name + " = " + value + ": must be >= " + minimum);
        return null;
      }
      return parsed;
    } catch (NumberFormatException e) {
      problems.add(name + " = \"" + value + "\": not an integer");
      return null;
    }
  }
}
