package dev.nodeless.provider.aci;

import dev.nodeless.PodValidationException;
import dev.nodeless.plan.PlacementPlanner;
import dev.nodeless.plan.PlacementQuote;
import dev.nodeless.plan.PlanSettings;
import dev.nodeless.plan.UnitPriceTable;
import dev.nodeless.spi.ResolvedPod;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Translates a resolved pod into an Azure Container Instances container group and prices it. No
 * network calls; the only I/O is reading a user price table named by {@code aci.priceTable}, once
 * per path. Deterministic for the same pod and settings, and safe to call from many threads.
 *
 * <p>Settings (all optional): {@code aci.region} (else the plan region), {@code aci.resourceGroup},
 * {@code aci.subnetIds} (comma-separated subnet resource IDs), {@code aci.publicIp}, {@code
 * aci.clusterId}, {@code aci.priceTable} (CSV in the {@link UnitPriceTable} format), {@code
 * aci.gpuSku}, {@code aci.defaultCpu} (cores, default 0.25), {@code aci.defaultMemoryGb} (default
 * 0.5) and {@code aci.azureFile.SECRET.accountName} / {@code .accountKey} for Azure Files volumes.
 * Pod annotations: {@code aci.nodeless.dev/public-ip}, {@code aci.nodeless.dev/dns-name-label} and
 * {@code aci.nodeless.dev/gpu-sku}.
 */
public final class AciTranslator implements PlacementPlanner {
  /** The provider name. */
  public static final String PROVIDER = "aci";

  private static final Logger LOG = LoggerFactory.getLogger(AciTranslator.class);

  private final UnitPriceTable bundledPrices;
  private final Map<Path, UnitPriceTable> loadedTables = new ConcurrentHashMap<>();

  /** A translator pricing from the table bundled with Nodeless. */
  public AciTranslator() {
    this(UnitPriceTable.bundled());
  }

  /** A translator pricing from the given table unless {@code aci.priceTable} names another. */
  public AciTranslator(UnitPriceTable prices) {
    this.bundledPrices = Objects.requireNonNull(prices, "prices");
  }

  @Override
  public String provider() {
    return PROVIDER;
  }

  @Override
  public PlacementQuote plan(ResolvedPod pod, PlanSettings settings) {
    try {
      return translate(pod, settings).toOffer();
    } catch (PodValidationException e) {
      return new PlacementQuote.Rejected(PROVIDER, e.problems());
    }
  }

  /**
   * Translates and prices the pod.
   *
   * @throws PodValidationException listing every reason ACI cannot run the pod as written
   */
  public AciTranslation translate(ResolvedPod pod, PlanSettings settings) {
    Findings findings = new Findings();
    AciSettings aci = AciSettings.read(settings, findings);
    UnitPriceTable prices = priceTable(aci, findings);

    GroupBuilder.Built built = GroupBuilder.build(pod, aci, findings);
    ResourceSizer.Sizing sizing = built.sizing();
    Optional<AciPricer.Price> price = Optional.empty();
    if (!findings.hasProblems()) {
      price =
          AciPricer.price(
              prices,
              aci.region(),
              built.windows(),
              sizing.cpu(),
              sizing.memoryGb(),
              sizing.gpus(),
              sizing.gpuSku(),
              findings);
    }
    if (findings.hasProblems() || price.isEmpty()) {
      LOG.debug("ACI cannot run pod {}: {} problems", pod.ref(), findings.problems().size());
      throw new PodValidationException(pod.ref(), PROVIDER, findings.problems());
    }

    String name = GroupNaming.groupName(pod.ref());
    AciTranslation translation =
        new AciTranslation(
            name,
            aci.resourceGroup().orElse(null),
            aci.region(),
            built.group(),
            size(sizing, built.windows()),
            price.get().hourlyUsd(),
            price.get().source(),
            findings.notes(),
            RequestJson.redacted(built.group()));
    LOG.debug("planned pod {} on ACI: {}", pod.ref(), translation);
    return translation;
  }

  private UnitPriceTable priceTable(AciSettings settings, Findings findings) {
    Optional<String> path = settings.priceTable();
    if (path.isEmpty()) {
      return bundledPrices;
    }
    try {
      return loadedTables.computeIfAbsent(Path.of(path.get()), UnitPriceTable::load);
    } catch (UncheckedIOException | IllegalArgumentException e) {
      findings.reject(
          AciSettings.PRICE_TABLE,
          path.get(),
          "the price table cannot be read: " + e.getMessage(),
          "point " + AciSettings.PRICE_TABLE + " at a readable CSV in the bundled table's format");
      return bundledPrices;
    }
  }

  private static String size(ResourceSizer.Sizing sizing, boolean windows) {
    StringBuilder size =
        new StringBuilder()
            .append(plain(sizing.cpu()))
            .append(" vCPU / ")
            .append(plain(sizing.memoryGb()))
            .append(" GB");
    if (sizing.gpus() > 0) {
      size.append(" / ").append(sizing.gpus()).append(' ').append(sizing.gpuSku()).append(" GPU");
    }
    return size.append(windows ? " Windows" : " Linux").toString();
  }

  private static String plain(BigDecimal value) {
    return value.stripTrailingZeros().toPlainString();
  }
}
