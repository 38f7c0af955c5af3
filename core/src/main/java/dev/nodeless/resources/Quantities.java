package dev.nodeless.resources;

import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;

/** Exact conversion of Kubernetes quantities, with a clear error for malformed ones. */
public final class Quantities {

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
    try {
      return quantity.getNumericalAmount().stripTrailingZeros();
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "\"" + quantity + "\" is not a Kubernetes quantity (examples: 100m, 0.5, 1Gi, 1G, 1e9)",
          e);
    }
  }

  /** Parses a quantity written as text, such as {@code 512Mi}. */
  public static BigDecimal parse(String text) {
    return toDecimal(new Quantity(text));
  }
}
