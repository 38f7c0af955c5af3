package dev.nodeless.provider.ec2.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nodeless.plan.PriceSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;

/**
 * Instance types with their on-demand Linux prices, per region. Three sources exist: the bundled
 * current table ({@link #current()}, us-east-1 and the two GovCloud regions, prices of July 2026),
 * the bundled stale table ({@link #stale()}, 20 regions, prices of December 2020) and a table the
 * user loads ({@link #load(Path)}). Immutable and thread-safe.
 */
public final class InstanceCatalog {
  static final String CURRENT_RESOURCE = "ec2-instance-types-prices.csv";
  static final String STALE_RESOURCE = "kip-aws-instance-data.json";

  private static final PriceSource CURRENT_SOURCE =
      new PriceSource(
          "karpenter-provider-aws generated on-demand Linux price table (bundled "
              + CURRENT_RESOURCE
              + ")",
          LocalDate.of(2026, 7, 20),
          false);
  private static final PriceSource STALE_SOURCE =
      new PriceSource(
          "elotl/kip instance data, December 2020 (bundled "
              + STALE_RESOURCE
              + "); stale, used only for regions without a current table",
          LocalDate.of(2020, 12, 18),
          true);

  /**
   * The instance types of one region, sorted by name, and where their prices came from. Equality is
   * identity: each table read makes its own regions.
   */
  public static final class Region {
    private final String name;
    private final List<InstanceType> types;
    private final Map<String, InstanceType> byName;
    private final PriceSource source;
    private final Map<OverheadModel, InstanceSelector.Prepared> prepared =
        new java.util.concurrent.ConcurrentHashMap<>();

    Region(String name, List<InstanceType> types, PriceSource source) {
      this.name = name;
      this.types = types.stream().sorted(Comparator.comparing(InstanceType::name)).toList();
      Map<String, InstanceType> byName = new LinkedHashMap<>();
      this.types.forEach(type -> byName.put(type.name(), type));
      this.byName = Map.copyOf(byName);
      this.source = source;
    }

    public String name() {
      return name;
    }

    public List<InstanceType> types() {
      return types;
    }

    public PriceSource source() {
      return source;
    }

    public Optional<InstanceType> find(String instanceType) {
      return Optional.ofNullable(byName.get(instanceType));
    }

    /**
     * The types ordered by price with their capacity under an overhead model, computed once per
     * model and kept with this region.
     */
    public InstanceSelector.Prepared prepared(OverheadModel overhead) {
      return prepared.computeIfAbsent(
          overhead, model -> InstanceSelector.Prepared.of(types, model));
    }

    @Override
    public String toString() {
      return "Region{" + name + ", " + types.size() + " types, " + source.description() + "}";
    }
  }

  private static final class Holder {
    static final InstanceCatalog CURRENT = readCurrent();
    static final InstanceCatalog STALE = readStale();
  }

  private final Map<String, Region> regions;

  private InstanceCatalog(Map<String, Region> regions) {
    this.regions = regions;
  }

  /** Returns the bundled table of July 2026 for us-east-1, us-gov-east-1 and us-gov-west-1. */
  public static InstanceCatalog current() {
    return Holder.CURRENT;
  }

  /**
   * The bundled table of December 2020 for 20 commercial regions, with {@link PriceSource#stale()}
   * set. It lacks every family launched after 2020 (Graviton among them). Specs come from the
   * current tables, so rows for the types they do not list ({@code cc2.8xlarge}, {@code
   * cr1.8xlarge}, {@code g2.*}, {@code hs1.8xlarge}) are left out.
   */
  public static InstanceCatalog stale() {
    return Holder.STALE;
  }

  /**
   * Reads a user price table: a CSV with a header and at least the columns {@code
   * region,instance_type,price_usd_per_hour}. The columns {@code vcpu,memory_mib,arch,gpus} may be
   * given for types the bundled tables do not know; otherwise the bundled specs are used.
   *
   * @throws IllegalArgumentException naming the file and line of a bad row
   * @throws UncheckedIOException when the file cannot be read
   */
  public static InstanceCatalog load(Path csv) {
    LocalDate modified;
    List<CsvTable.Row> rows;
    try (InputStream in = Files.newInputStream(csv)) {
      modified = LocalDate.ofInstant(Files.getLastModifiedTime(csv).toInstant(), ZoneOffset.UTC);
      rows =
          CsvTable.read(
              in, csv.toString(), List.of("region", "instance_type", "price_usd_per_hour"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read price table " + csv + ": " + e.getMessage(), e);
    }
    PriceSource source = new PriceSource("price table " + csv, modified, false);
    Map<String, List<InstanceType>> byRegion = new TreeMap<>();
    for (CsvTable.Row row : rows) {
      byRegion.computeIfAbsent(row.text("region"), region -> new ArrayList<>()).add(userRow(row));
    }
    return of(byRegion, source);
  }

  /**
   * Reads a spot price table: a CSV with the columns {@code
   * region,instance_type,price_usd_per_hour}. Returns region to instance type to price.
   */
  public static Map<String, Map<String, BigDecimal>> loadSpotPrices(Path csv) {
    List<CsvTable.Row> rows;
    try (InputStream in = Files.newInputStream(csv)) {
      rows =
          CsvTable.read(
              in, csv.toString(), List.of("region", "instance_type", "price_usd_per_hour"));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read spot price table " + csv + ": " + e.getMessage(), e);
    }
    Map<String, Map<String, BigDecimal>> prices = new TreeMap<>();
    for (CsvTable.Row row : rows) {
      BigDecimal price = row.decimal("price_usd_per_hour");
      if (price.signum() <= 0) {
        throw row.invalid("price_usd_per_hour", "must be above 0, found " + price);
      }
      prices
          .computeIfAbsent(row.text("region"), region -> new TreeMap<>())
          .put(row.text("instance_type"), price);
    }
    return prices;
  }

  public Optional<Region> region(String name) {
    return Optional.ofNullable(regions.get(name));
  }

  public Set<String> regionNames() {
    return regions.keySet();
  }

  private static InstanceCatalog of(Map<String, List<InstanceType>> byRegion, PriceSource source) {
    Map<String, Region> regions = new LinkedHashMap<>();
    byRegion.forEach((name, types) -> regions.put(name, new Region(name, types, source)));
    return new InstanceCatalog(Map.copyOf(regions));
  }

  private static InstanceType userRow(CsvTable.Row row) {
    String name = row.text("instance_type");
    BigDecimal price = row.decimal("price_usd_per_hour");
    if (price.signum() <= 0) {
      throw row.invalid("price_usd_per_hour", "must be above 0, found " + price);
    }
    if (row.optional("vcpu").isPresent()) {
      return withKnownExtras(
          name,
          row.integer("vcpu"),
          row.integer("memory_mib"),
          row.text("arch"),
          row.optional("gpus").map(gpus -> row.integer("gpus")).orElse(0),
          price);
    }
    return Specs.find(name)
        .map(spec -> spec.withPrice(price))
        .orElseThrow(
            () ->
                row.invalid(
                    "vcpu",
                    "is missing and "
                        + name
                        + " is not in the bundled spec tables; add vcpu, memory_mib, arch and"
                        + " gpus columns"));
  }

  private static InstanceCatalog readCurrent() {
    try (InputStream in = resource(CURRENT_RESOURCE)) {
      List<CsvTable.Row> rows =
          CsvTable.read(
              in,
              "bundled " + CURRENT_RESOURCE,
              List.of(
                  "region",
                  "instance_type",
                  "vcpu",
                  "memory_mib",
                  "arch",
                  "gpus",
                  "price_usd_per_hour"));
      Map<String, List<InstanceType>> byRegion = new TreeMap<>();
      for (CsvTable.Row row : rows) {
        InstanceType type =
            withKnownExtras(
                row.text("instance_type"),
                row.integer("vcpu"),
                row.integer("memory_mib"),
                row.text("arch"),
                row.integer("gpus"),
                row.decimal("price_usd_per_hour"));
        byRegion.computeIfAbsent(row.text("region"), region -> new ArrayList<>()).add(type);
      }
      return of(byRegion, CURRENT_SOURCE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static InstanceCatalog readStale() {
    try (InputStream in = resource(STALE_RESOURCE)) {
      JsonNode root = new ObjectMapper().readTree(in);
      Map<String, List<InstanceType>> byRegion = new TreeMap<>();
      root.fields()
          .forEachRemaining(
              region -> {
                List<InstanceType> types = new ArrayList<>();
                for (JsonNode row : region.getValue()) {
                  BigDecimal price = row.get("price").decimalValue();
                  // Specs come from the current tables; types they do not list are dropped.
                  Specs.find(row.get("instanceType").asText())
                      .filter(spec -> price.signum() > 0)
                      .ifPresent(spec -> types.add(spec.withPrice(price)));
                }
                byRegion.put(region.getKey(), types);
              });
      return of(byRegion, STALE_SOURCE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static InstanceType withKnownExtras(
      String name, int vcpus, long memoryMib, String arch, int gpus, BigDecimal price) {
    Optional<KarpenterTable.Entry> karpenter = KarpenterTable.bundled().find(name);
    String maker =
        karpenter
            .map(KarpenterTable.Entry::gpuManufacturer)
            .filter(value -> !value.isEmpty())
            .orElse(gpus == 0 ? "" : Specs.guessGpuManufacturer(name));
    OptionalInt maxPods =
        karpenter.map(entry -> OptionalInt.of(entry.maxPods())).orElse(OptionalInt.empty());
    return new InstanceType(name, vcpus, memoryMib, arch, gpus, maker, maxPods, price);
  }

  private static InputStream resource(String name) {
    InputStream in = InstanceCatalog.class.getResourceAsStream(name);
    if (in == null) {
      throw new IllegalStateException(name + " is missing from the provider-aws-ec2 jar");
    }
    return in;
  }

  /** Specs of every type the bundled tables know, independent of region and price. */
  static final class Specs {
    private static final class Holder {
      static final Map<String, InstanceType> ALL = collect();
    }

    private Specs() {}

    static Optional<InstanceType> find(String name) {
      return Optional.ofNullable(Holder.ALL.get(name));
    }

    /**
     * Guesses the GPU maker of a type missing from the Karpenter table: {@code dl1} carries Habana
     * Gaudi accelerators; the other such types with GPUs (p2, p3, g3, g3s) carry NVIDIA GPUs.
     */
    static String guessGpuManufacturer(String name) {
      return name.startsWith("dl1.") ? "habana" : "nvidia";
    }

    private static Map<String, InstanceType> collect() {
      Map<String, InstanceType> all = new TreeMap<>();
      for (Region region : current().regions.values()) {
        for (InstanceType type : region.types()) {
          all.putIfAbsent(type.name(), type.withPrice(BigDecimal.ZERO));
        }
      }
      for (KarpenterTable.Entry entry : KarpenterTable.bundled().entries()) {
        all.putIfAbsent(entry.name(), entry.toInstanceType(BigDecimal.ZERO));
      }
      return Map.copyOf(all);
    }
  }
}
