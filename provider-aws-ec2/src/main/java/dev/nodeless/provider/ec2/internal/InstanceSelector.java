package dev.nodeless.provider.ec2.internal;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Picks the cheapest instance type of a region that is admissible for a pod and whose capacity,
 * after the overhead model, covers the pod's requests. Stateless.
 *
 * <p>Filters, in order (the first one that leaves no type is reported): previous-generation {@code
 * t1}; the pod's instance-type pattern; the allowed and excluded families; burstable types when
 * they are off; the allowed architectures, node selector and affinity; GPUs (a pod without GPUs
 * gets no GPU type, and metal sizes are left out, unless the pattern names that exact type); then
 * capacity.
 *
 * <p>Price = the spot price when spot is on and the table has one, else on-demand; plus, for a
 * burstable type whose baseline is below the CPU request, the surplus-credit charge. Ties go to
 * fewer vCPUs, then less memory, then the name.
 */
public final class InstanceSelector {

  private static final BigDecimal MIB = BigDecimal.valueOf(1L << 20);
  private static final BigDecimal THOUSAND = BigDecimal.valueOf(1000);

  /** The pod's needs: CPU in cores, memory in bytes, NVIDIA GPUs. */
  public record Need(BigDecimal cpuCores, BigDecimal memoryBytes, int gpus) {
    public Need {
      Objects.requireNonNull(cpuCores, "cpuCores");
      Objects.requireNonNull(memoryBytes, "memoryBytes");
    }

    /** CPU in whole millicores, rounded up; exact for comparing with whole-millicore capacity. */
    long cpuMillisCeiling() {
      return saturate(cpuCores.multiply(THOUSAND).setScale(0, RoundingMode.CEILING));
    }

    long memoryBytesCeiling() {
      return saturate(memoryBytes.setScale(0, RoundingMode.CEILING));
    }

    private static long saturate(BigDecimal value) {
      return value.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) >= 0
          ? Long.MAX_VALUE
          : value.longValueExact();
    }
  }

  /**
   * The choice rules.
   *
   * @param typePattern the pod's instance-type pattern; empty allows every type
   * @param spotPrices spot prices of the region by type; consulted only when {@code spot} is set
   */
  public record Policy(
      Glob typePattern,
      Glob families,
      Glob excludedFamilies,
      boolean burstable,
      java.util.Set<String> architectures,
      BigDecimal creditUsdPerVcpuHour,
      boolean spot,
      Map<String, BigDecimal> spotPrices,
      OverheadModel overhead) {
    public Policy {
      architectures = java.util.Set.copyOf(architectures);
      spotPrices = Map.copyOf(spotPrices);
    }
  }

  /** One admissible type and its price. */
  public record Candidate(
      InstanceType type,
      OverheadModel.Allocatable allocatable,
      BigDecimal basePrice,
      boolean spotPriced,
      BigDecimal surcharge,
      BigDecimal price) {}

  /** The filter that left no type. */
  public enum Stage {
    PATTERN,
    FAMILIES,
    BURSTABLE,
    NODE,
    GPU,
    FIT
  }

  /**
   * The outcome.
   *
   * @param ranked the cheapest admissible types, cheapest first: at least the two cheapest when two
   *     exist, not necessarily all
   * @param emptiedAt the filter that left no type, when none is admissible
   * @param before the types left before that filter; empty when a type was chosen
   */
  public record Result(
      List<Candidate> ranked, Optional<Stage> emptiedAt, List<InstanceType> before) {
    public Optional<Candidate> best() {
      return ranked.isEmpty() ? Optional.empty() : Optional.of(ranked.get(0));
    }
  }

  /**
   * A region's types sorted by on-demand price, with their capacity under one overhead model worked
   * out once. Immutable.
   */
  public static final class Prepared {
    private final InstanceType[] types;
    private final OverheadModel.Allocatable[] allocatable;
    private final Map<String, Integer> indexByName;

    private Prepared(InstanceType[] types, OverheadModel.Allocatable[] allocatable) {
      this.types = types;
      this.allocatable = allocatable;
      Map<String, Integer> indexByName = new java.util.HashMap<>();
      for (int i = 0; i < types.length; i++) {
        indexByName.put(types[i].name(), i);
      }
      this.indexByName = Map.copyOf(indexByName);
    }

    /** Returns the position of one type as a one-element array, or an empty array if absent. */
    int[] indexOf(String name) {
      Integer index = indexByName.get(name);
      return index == null ? new int[0] : new int[] {index};
    }

    public static Prepared of(List<InstanceType> catalog, OverheadModel overhead) {
      InstanceType[] types =
          catalog.stream()
              .sorted(
                  Comparator.comparing(InstanceType::hourlyUsd)
                      .thenComparingInt(InstanceType::vcpus)
                      .thenComparingLong(InstanceType::memoryMib)
                      .thenComparing(InstanceType::name))
              .toArray(InstanceType[]::new);
      OverheadModel.Allocatable[] allocatable = new OverheadModel.Allocatable[types.length];
      for (int i = 0; i < types.length; i++) {
        allocatable[i] = overhead.allocatable(types[i]);
      }
      return new Prepared(types, allocatable);
    }

    List<InstanceType> types() {
      return List.of(types);
    }
  }

  private InstanceSelector() {}

  public static final Comparator<Candidate> CHEAPEST_FIRST =
      Comparator.comparing(Candidate::price)
          .thenComparingInt(candidate -> candidate.type().vcpus())
          .thenComparingLong(candidate -> candidate.type().memoryMib())
          .thenComparing(candidate -> candidate.type().name());

  /** Selects from a plain list; prefer {@link InstanceCatalog.Region#prepared} for repeated use. */
  public static Result select(
      List<InstanceType> catalog, Need need, NodeRequirements node, Policy policy) {
    return select(Prepared.of(catalog, policy.overhead()), need, node, policy);
  }

  /**
   * Scans the types cheapest first and stops once a type's on-demand price is above the second best
   * price found, because the surcharge only adds to it. With spot prices every type is scanned.
   */
  public static Result select(Prepared prepared, Need need, NodeRequirements node, Policy policy) {
    long cpuMillis = need.cpuMillisCeiling();
    long memoryBytes = need.memoryBytesCeiling();
    boolean spotPrices = policy.spot() && !policy.spotPrices().isEmpty();
    List<Predicate<InstanceType>> filters = filters(need, node, policy);
    List<Candidate> top = new ArrayList<>(3);
    int[] indexes =
        policy.typePattern().isExact() ? prepared.indexOf(policy.typePattern().text()) : null;
    int count = indexes == null ? prepared.types.length : indexes.length;
    for (int n = 0; n < count; n++) {
      int i = indexes == null ? n : indexes[n];
      InstanceType type = prepared.types[i];
      if (!spotPrices && top.size() == 2 && type.hourlyUsd().compareTo(top.get(1).price()) > 0) {
        break;
      }
      OverheadModel.Allocatable allocatable = prepared.allocatable[i];
      if (!fits(cpuMillis, memoryBytes, allocatable) || !passes(filters, type)) {
        continue;
      }
      top.add(price(type, allocatable, need, policy));
      top.sort(CHEAPEST_FIRST);
      if (top.size() > 2) {
        top.remove(2);
      }
    }
    if (!top.isEmpty()) {
      return new Result(List.copyOf(top), Optional.empty(), List.of());
    }
    return diagnose(prepared, cpuMillis, memoryBytes, filters);
  }

  /** Finds the first filter that leaves no type, for the rejection message. */
  private static Result diagnose(
      Prepared prepared, long cpuMillis, long memoryBytes, List<Predicate<InstanceType>> filters) {
    Stage[] stages = {Stage.PATTERN, Stage.FAMILIES, Stage.BURSTABLE, Stage.NODE, Stage.GPU};
    List<InstanceType> types =
        prepared.types().stream().filter(type -> !"t1".equals(type.family())).toList();
    for (int i = 0; i < filters.size(); i++) {
      List<InstanceType> left = types.stream().filter(filters.get(i)).toList();
      if (left.isEmpty()) {
        return new Result(List.of(), Optional.of(stages[i]), types);
      }
      types = left;
    }
    return new Result(List.of(), Optional.of(Stage.FIT), types);
  }

  private static List<Predicate<InstanceType>> filters(
      Need need, NodeRequirements node, Policy policy) {
    boolean exact = policy.typePattern().isExact();
    return List.of(
        type -> policy.typePattern().isEmpty() || policy.typePattern().matches(type.name()),
        type ->
            (policy.families().isEmpty() || policy.families().matches(type.family()))
                && !policy.excludedFamilies().matches(type.family()),
        type -> policy.burstable() || !Burstable.isBurstable(type),
        type -> policy.architectures().contains(type.arch()) && node.admits(type),
        type ->
            need.gpus() > 0
                ? type.nvidiaGpus() >= need.gpus()
                : exact || (type.gpus() == 0 && !type.metal()));
  }

  private static boolean passes(List<Predicate<InstanceType>> filters, InstanceType type) {
    if ("t1".equals(type.family())) {
      return false;
    }
    for (Predicate<InstanceType> filter : filters) {
      if (!filter.test(type)) {
        return false;
      }
    }
    return true;
  }

  /** Returns whether the requests fit into the allocatable capacity, compared exactly. */
  public static boolean fits(Need need, OverheadModel.Allocatable allocatable) {
    return fits(need.cpuMillisCeiling(), need.memoryBytesCeiling(), allocatable);
  }

  private static boolean fits(
      long cpuMillis, long memoryBytes, OverheadModel.Allocatable allocatable) {
    long capacityBytes =
        allocatable.memoryMib() >= (Long.MAX_VALUE >> 20)
            ? Long.MAX_VALUE
            : allocatable.memoryMib() << 20;
    return cpuMillis <= allocatable.cpuMillis() && memoryBytes <= capacityBytes;
  }

  static Candidate price(
      InstanceType type, OverheadModel.Allocatable allocatable, Need need, Policy policy) {
    BigDecimal base = type.hourlyUsd();
    boolean spotPriced = false;
    if (policy.spot() && policy.spotPrices().containsKey(type.name())) {
      base = policy.spotPrices().get(type.name());
      spotPriced = true;
    }
    BigDecimal surcharge =
        Burstable.surchargeUsd(type, need.cpuCores(), policy.creditUsdPerVcpuHour());
    return new Candidate(type, allocatable, base, spotPriced, surcharge, base.add(surcharge));
  }
}
