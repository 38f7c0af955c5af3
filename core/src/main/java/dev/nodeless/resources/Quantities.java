package dev.nodeless.resources;

import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Exact conversion of Kubernetes quantities, with a clear error for malformed ones.
 *
 * <p>The grammar is the one of the Kubernetes {@code resource.Quantity} type: an optional sign, a
 * decimal number, and at most one suffix, which is a binary SI suffix ({@code Ki Mi Gi Ti Pi Ei}),
 * a decimal SI suffix ({@code n u m k M G T P E}) or a decimal exponent ({@code e3}, {@code E-2}).
 * Like Kubernetes, amounts finer than 1n are rounded up to the next nano unit. This class parses
 * the text itself because fabric8's {@code Quantity.getNumericalAmount()} accepts text that
 * Kubernetes rejects, such as {@code 1m5}, and loses precision on large binary suffixes.
 */
public final class Quantities {

  private static final Pattern GRAMMAR =
      Pattern.compile(
          "([+-]?)([0-9]*)(?:\\.([0-9]*))?(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE]([+-]?[0-9]+))?");

  /** Largest decimal exponent accepted; {@code 1e18} already exceeds every real resource. */
  private static final int MAX_EXPONENT = 30;

  private static final int NANO_SCALE = 9;

  private static final Map<String, BigDecimal> SUFFIXES =
      Map.ofEntries(
          Map.entry("", BigDecimal.ONE),
          Map.entry("n", BigDecimal.ONE.movePointLeft(9)),
          Map.entry("u", BigDecimal.ONE.movePointLeft(6)),
          Map.entry("m", BigDecimal.ONE.movePointLeft(3)),
          Map.entry("k", BigDecimal.ONE.movePointRight(3)),
          Map.entry("M", BigDecimal.ONE.movePointRight(6)),
          Map.entry("G", BigDecimal.ONE.movePointRight(9)),
          Map.entry("T", BigDecimal.ONE.movePointRight(12)),
          Map.entry("P", BigDecimal.ONE.movePointRight(15)),
          Map.entry("E", BigDecimal.ONE.movePointRight(18)),
          Map.entry("Ki", BigDecimal.valueOf(1L << 10)),
          Map.entry("Mi", BigDecimal.valueOf(1L << 20)),
          Map.entry("Gi", BigDecimal.valueOf(1L << 30)),
          Map.entry("Ti", BigDecimal.valueOf(1L << 40)),
          Map.entry("Pi", BigDecimal.valueOf(1L << 50)),
          Map.entry("Ei", BigDecimal.valueOf(1L << 60)));

  private Quantities() {}

  /**
   * Converts a quantity to an exact decimal in base units: cores for CPU, bytes for memory.
   *
   * @throws IllegalArgumentException when the quantity is not in Kubernetes notation
   */
  public static BigDecimal toDecimal(Quantity quantity) {
    if (quantity == null || quantity.getAmount() == null) {
      throw new IllegalArgumentException("quantity is empty");
    }
    String format = quantity.getFormat() == null ? "" : quantity.getFormat();
    return parse(quantity.getAmount() + format);
  }

  /**
   * Parses a quantity written as text, such as {@code 512Mi}.
   *
   * @throws IllegalArgumentException when the text is not in Kubernetes notation
   */
  public static BigDecimal parse(String text) {
    if (text == null || text.isEmpty()) {
      throw new IllegalArgumentException("quantity is empty");
    }
    Matcher matcher = GRAMMAR.matcher(text);
    String whole = matcher.matches() ? matcher.group(2) : "";
    String fraction = matcher.matches() && matcher.group(3) != null ? matcher.group(3) : "";
    if (!matcher.matches() || (whole.isEmpty() && fraction.isEmpty())) {
      throw invalid(text);
    }
    BigDecimal number =
        new BigDecimal(
            (whole.isEmpty() ? "0" : whole) + (fraction.isEmpty() ? "" : "." + fraction));
    if ("-".equals(matcher.group(1))) {
      number = number.negate();
    }

    String suffix = matcher.group(4) == null ? "" : matcher.group(4);
    BigDecimal value;
    if (matcher.group(5) != null) {
      int exponent;
      try {
        exponent = Integer.parseInt(matcher.group(5));
      } catch (NumberFormatException e) {
        throw invalid(text);
      }
      if (Math.abs(exponent) > MAX_EXPONENT) {
        throw new IllegalArgumentException(
            "\"" + text + "\" is out of range: use an exponent between -30 and 30");
      }
      value = number.scaleByPowerOfTen(exponent);
    } else {
      value = number.multiply(SUFFIXES.get(suffix));
    }

    if (value.scale() > NANO_SCALE) {
      value = value.setScale(NANO_SCALE, RoundingMode.CEILING);
    }
    return value.signum() == 0 ? BigDecimal.ZERO : value.stripTrailingZeros();
  }

  private static IllegalArgumentException invalid(String text) {
    return new IllegalArgumentException(
        "\"" + text + "\" is not a Kubernetes quantity (examples: 100m, 0.5, 1Gi, 1G, 1e9)");
  }
}
