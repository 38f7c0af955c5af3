package dev.nodeless.provider.fargate;

import dev.nodeless.PodValidationException;
import dev.nodeless.ValidationProblem;
import dev.nodeless.plan.PlacementPlanner;
import dev.nodeless.plan.PlacementQuote;
import dev.nodeless.plan.PlanSettings;
import dev.nodeless.plan.ProviderRequest;
import dev.nodeless.plan.UnitPriceTable;
import dev.nodeless.spi.ResolvedPod;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Translates a resolved pod into the ECS RegisterTaskDefinition and RunTask requests that run it on
 * AWS Fargate, and prices it. Registered as the {@code fargate} {@link PlacementPlanner}.
 *
 * <p>Translation is deterministic and makes no network calls. The only I/O is reading a price table
 * named by {@code fargate.priceTable}, once per path; later calls reuse it. Thread-safe: one
 * instance may serve every thread.
 *
 * <p>The rules (what each pod field becomes, sizes, reuse of task definitions, secrets) are in
 * {@code docs/provider-fargate.md}.
 */
public final class FargateTranslator implements PlacementPlanner {
  /** The provider name. */
  public static final String PROVIDER = "fargate";

  private static final Logger LOG = LoggerFactory.getLogger(FargateTranslator.class);

  /** Cleared when exceeded, so that callers with ever-new settings cannot grow it forever. */
  private static final int MAX_CACHED_SETTINGS = 64;

  /** Settings checked once and reused: the options and the problems found in them. */
  private record ParsedSettings(FargateSettings settings, List<ValidationProblem> problems) {}

  private final Map<PlanSettings, ParsedSettings> parsedSettings = new ConcurrentHashMap<>();
  private final PriceCache defaultPrices;
  private final Map<Path, PriceCache> loadedPrices = new ConcurrentHashMap<>();

  /** Creates a translator that prices with the table bundled in nodeless-core. */
  public FargateTranslator() {
    this(UnitPriceTable.bundled());
  }

  /**
   * Creates a translator that prices with {@code prices} unless {@code fargate.priceTable} is set.
   */
  public FargateTranslator(UnitPriceTable prices) {
    this.defaultPrices = new PriceCache(Objects.requireNonNull(prices, "prices"));
  }

  @Override
  public String provider() {
    return PROVIDER;
  }

  @Override
  public PlacementQuote plan(ResolvedPod pod, PlanSettings settings) {
    TaskTranslator.Outcome outcome = run(pod, settings);
    if (outcome.translation() == null) {
      LOG.debug("pod {} rejected for Fargate: {} problems", pod.ref(), outcome.problems().size());
      return new PlacementQuote.Rejected(PROVIDER, outcome.problems());
    }
    FargateTranslation translation = outcome.translation();
    return new PlacementQuote.Offer(
        PROVIDER,
        settings.region(),
        translation.size()
            + (translation
                    .runTask()
                    .capacityProviderStrategy()
                    .get(0)
                    .capacityProvider()
                    .equals("FARGATE_SPOT")
                ? " (Fargate Spot)"
                : ""),
        translation.hourlyUsd(),
        translation.priceSource(),
        translation.notes(),
        List.of(
            new ProviderRequest(
                "RegisterTaskDefinition",
                translation.registerTaskDefinition(),
                translation.registerTaskDefinitionJson()),
            new ProviderRequest("RunTask", translation.runTask(), translation.runTaskJson())));
  }

  private static String sizeLabel(FargateTranslation translation) {
    boolean spot =
        translation.runTask().capacityProviderStrategy().stream()
            .anyMatch(item -> "FARGATE_SPOT".equals(item.capacityProvider()));
    return translation.size() + (spot ? " (Fargate Spot)" : "");
  }

  /**
   * Translates the pod.
   *
   * @throws PodValidationException listing every reason Fargate cannot run the pod, including
   *     invalid {@code fargate.*} settings
   */
  public FargateTranslation translate(ResolvedPod pod, PlanSettings settings) {
    TaskTranslator.Outcome outcome = run(pod, settings);
    if (outcome.translation() == null) {
      throw new PodValidationException(pod.ref(), PROVIDER, outcome.problems());
    }
    return outcome.translation();
  }

  private TaskTranslator.Outcome run(ResolvedPod pod, PlanSettings planSettings) {
    if (parsedSettings.size() > MAX_CACHED_SETTINGS) {
      parsedSettings.clear();
    }
    ParsedSettings parsed =
        parsedSettings.computeIfAbsent(
            planSettings,
            key -> {
              List<ValidationProblem> problems = new ArrayList<>();
              FargateSettings checked = FargateSettings.parse(key, problems);
              return new ParsedSettings(checked, List.copyOf(problems));
            });
    FargateSettings settings = parsed.settings();
    List<ValidationProblem> settingProblems = new ArrayList<>(parsed.problems());
    PriceCache prices = prices(settings, settingProblems);
    TaskTranslator.Outcome outcome;
    try {
      outcome = TaskTranslator.translate(pod, settings, prices, settingProblems);
    } catch (IllegalArgumentException e) {
      // Validation rejects malformed quantities first; this keeps the planner's contract anyway.
      LOG.debug("pod {} has a value the Fargate translator cannot read", pod.ref(), e);
      List<ValidationProblem> problems = new ArrayList<>(settingProblems);
      problems.add(
          new ValidationProblem(
              "spec", null, e.getMessage(), "correct the pod so that it passes validation"));
      return new TaskTranslator.Outcome(null, problems);
    }
    if (outcome.translation() != null) {
      LOG.debug(
          "pod {} translated for Fargate: family {}, size {}, {} USD/h",
          pod.ref(),
          outcome.translation().family(),
          outcome.translation().size(),
          outcome.translation().hourlyUsd().toPlainString());
    }
    return outcome;
  }

  private PriceCache prices(FargateSettings settings, List<ValidationProblem> problems) {
    if (settings.priceTable().isEmpty()) {
      return defaultPrices;
    }
    Path path = settings.priceTable().get();
    try {
      return loadedPrices.computeIfAbsent(path, file -> new PriceCache(UnitPriceTable.load(file)));
    } catch (RuntimeException e) {
      LOG.debug("cannot read the Fargate price table {}", path, e);
      problems.add(
          new ValidationProblem(
              FargateSettings.PRICE_TABLE,
              path.toString(),
              "cannot be read as a price table: " + e.getMessage(),
              "point it at a readable CSV with the columns of the bundled"
                  + " serverless-container-prices.csv"));
      return defaultPrices;
    }
  }
}
