package dev.nodeless.provider.aci;

import dev.nodeless.plan.PriceSource;
import dev.nodeless.plan.UnitPriceTable;
import dev.nodeless.plan.UnitPriceTable.UnitPrice;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Prices a container group from unit prices: vCPU-hours and GB-hours of the group's total request,
 * plus the Windows software meter per vCPU for Windows groups, plus a per-GPU-hour row ({@code
 * gpu-k80}, {@code gpu-p100} or {@code gpu-v100}) for GPU groups. A region without rows is priced
 * from {@code eastus} and the price is marked stale.
 */
final class AciPricer {
  static final String SERVICE = "container-instances";
  static final String FALLBACK_REGION = "eastus";
  static final String ARCH = "x86_64";
  private static final BigDecimal SECONDS_PER_HOUR = BigDecimal.valueOf(3600);
  private static final Pattern DATE = Pattern.compile("(\\d{4})-(\\d{2})(?:-(\\d{2}))?");

  /**
   * A group's price.
   *
   * @param hourlyUsd the price per hour in USD
   * @param source where the unit prices came from
   */
  record Price(BigDecimal hourlyUsd, PriceSource source) {}

  private AciPricer() {}

  static Optional<Price> price(
      UnitPriceTable table,
      String region,
      boolean windows,
      BigDecimal cpu,
      BigDecimal memoryGb,
      int gpus,
      String gpuSku,
      Findings findings) {
    String os = windows ? "windows" : "linux";
    String priced = region;
    Optional<UnitPrice> vcpu = duration(table, region, os, "vcpu");
    Optional<UnitPrice> memory = duration(table, region, os, "memory");
    if (vcpu.isEmpty() || memory.isEmpty()) {
      priced = FALLBACK_REGION;
      vcpu = duration(table, priced, os, "vcpu");
      memory = duration(table, priced, os, "memory");
      if (vcpu.isEmpty() || memory.isEmpty()) {
        findings.reject(
            AciSettings.PRICE_TABLE,
            table.origin(),
            "the price table has no container-instances vcpu and memory rows for "
                + region
                + " or "
                + FALLBACK_REGION,
            "add those rows to the table named by " + AciSettings.PRICE_TABLE);
        return Optional.empty();
      }
      findings.note(
          "no ACI prices for "
              + region
              + " in "
              + table.origin()
              + "; "
              + FALLBACK_REGION
              + " prices are used as an estimate");
    }
    List<UnitPrice> used = new ArrayList<>(List.of(vcpu.get(), memory.get()));
    BigDecimal hourly =
        hourly(vcpu.get()).multiply(cpu).add(hourly(memory.get()).multiply(memoryGb));

    if (windows) {
      Optional<UnitPrice> software = table.find(SERVICE, priced, os, ARCH, "windows-software");
      if (software.isEmpty()) {
        software = table.find(SERVICE, "any", os, ARCH, "windows-software");
      }
      if (software.isEmpty()) {
        findings.reject(
            AciSettings.PRICE_TABLE,
            table.origin(),
            "the price table has no container-instances windows-software row",
            "add a windows-software row (per vCPU-second or per vCPU-hour)");
        return Optional.empty();
      }
      used.add(software.get());
      hourly = hourly.add(hourly(software.get()).multiply(cpu));
    }
    if (gpus > 0) {
      String dimension = "gpu-" + gpuSku.toLowerCase(Locale.ROOT);
      Optional<UnitPrice> gpu = table.find(SERVICE, priced, os, ARCH, dimension);
      if (gpu.isEmpty()) {
        findings.reject(
            AciSettings.PRICE_TABLE,
            table.origin(),
            "the price table has no container-instances " + dimension + " row for " + priced,
            "add a " + dimension + " row with the price per GPU-hour, or run the pod elsewhere");
        return Optional.empty();
      }
      used.add(gpu.get());
      hourly = hourly.add(hourly(gpu.get()).multiply(BigDecimal.valueOf(gpus)));
    }
    return Optional.of(
        new Price(
            hourly.stripTrailingZeros(), source(table, priced, os, used, !priced.equals(region))));
  }

  /**
   * Finds a vCPU or memory duration row. Windows groups use the Linux row when the table has no
   * Windows one, because ACI bills both on the same duration meters and adds the software meter.
   */
  private static Optional<UnitPrice> duration(
      UnitPriceTable table, String region, String os, String dimension) {
    Optional<UnitPrice> price = table.find(SERVICE, region, os, ARCH, dimension);
    return price.isPresent() || os.equals("linux")
        ? price
        : table.find(SERVICE, region, "linux", ARCH, dimension);
  }

  /** The price per hour of one unit, converting per-second rows. */
  private static BigDecimal hourly(UnitPrice price) {
    String unit = price.unit().toLowerCase(Locale.ROOT);
    return unit.contains("second") ? price.priceUsd().multiply(SECONDS_PER_HOUR) : price.priceUsd();
  }

  private static PriceSource source(
      UnitPriceTable table, String region, String os, List<UnitPrice> used, boolean fallback) {
    LocalDate asOf = null;
    Set<String> sources = new LinkedHashSet<>();
    for (UnitPrice price : used) {
      sources.add(price.source());
      LocalDate date = date(price.sourceDate());
      if (date != null && (asOf == null || date.isBefore(asOf))) {
        asOf = date;
      }
    }
    String description =
        table.origin()
            + ", container-instances "
            + region
            + " "
            + os
            + (fallback ? " (fallback region)" : "")
            + ": "
            + String.join(" | ", sources);
    // NOTE: undated rows get the epoch date, which marks them as of unknown age.
    return new PriceSource(description, asOf == null ? LocalDate.EPOCH : asOf, fallback);
  }

  /** The first yyyy-mm(-dd) date in a free-text date cell, or {@code null}. */
  static LocalDate date(String text) {
    Matcher matcher = DATE.matcher(text == null ? "" : text);
    if (!matcher.find()) {
      return null;
    }
    int year = Integer.parseInt(matcher.group(1));
    int month = Integer.parseInt(matcher.group(2));
    int day = matcher.group(3) == null ? 1 : Integer.parseInt(matcher.group(3));
    try {
      return LocalDate.of(year, month, day);
    } catch (java.time.DateTimeException e) {
      return null;
    }
  }
}
