package dev.nodeless.testing;

import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.util.Objects;

/**
 * A quantity as written in a manifest and its exact value in base units (cores or bytes).
 *
 * @param text the manifest notation, such as {@code 1.5Gi}, {@code 250m} or {@code 1e9}
 * @param value the exact amount, such as {@code 1610612736}, {@code 0.25} or {@code 1000000000}
 */
public record QuantityCase(String text, BigDecimal value) {

  public QuantityCase {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(value, "value");
  }

  public Quantity quantity() {
    return new Quantity(text);
  }

  @Override
  public String toString() {
    return text + " (= " + value.toPlainString() + ")";
  }
}
