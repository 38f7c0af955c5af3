package dev.nodeless.plan;

import dev.nodeless.ValidationProblem;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * Picks the cheapest admissible provider for a pod and says why each other provider was passed
 * over. Ties on price go to the provider listed first. Stateless and thread-safe.
 */
public final class PlacementChooser {

  /**
   * The outcome for one pod.
   *
   * @param quotes every provider's quote, in the order the planners were given
   * @param chosen the cheapest offer, empty when every provider rejected the pod
   * @param passedOver for every provider not chosen, why
   */
  public record Decision(
      List<PlacementQuote> quotes,
      Optional<PlacementQuote.Offer> chosen,
      Map<String, String> passedOver) {
    public Decision {
      quotes = List.copyOf(quotes);
      passedOver = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(passedOver));
    }
  }

  private final List<PlacementPlanner> planners;

  public PlacementChooser(List<PlacementPlanner> planners) {
    this.planners = List.copyOf(planners);
  }

  /** A chooser over every planner on the class path, ordered by provider name. */
  public static PlacementChooser discover() {
    List<PlacementPlanner> found = new ArrayList<>();
    ServiceLoader.load(PlacementPlanner.class).forEach(found::add);
    found.sort(Comparator.comparing(PlacementPlanner::provider));
    return new PlacementChooser(found);
  }

  public List<PlacementPlanner> planners() {
    return planners;
  }

  /** Plans the pod on every planner and picks the cheapest offer. */
  public Decision choose(dev.nodeless.spi.ResolvedPod pod, PlanSettings settings) {
    List<PlacementQuote> quotes = new ArrayList<>();
    for (PlacementPlanner planner : planners) {
      quotes.add(planner.plan(pod, settings));
    }
    return decide(quotes);
  }

  /** Picks the cheapest offer among quotes already made. */
  public static Decision decide(List<PlacementQuote> quotes) {
    PlacementQuote.Offer cheapest = null;
    for (PlacementQuote quote : quotes) {
      if (quote instanceof PlacementQuote.Offer offer
          && (cheapest == null || offer.hourlyUsd().compareTo(cheapest.hourlyUsd()) < 0)) {
        cheapest = offer;
      }
    }
    Map<String, String> passedOver = new LinkedHashMap<>();
    for (PlacementQuote quote : quotes) {
      if (quote == cheapest) {
        continue;
      }
      if (quote instanceof PlacementQuote.Rejected rejected) {
        passedOver.put(
            rejected.provider(),
            "rejected: "
                + rejected.problems().stream()
                    .map(ValidationProblem::describe)
                    .collect(Collectors.joining("; ")));
      } else if (quote instanceof PlacementQuote.Offer offer) {
        BigDecimal extra = offer.hourlyUsd().subtract(cheapest.hourlyUsd());
        passedOver.put(
            offer.provider(),
            "costs "
                + offer.hourlyUsd().toPlainString()
                + " USD/h, "
                + extra.toPlainString()
                + " USD/h more than "
                + cheapest.provider()
                + " ("
                + cheapest.size()
                + ")");
      }
    }
    return new Decision(quotes, Optional.ofNullable(cheapest), passedOver);
  }
}
