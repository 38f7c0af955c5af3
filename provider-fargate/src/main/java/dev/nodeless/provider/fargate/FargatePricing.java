package dev.nodeless.provider.fargate;

import dev.nodeless.plan.PriceSource;
import dev.nodeless.plan.UnitPriceTable;
import dev.nodeless.plan.UnitPriceTable.UnitPrice;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fargate unit prices for one region, operating system, architecture and capacity type, looked up
 * in a {@link UnitPriceTable}, and the hourly price of a task size.
 *
 * <p>Fallbacks, each reported in {@link #notes()} and marking the source stale: a region missing
 * from the table is priced with us-east-1; Spot without a Spot row for the region is priced at the
 * on-demand price, its upper bound; a Windows task without a licence row is priced without the fee.
 */
final class FargatePricing {
  static final String FALLBACK_REGION = "us-east-1";
  private static final BigDecimal MIB_PER_GB = BigDecimal.valueOf(1024);
  private static final BigDecimal UNITS_PER_VCPU = BigDecimal.valueOf(1024);
  private static final int INCLUDED_STORAGE_GIB = 20;
  private static final Pattern DATE = Pattern.compile("(\\d{4})-(\\d{2})(?:-(\\d{2}))?");

  private final BigDecimal vcpuHour;
  private final BigDecimal gbHour;
  private final BigDecimal storageGbHour;
  private final BigDecimal licenceVcpuHour;
  private final PriceSource source;
  private final List<String> notes;
  private final Map<TaskSize, BigDecimal> taskPrices = new HashMap<>();
  private final List<TaskSize> byPrice;

  private FargatePricing(
      BigDecimal vcpuHour,
      BigDecimal gbHour,
      BigDecimal storageGbHour,
      BigDecimal licenceVcpuHour,
      PriceSource source,
      List<String> notes) {
    this.vcpuHour = vcpuHour;
    this.gbHour = gbHour;
    this.storageGbHour = storageGbHour;
    this.licenceVcpuHour = licenceVcpuHour;
    this.source = source;
    this.notes = List.copyOf(notes);
    // Sizing compares the prices of every valid size, so they are computed once here.
    List<TaskSize> sizes = new ArrayList<>();
    for (TaskSizes.Row row : TaskSizes.rows()) {
      taskPrices.put(row.size(), computeHourly(row.size()));
      sizes.add(row.size());
    }
    Comparator<TaskSize> byHourlyPrice = Comparator.comparing(taskPrices::get);
    sizes.sort(
        byHourlyPrice.thenComparingInt(TaskSize::cpuUnits).thenComparingInt(TaskSize::memoryMiB));
    this.byPrice = List.copyOf(sizes);
  }

  /** Returns every valid size, cheapest first; ties go to fewer CPU units, then less memory. */
  List<TaskSize> sizesByPrice() {
    return byPrice;
  }

  /**
   * Looks up the unit prices, or returns empty when the table has no Fargate vCPU and memory price
   * for this operating system and architecture in the region or in us-east-1.
   */
  static Optional<FargatePricing> lookUp(
      UnitPriceTable table, String region, Platform platform, boolean spot) {
    List<String> notes = new ArrayList<>();
    List<UnitPrice> used = new ArrayList<>();
    boolean stale = false;

    String service = "fargate";
    String priceRegion = region;
    if (spot) {
      if (hasCompute(table, "fargate-spot", region, platform)) {
        service = "fargate-spot";
      } else {
        notes.add(
            "no Fargate Spot price for "
                + region
                + " in "
                + table.origin()
                + ": priced at the on-demand price, the most Spot can cost");
        stale = true;
      }
    }
    if (!hasCompute(table, service, priceRegion, platform)) {
      if (!hasCompute(table, service, FALLBACK_REGION, platform)) {
        return Optional.empty();
      }
      notes.add(
          "no Fargate price for "
              + region
              + " in "
              + table.origin()
              + ": priced with "
              + FALLBACK_REGION
              + " prices, an estimate");
      priceRegion = FALLBACK_REGION;
      stale = true;
    }
    UnitPrice vcpu = table.find(service, priceRegion, platform.os(), platform.arch(), "vcpu").get();
    UnitPrice memory =
        table.find(service, priceRegion, platform.os(), platform.arch(), "memory").get();
    used.add(vcpu);
    used.add(memory);

    BigDecimal storage = BigDecimal.ZERO;
    Optional<UnitPrice> storageRow =
        find(table, List.of(service, "fargate"), priceRegion, platform, "ephemeral-storage");
    if (storageRow.isPresent()) {
      storage = storageRow.get().priceUsd();
      used.add(storageRow.get());
    }

    BigDecimal licence = BigDecimal.ZERO;
    if (platform.windows()) {
      Optional<UnitPrice> licenceRow =
          find(table, List.of(service, "fargate"), priceRegion, platform, "windows-software");
      if (licenceRow.isPresent()) {
        licence = licenceRow.get().priceUsd();
        used.add(licenceRow.get());
      } else {
        notes.add(
            "no Windows licence fee for Fargate in "
                + table.origin()
                + ": the price leaves it out");
        stale = true;
      }
    }
    for (UnitPrice price : used) {
      if (price.notes().startsWith("EXAMPLE")) {
        notes.add(
            "the "
                + price.service()
                + " "
                + price.dimension()
                + " price for "
                + price.region()
                + " is an example, not a current price");
        stale = true;
      }
    }
    return Optional.of(
        new FargatePricing(
            vcpu.priceUsd(),
            memory.priceUsd(),
            storage,
            licence,
            source(table, used, stale),
            notes));
  }

  /** Returns the hourly price of a task of this size with this much ephemeral storage. */
  BigDecimal hourly(TaskSize size, int ephemeralStorageGib) {
    BigDecimal total = taskPrices.get(size);
    if (total == null) {
      total = computeHourly(size);
    }
    int billedStorage = Math.max(0, ephemeralStorageGib - INCLUDED_STORAGE_GIB);
    if (billedStorage == 0) {
      return total;
    }
    return total
        .add(storageGbHour.multiply(BigDecimal.valueOf(billedStorage)))
        .stripTrailingZeros();
  }

  private BigDecimal computeHourly(TaskSize size) {
    BigDecimal vcpu = BigDecimal.valueOf(size.cpuUnits()).divide(UNITS_PER_VCPU);
    BigDecimal gb = BigDecimal.valueOf(size.memoryMiB()).divide(MIB_PER_GB);
    return vcpu.multiply(vcpuHour.add(licenceVcpuHour))
        .add(gb.multiply(gbHour))
        .stripTrailingZeros();
  }

  PriceSource source() {
    return source;
  }

  /** Fallbacks taken while looking up the prices. */
  List<String> notes() {
    return notes;
  }

  private static boolean hasCompute(
      UnitPriceTable table, String service, String region, Platform platform) {
    return table.find(service, region, platform.os(), platform.arch(), "vcpu").isPresent()
        && table.find(service, region, platform.os(), platform.arch(), "memory").isPresent();
  }

  private static Optional<UnitPrice> find(
      UnitPriceTable table,
      List<String> services,
      String region,
      Platform platform,
      String dimension) {
    for (String service : new LinkedHashSet<>(services)) {
      for (String candidate : new LinkedHashSet<>(List.of(region, FALLBACK_REGION))) {
        Optional<UnitPrice> row =
            table.find(service, candidate, platform.os(), platform.arch(), dimension);
        if (row.isPresent()) {
          return row;
        }
      }
    }
    return Optional.empty();
  }

  /** Names the table and row sources; dated by the oldest row, stale when a fallback was taken. */
  private static PriceSource source(UnitPriceTable table, List<UnitPrice> used, boolean stale) {
    Set<String> sources = new LinkedHashSet<>();
    LocalDate oldest = null;
    for (UnitPrice price : used) {
      sources.add(price.source().trim());
      LocalDate date = date(price.sourceDate());
      if (date == null) {
        date = date(price.source());
      }
      if (date != null && (oldest == null || date.isBefore(oldest))) {
        oldest = date;
      }
    }
    if (oldest == null) {
      oldest = LocalDate.EPOCH;
      stale = true;
    }
    String description = table.origin() + " (" + String.join("; ", sources) + ")";
    return new PriceSource(description, oldest, stale);
  }

  private static LocalDate date(String text) {
    Matcher matcher = DATE.matcher(text);
    if (!matcher.find()) {
      return null;
    }
    int day = matcher.group(3) == null ? 1 : Integer.parseInt(matcher.group(3));
    return LocalDate.of(
        Integer.parseInt(matcher.group(1)), Integer.parseInt(matcher.group(2)), day);
  }
}
