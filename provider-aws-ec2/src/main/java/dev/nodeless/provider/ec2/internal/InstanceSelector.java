package dev.nodeless.provider.ec2.internal;

import java.math.BigDecimal;
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

  /** What the pod needs: CPU in cores, memory in bytes, NVIDIA GPUs. */
  public record Need(BigDecimal cpuCores, BigDecimal memoryBytes, int gpus) {
    public Need {
      Objects.requireNonNull(cpuCores, "cpuCores");
      Objects.requireNonNull(memoryBytes, "memoryBytes");
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
   * The outcome: the admissible types cheapest first, or the stage that emptied the list with the
   * types that were still left before it.
   */
  public record Result(
      List<Candidate> ranked, Optional<Stage> emptiedAt, List<InstanceType> before) {
    public Optional<Candidate> best() {
      return ranked.isEmpty() ? Optional.empty() : Optional.of(ranked.get(0));
    }
  }

  private InstanceSelector() {}

  public static final Comparator<Candidate> CHEAPEST_FIRST =
      Comparator.comparing(Candidate::price)
          .thenComparingInt(candidate -> candidate.type().vcpus())
          .thenComparingLong(candidate -> candidate.type().memoryMib())
          .thenComparing(candidate -> candidate.type().name());

  public static Result select(
      List<InstanceType> catalog, Need need, NodeRequirements node, Policy policy) {
    boolean exact = policy.typePattern().isExact();
    List<InstanceType> types =
        catalog.stream().filter(type -> !"t1".equals(type.family())).toList();

    List<Predicate<InstanceType>> filters = new ArrayList<>();
    filters.add(
        type -> policy.typePattern().isEmpty() || policy.typePattern().matches(type.name()));
    filters.add(
        type ->
            (policy.families().isEmpty() || policy.families().matches(type.family()))
                && !policy.excludedFamilies().matches(type.family()));
    filters.add(type -> policy.burstable() || !Burstable.isBurstable(type));
    filters.add(type -> policy.architectures().contains(type.arch()) && node.admits(type));
    filters.add(
        type ->
            need.gpus() > 0
                ? type.nvidiaGpus() >= need.gpus()
                : exact || (type.gpus() == 0 && !type.metal()));
    Stage[] stages = {Stage.PATTERN, Stage.FAMILIES, Stage.BURSTABLE, Stage.NODE, Stage.GPU};
    for (int i = 0; i < filters.size(); i++) {
      List<InstanceType> left = types.stream().filter(filters.get(i)).toList();
      if (left.isEmpty()) {
        return new Result(List.of(), Optional.of(stages[i]), types);
      }
      types = left;
    }

    List<Candidate> ranked = new ArrayList<>();
    for (InstanceType type : types) {
      OverheadModel.Allocatable allocatable = policy.overhead().allocatable(type);
      if (fits(need, allocatable)) {
        ranked.add(price(type, allocatable, need, policy));
      }
    }
    if (ranked.isEmpty()) {
      return new Result(List.of(), Optional.of(Stage.FIT), types);
    }
    ranked.sort(CHEAPEST_FIRST);
    return new Result(List.copyOf(ranked), Optional.empty(), types);
  }

  /** Whether the requests fit into the allocatable capacity, compared exactly. */
  public static boolean fits(Need need, OverheadModel.Allocatable allocatable) {
    BigDecimal cpuMillis = need.cpuCores().multiply(THOUSAND);
    BigDecimal memoryBytes = BigDecimal.valueOf(allocatable.memoryMib()).multiply(MIB);
    return cpuMillis.compareTo(BigDecimal.valueOf(allocatable.cpuMillis())) <= 0
        && need.memoryBytes().compareTo(memoryBytes) <= 0;
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
