package dev.nodeless.cli;

import dev.nodeless.PodLauncher;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads a duration as kubectl does ({@code 90s}, {@code 1m30s}, {@code 2h}, {@code 500ms}), as a
 * plain number of seconds ({@code 30}), or in ISO-8601 ({@code PT30S}). Negative values are
 * rejected.
 */
final class DurationConverter implements ITypeConverter<Duration> {
  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|h|m|s)");
  private static final Pattern WHOLE = Pattern.compile("(?:\\d+(?:\\.\\d+)?(?:ms|h|m|s))+");

  /** The maximum duration: 100 years, the maximum grace period that takes effect. */
  static final Duration MAX = PodLauncher.MAX_GRACE_PERIOD;

  @Override
  public Duration convert(String value) {
    String trimmed = value.trim();
    if (trimmed.startsWith("-")) {
      throw new TypeConversionException("'" + value + "' is negative; give a duration >= 0");
    }
    Duration parsed = parse(trimmed);
    if (parsed.isNegative()) {
      throw new TypeConversionException("'" + value + "' is negative; give a duration >= 0");
    }
    if (parsed.compareTo(MAX) > 0) {
      throw tooLong(value);
    }
    return parsed;
  }

  private static Duration parse(String value) {
    if (value.matches("\\d+")) {
      BigDecimal seconds = new BigDecimal(value);
      if (seconds.compareTo(BigDecimal.valueOf(MAX.toSeconds())) > 0) {
        throw tooLong(value);
      }
      return Duration.ofSeconds(seconds.longValueExact());
    }
    if (value.startsWith("P")) {
      try {
        return Duration.parse(value);
      } catch (DateTimeParseException e) {
        throw invalid(value);
      }
    }
    if (!WHOLE.matcher(value).matches()) {
      throw invalid(value);
    }
    BigDecimal limit = BigDecimal.valueOf(MAX.toMillis());
    BigDecimal totalMillis = BigDecimal.ZERO;
    Matcher part = PART.matcher(value);
    while (part.find()) {
      BigDecimal amount = new BigDecimal(part.group(1));
      BigDecimal millisPerUnit =
          switch (part.group(2)) {
            case "h" -> BigDecimal.valueOf(3_600_000);
            case "m" -> BigDecimal.valueOf(60_000);
            case "s" -> BigDecimal.valueOf(1_000);
            default -> BigDecimal.ONE;
          };
      totalMillis = totalMillis.add(amount.multiply(millisPerUnit));
      if (totalMillis.compareTo(limit) > 0) {
        throw tooLong(value);
      }
    }
    return Duration.ofMillis(totalMillis.longValue());
  }

  private static TypeConversionException tooLong(String value) {
    return new TypeConversionException(
        "'" + value + "' is longer than 100 years (876000h), the longest duration accepted");
  }

  private static TypeConversionException invalid(String value) {
    return new TypeConversionException(
        "'" + value + "' is not a duration; write it like 30s, 1m30s, 2h, 500ms or 45 (seconds)");
  }
}
