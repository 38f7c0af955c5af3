package dev.nodeless.provider.fargate;

import dev.nodeless.ValidationProblem;
import dev.nodeless.resources.EffectiveResources;
import dev.nodeless.resources.PodResources;
import dev.nodeless.spi.ResolvedContainer;
import dev.nodeless.spi.ResolvedPod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Chooses the task size: the cheapest valid size that covers the pod's effective requests (plus 256
 * MiB in EKS mode) and the sum of the container-level CPU units and memory reservations, which ECS
 * requires to fit in the task. It never rounds below a request.
 */
final class Sizing {
  static final String TOO_LARGE_REASON = "POD_CPU_MEM_EXCEEDS_MAX_FARGATE_SIZE";
  static final int EKS_OVERHEAD_MIB = 256;
  static final int INCLUDED_STORAGE_GIB = 20;
  static final int MAX_STORAGE_GIB = 200;
  private static final BigDecimal UNITS_PER_CORE = BigDecimal.valueOf(1024);
  private static final BigDecimal MIB = BigDecimal.valueOf(1L << 20);
  private static final BigDecimal GIB = BigDecimal.valueOf(1L << 30);

  /**
   * The resources that the pod needs from the task.
   *
   * @param cpuUnits CPU in ECS units
   * @param memoryMiB memory in MiB, overhead included
   * @param requestedMemoryMiB the effective memory request alone
   * @param ephemeralStorageGib the task storage to ask for, 0 to keep the included 20 GiB
   */
  record Need(int cpuUnits, int memoryMiB, int requestedMemoryMiB, int ephemeralStorageGib) {}

  private Sizing() {}

  /** CPU units of a container's request (or limit when only that is set), rounded up. */
  static int cpuUnits(ResolvedContainer container) {
    return amount(container, "cpu")
        .map(cores -> toInt(cores.multiply(UNITS_PER_CORE).setScale(0, RoundingMode.CEILING)))
        .orElse(0);
  }

  /**
   * Returns the container's memory request (or its limit when only that is set) in MiB, rounded up.
   */
  static Optional<Integer> memoryRequestMiB(ResolvedContainer container) {
    return amount(container, "memory").map(Sizing::toMiB);
  }

  /** Returns the container's memory limit in MiB, rounded up. */
  static Optional<Integer> memoryLimitMiB(ResolvedContainer container) {
    Map<String, Quantity> limits =
        container.container().getResources() == null
            ? null
            : container.container().getResources().getLimits();
    if (limits == null || !limits.containsKey("memory")) {
      return Optional.empty();
    }
    return Optional.of(toMiB(dev.nodeless.resources.Quantities.toDecimal(limits.get("memory"))));
  }

  /** Computes what the pod needs, adding a problem when it needs more storage than Fargate has. */
  static Need need(
      ResolvedPod pod,
      FargateSettings.Sizing mode,
      Platform platform,
      List<ValidationProblem> out) {
    PodSpec spec = pod.pod().getSpec();
    PodResources effective = EffectiveResources.of(spec);

    int containerUnits = 0;
    int containerMiB = 0;
    for (ResolvedContainer container : concurrent(pod)) {
      containerUnits = saturatedAdd(containerUnits, cpuUnits(container));
      containerMiB = saturatedAdd(containerMiB, memoryRequestMiB(container).orElse(0));
    }
    int podUnits =
        toInt(effective.cpu().multiply(UNITS_PER_CORE).setScale(0, RoundingMode.CEILING));
    int requestedMiB = toMiB(effective.memoryBytes());
    int overhead = mode == FargateSettings.Sizing.EKS ? EKS_OVERHEAD_MIB : 0;

    int storageGib = 0;
    BigDecimal storageBytes = effective.request(PodResources.EPHEMERAL_STORAGE);
    int neededGib = toInt(storageBytes.divide(GIB, 0, RoundingMode.CEILING));
    if (neededGib > INCLUDED_STORAGE_GIB) {
      if (neededGib > MAX_STORAGE_GIB || platform.windows()) {
        out.add(
            new ValidationProblem(
                "spec.containers[*].resources.requests.ephemeral-storage",
                neededGib + "Gi",
                platform.windows()
                    ? "Windows tasks on Fargate have 20 GiB of ephemeral storage"
                    : "a Fargate task has at most " + MAX_STORAGE_GIB + " GiB of ephemeral storage",
                "request at most "
                    + (platform.windows() ? INCLUDED_STORAGE_GIB : MAX_STORAGE_GIB)
                    + "Gi of ephemeral storage in total"));
      } else {
        storageGib = neededGib;
      }
    }
    return new Need(
        Math.max(podUnits, containerUnits),
        Math.max(saturatedAdd(requestedMiB, overhead), containerMiB),
        requestedMiB,
        storageGib);
  }

  /**
   * Picks the cheapest size among {@code allowed} that covers the need; ties go to fewer CPU units,
   * then less memory.
   */
  static Optional<TaskSize> choose(Need need, Set<TaskSize> allowed, FargatePricing pricing) {
    for (TaskSize size : pricing.sizesByPrice()) {
      if (size.cpuUnits() >= need.cpuUnits()
          && size.memoryMiB() >= need.memoryMiB()
          && allowed.contains(size)) {
        return Optional.of(size);
      }
    }
    return Optional.empty();
  }

  /** Notes that explain how the chosen size relates to the requests. */
  static List<String> notes(Need need, TaskSize chosen, FargateSettings.Sizing mode) {
    List<String> notes = new ArrayList<>();
    if (mode == FargateSettings.Sizing.EKS) {
      notes.add(
          "added "
              + EKS_OVERHEAD_MIB
              + " MiB of memory for the Fargate agent, as EKS does ("
              + FargateSettings.SIZING
              + "=eks)");
    }
    if (need.cpuUnits() == 0) {
      notes.add(
          "the pod requests no cpu: the task gets " + chosen.vcpu().toPlainString() + " vCPU");
    } else if (chosen.cpuUnits() > need.cpuUnits()) {
      notes.add(
          "cpu rounded up from "
              + vcpu(need.cpuUnits())
              + " vCPU to "
              + chosen.vcpu().toPlainString()
              + " vCPU");
    }
    if (chosen.memoryMiB() > need.memoryMiB()) {
      notes.add(
          "memory rounded up from "
              + gb(need.memoryMiB())
              + " GB to "
              + chosen.memoryGb().toPlainString()
              + " GB");
    }
    if (need.ephemeralStorageGib() > 0) {
      notes.add(
          "ephemeral storage set to "
              + need.ephemeralStorageGib()
              + " GiB; the first "
              + INCLUDED_STORAGE_GIB
              + " GiB are included in the price");
    }
    return notes;
  }

  /** Builds the problem for a pod that no valid size covers, pointing at the largest request. */
  static ValidationProblem tooLarge(ResolvedPod pod, Need need, List<TaskSize> allowed) {
    int maxUnits = allowed.stream().mapToInt(TaskSize::cpuUnits).max().orElse(0);
    boolean cpu = need.cpuUnits() > maxUnits;
    String resource = cpu ? "cpu" : "memory";
    String value =
        cpu ? vcpu(need.cpuUnits()) + " vCPU" : gb(need.memoryMiB()) + " GB including overhead";
    TaskSize largest =
        allowed.stream().max(Comparator.comparingInt(TaskSize::memoryMiB)).orElseThrow();
    return new ValidationProblem(
        largestRequestPath(pod, resource),
        value,
        TOO_LARGE_REASON
            + ": the pod's cpu/memory requirements exceed the max Fargate configuration ("
            + vcpu(maxUnits)
            + " vCPU, "
            + largest.memoryGb().toPlainString()
            + " GB for this platform)",
        "lower the requests to fit a Fargate size, or use a provider with larger machines");
  }

  private static String largestRequestPath(ResolvedPod pod, String resource) {
    PodSpec spec = pod.pod().getSpec();
    if (spec.getResources() != null
        && ((spec.getResources().getRequests() != null
                && spec.getResources().getRequests().containsKey(resource))
            || (spec.getResources().getLimits() != null
                && spec.getResources().getLimits().containsKey(resource)))) {
      return "spec.resources.requests." + resource;
    }
    List<ResolvedContainer> all = new ArrayList<>(pod.initContainers());
    all.addAll(pod.containers());
    ResolvedContainer largest = null;
    BigDecimal largestAmount = BigDecimal.ZERO;
    for (ResolvedContainer container : all) {
      BigDecimal amount = amount(container, resource).orElse(BigDecimal.ZERO);
      if (amount.compareTo(largestAmount) > 0) {
        largest = container;
        largestAmount = amount;
      }
    }
    return largest == null
        ? "spec.containers[*].resources.requests." + resource
        : largest.fieldPath() + ".resources.requests." + resource;
  }

  /** App containers and native sidecars: the containers that run at the same time. */
  static List<ResolvedContainer> concurrent(ResolvedPod pod) {
    List<ResolvedContainer> result = new ArrayList<>();
    pod.initContainers().stream().filter(ResolvedContainer::sidecar).forEach(result::add);
    result.addAll(pod.containers());
    return result;
  }

  private static Optional<BigDecimal> amount(ResolvedContainer container, String resource) {
    var resources = container.container().getResources();
    if (resources == null) {
      return Optional.empty();
    }
    Quantity quantity = null;
    if (resources.getRequests() != null) {
      quantity = resources.getRequests().get(resource);
    }
    if (quantity == null && resources.getLimits() != null) {
      quantity = resources.getLimits().get(resource);
    }
    return quantity == null
        ? Optional.empty()
        : Optional.of(dev.nodeless.resources.Quantities.toDecimal(quantity));
  }

  private static int toMiB(BigDecimal bytes) {
    return toInt(bytes.divide(MIB, 0, RoundingMode.CEILING));
  }

  /** Converts a whole number, saturating at {@link Integer#MAX_VALUE}: far above any task size. */
  private static int toInt(BigDecimal whole) {
    return whole.compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) >= 0
        ? Integer.MAX_VALUE
        : whole.intValueExact();
  }

  private static int saturatedAdd(int a, int b) {
    long sum = (long) a + b;
    return sum > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) sum;
  }

  private static String vcpu(int units) {
    return BigDecimal.valueOf(units)
        .divide(UNITS_PER_CORE, 2, RoundingMode.CEILING)
        .stripTrailingZeros()
        .toPlainString();
  }

  private static String gb(int mib) {
    return BigDecimal.valueOf(mib)
        .divide(BigDecimal.valueOf(1024), 2, RoundingMode.CEILING)
        .stripTrailingZeros()
        .toPlainString();
  }
}
