package dev.nodeless.plan;

import dev.nodeless.ValidationProblem;
import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;

/** What one provider would do with a pod: an offer with a price, or a rejection with reasons. */
public sealed interface PlacementQuote permits PlacementQuote.Offer, PlacementQuote.Rejected {

  /** Provider name, such as {@code ec2}, {@code fargate} or {@code aci}. */
  String provider();

  /**
   * A translation that fits.
   *
   * @param provider the provider name
   * @param region the region priced
   * @param size the chosen size, such as {@code m7g.large} or {@code 0.5 vCPU / 1 GB}
   * @param hourlyUsd the estimated on-demand (or spot, when asked) price per hour in USD
   * @param priceSource where the price came from
   * @param notes rounding and selection notes a user should read, such as "memory rounded up from
   *     1.2 GB to 2 GB"
   * @param requests the SDK requests the provider would send, in order
   */
  record Offer(
      String provider,
      String region,
      String size,
      BigDecimal hourlyUsd,
      PriceSource priceSource,
      List<String> notes,
      List<ProviderRequest> requests)
      implements PlacementQuote {

    /** Hours in an average month (730 = 8760 / 12), the convention of cloud price pages. */
    public static final BigDecimal HOURS_PER_MONTH = BigDecimal.valueOf(730);

    public Offer {
      Objects.requireNonNull(provider, "provider");
      Objects.requireNonNull(size, "size");
      Objects.requireNonNull(hourlyUsd, "hourlyUsd");
      Objects.requireNonNull(priceSource, "priceSource");
      notes = List.copyOf(notes);
      requests = List.copyOf(requests);
    }

    public BigDecimal monthlyUsd() {
      return hourlyUsd.multiply(HOURS_PER_MONTH);
    }
  }

  /**
   * A pod this provider cannot run, with every reason.
   *
   * @param provider the provider name
   * @param problems each reason, with the field path that causes it
   */
  record Rejected(String provider, List<ValidationProblem> problems) implements PlacementQuote {
    public Rejected {
      Objects.requireNonNull(provider, "provider");
      problems = List.copyOf(problems);
    }
  }
}
