package dev.nodeless.plan;

import java.time.LocalDate;
import java.util.Objects;

/**
 * Where a price came from.
 *
 * @param description the table or page, such as {@code karpenter-provider-aws generated price
 *     table, us-east-1}
 * @param asOf the date the prices were published or collected
 * @param stale whether the table is known to be out of date and used only as a fallback
 */
public record PriceSource(String description, LocalDate asOf, boolean stale) {
  public PriceSource {
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(asOf, "asOf");
  }
}
