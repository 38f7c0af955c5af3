package dev.nodeless.provider.fargate;

import dev.nodeless.plan.UnitPriceTable;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fargate prices looked up in one table, kept per region, platform and capacity type, because the
 * lookup scans the table and a translator plans many pods with the same few keys. Thread-safe.
 */
final class PriceCache {
  /** Cleared when exceeded, so that callers cycling through many regions cannot grow it forever. */
  private static final int MAX_ENTRIES = 256;

  private record Key(String region, Platform platform, boolean spot) {}

  private final UnitPriceTable table;
  private final Map<Key, Optional<FargatePricing>> lookups = new ConcurrentHashMap<>();

  PriceCache(UnitPriceTable table) {
    this.table = table;
  }

  UnitPriceTable table() {
    return table;
  }

  /** Looks up the prices as {@link FargatePricing#lookUp} does, once per key. */
  Optional<FargatePricing> lookUp(String region, Platform platform, boolean spot) {
    if (lookups.size() > MAX_ENTRIES) {
      lookups.clear();
    }
    return lookups.computeIfAbsent(
        new Key(region, platform, spot),
        key -> FargatePricing.lookUp(table, key.region(), key.platform(), key.spot()));
  }
}
