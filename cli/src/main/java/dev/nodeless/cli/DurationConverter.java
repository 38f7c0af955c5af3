package dev.nodeless.cli;

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

  @Override
  public Duration convert(String value) {
    Duration parsed = parse(value.trim());
    if (parsed.isNegative()) {
      throw new TypeConversionException("'" + value + "' is negative; give a duration >= 0");
    }
    return parsed;
  }

  private static Duration parse(String value) {
    if (value.matches("\\d+")) {
      return Duration.ofSeconds(Long.parseLong(value));
    }
    if (value.startsWith("P") || value.startsWith("-P")) {
      try {
        return Duration.parse(value);
      } catch (DateTimeParseException e) {
        throw invalid(value);
      }
    }
    if (!WHOLE.matcher(value).matches()) {
      throw invalid(value);
    }
    Duration total = Duration.ZERO;
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
      total = total.plusMillis(amount.multiply(millisPerUnit).longValue());
    }
    return total;
  }

  private static TypeConversionException invalid(String value) {
    return new TypeConversionException(
        "'" + value + "' is not a duration; write it like 30s, 1m30s, 2h, 500ms or 45 (seconds)");
  }
}
