package dev.nodeless.provider.aci;

import dev.nodeless.resources.EffectiveResources;
import dev.nodeless.resources.PodResources;
import dev.nodeless.resources.Quantities;
import dev.nodeless.spi.ResolvedContainer;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Sizes the containers of a group the way ACI accepts them.
 *
 * <ul>
 *   <li>A container's request is its Kubernetes request, else its limit (as the API server defaults
 *       it), else a share of the pod-level request, else the configured default.
 *   <li>CPU is rounded up to 0.01 cores and memory up to 0.1 decimal GB, so no container gets less
 *       than it asked for.
 *   <li>The group total is raised, on the first container, to at least the effective pod request
 *       that the Kubernetes scheduler would use (init containers, pod overhead, pod-level
 *       resources), because ACI init containers have no resources of their own.
 *   <li>ACI rejects a limit below the request or above the group total, so a limit is raised to the
 *       request or lowered to the total, with a note. In a group of several containers, a container
 *       without a limit gets the group total as its limit, as it could use the node's spare
 *       capacity in Kubernetes.
 * </ul>
 */
final class ResourceSizer {
  static final String CPU = PodResources.CPU;
  static final String MEMORY = PodResources.MEMORY;
  static final String GPU = PodResources.NVIDIA_GPU;
  static final String STORAGE = PodResources.EPHEMERAL_STORAGE;

  static final BigDecimal BYTES_PER_GB = BigDecimal.TEN.pow(9);
  static final BigDecimal MIN_CPU = new BigDecimal("0.01");
  static final BigDecimal MIN_MEMORY_GB = new BigDecimal("0.1");

  /** Standard container groups, Linux and Windows: 31 vCPU and 240 GB (quota page, 2025-11). */
  static final BigDecimal MAX_CPU = new BigDecimal("31");

  static final BigDecimal MAX_MEMORY_GB = new BigDecimal("240");

  /** Above this size, deployments can fail for lack of regional capacity. */
  static final BigDecimal CAPACITY_CPU = new BigDecimal("4");

  static final BigDecimal CAPACITY_MEMORY_GB = new BigDecimal("16");
  static final BigDecimal MAX_STORAGE_BYTES = new BigDecimal("50").multiply(BYTES_PER_GB);

  static final Set<String> GPU_SKUS = Set.of("K80", "P100", "V100");

  /**
   * The sized group.
   *
   * @param containers the containers in group order
   * @param cpu the total CPU request in cores
   * @param memoryGb the total memory request in GB
   * @param gpus the total GPU count
   * @param gpuSku the GPU SKU, {@code null} without GPUs
   */
  record Sizing(
      List<ContainerSize> containers,
      BigDecimal cpu,
      BigDecimal memoryGb,
      int gpus,
      String gpuSku) {}

  private record Declared(
      ResolvedContainer container,
      BigDecimal cpu,
      BigDecimal memory,
      BigDecimal cpuLimit,
      BigDecimal memoryLimit,
      int gpus,
      BigDecimal storage) {}

  private ResourceSizer() {}

  static Sizing size(
      PodSpec spec,
      String annotatedGpuSku,
      boolean windows,
      List<ResolvedContainer> groupContainers,
      AciSettings settings,
      Findings findings) {
    List<Declared> declared = new ArrayList<>();
    for (ResolvedContainer container : groupContainers) {
      declared.add(declare(container, findings));
    }
    ResourceRequirements podLevel = spec.getResources();
    BigDecimal podCpu = podLevelRequest(podLevel, CPU, findings);
    BigDecimal podMemory = podLevelRequest(podLevel, MEMORY, findings);

    List<BigDecimal> cpus =
        assign(declared, true, podCpu, settings.defaultCpu(), AciSettings.DEFAULT_CPU, findings);
    List<BigDecimal> memories =
        assign(
            declared,
            false,
            podMemory,
            settings.defaultMemoryGb().multiply(BYTES_PER_GB),
            AciSettings.DEFAULT_MEMORY_GB,
            findings);

    List<ContainerSize> sizes = new ArrayList<>();
    for (int i = 0; i < declared.size(); i++) {
      Declared d = declared.get(i);
      String path = d.container().fieldPath();
      BigDecimal cpu = roundCpu(cpus.get(i), path + " cpu request", findings);
      BigDecimal memory = roundMemory(memories.get(i), path + " memory request", findings);
      BigDecimal cpuLimit =
          d.cpuLimit() == null ? null : roundCpu(d.cpuLimit(), path + " cpu limit", findings);
      BigDecimal memoryLimit =
          d.memoryLimit() == null
              ? null
              : roundMemory(d.memoryLimit(), path + " memory limit", findings);
      sizes.add(
          new ContainerSize(
              d.container().name(), path, cpu, memory, cpuLimit, memoryLimit, d.gpus()));
    }
    if (findings.hasProblems() || sizes.isEmpty()) {
      return new Sizing(sizes, BigDecimal.ZERO, BigDecimal.ZERO, 0, null);
    }

    coverEffectiveRequest(spec, sizes, findings);
    BigDecimal cpu =
        sizes.stream().map(ContainerSize::cpu).reduce(BigDecimal.ZERO, BigDecimal::add);
    BigDecimal memory =
        sizes.stream().map(ContainerSize::memoryGb).reduce(BigDecimal.ZERO, BigDecimal::add);
    fitLimits(sizes, cpu, memory, findings);

    int gpus = sizes.stream().mapToInt(ContainerSize::gpus).sum();
    String sku = gpus == 0 ? null : gpuSku(annotatedGpuSku, settings, declared, findings);
    if (gpus > 0 && windows) {
      findings.reject(
          firstGpuPath(declared),
          String.valueOf(gpus),
          "ACI offers GPUs only to Linux container groups",
          "run the GPU pod on Linux or remove the nvidia.com/gpu limit");
    }
    checkGroupLimits(cpu, memory, gpus, sku, declared, findings);
    return new Sizing(List.copyOf(sizes), cpu, memory, gpus, sku);
  }

  private static Declared declare(ResolvedContainer container, Findings findings) {
    String path = container.fieldPath() + ".resources";
    ResourceRequirements resources = container.container().getResources();
    Map<String, Quantity> requests = resources == null ? null : resources.getRequests();
    Map<String, Quantity> limits = resources == null ? null : resources.getLimits();
    checkKnownResources(requests, path + ".requests", findings);
    checkKnownResources(limits, path + ".limits", findings);

    BigDecimal cpuRequest = amount(requests, CPU, path + ".requests", findings);
    BigDecimal cpuLimit = amount(limits, CPU, path + ".limits", findings);
    BigDecimal memoryRequest = amount(requests, MEMORY, path + ".requests", findings);
    BigDecimal memoryLimit = amount(limits, MEMORY, path + ".limits", findings);
    checkOrder(cpuRequest, cpuLimit, path, CPU, requests, limits, findings);
    checkOrder(memoryRequest, memoryLimit, path, MEMORY, requests, limits, findings);
    BigDecimal storageRequest = amount(requests, STORAGE, path + ".requests", findings);
    BigDecimal storageLimit = amount(limits, STORAGE, path + ".limits", findings);
    int gpus = gpuCount(requests, limits, path, findings);
    return new Declared(
        container,
        cpuRequest != null ? cpuRequest : cpuLimit,
        memoryRequest != null ? memoryRequest : memoryLimit,
        cpuLimit,
        memoryLimit,
        gpus,
        storageRequest != null ? storageRequest : storageLimit);
  }

  private static void checkKnownResources(
      Map<String, Quantity> amounts, String path, Findings findings) {
    if (amounts == null) {
      return;
    }
    for (String resource : amounts.keySet()) {
      if (!Set.of(CPU, MEMORY, GPU, STORAGE).contains(resource)) {
        findings.reject(
            keyPath(path, resource),
            String.valueOf(amounts.get(resource)),
            "ACI offers only cpu, memory, nvidia.com/gpu and ephemeral-storage",
            "remove the " + resource + " resource or run the pod on another provider");
      }
    }
  }

  private static BigDecimal amount(
      Map<String, Quantity> amounts, String resource, String path, Findings findings) {
    if (amounts == null || amounts.get(resource) == null) {
      return null;
    }
    Quantity quantity = amounts.get(resource);
    try {
      BigDecimal value = Quantities.toDecimal(quantity);
      if (value.signum() < 0) {
        findings.reject(
            keyPath(path, resource),
            quantity.toString(),
            "a resource amount is not negative",
            "use a positive quantity");
        return null;
      }
      return value;
    } catch (IllegalArgumentException e) {
      findings.reject(
          keyPath(path, resource),
          quantity.toString(),
          "the value is not a Kubernetes quantity",
          "write it like 250m or 0.5 for cpu, 512Mi or 1G for memory");
      return null;
    }
  }

  private static void checkOrder(
      BigDecimal request,
      BigDecimal limit,
      String path,
      String resource,
      Map<String, Quantity> requests,
      Map<String, Quantity> limits,
      Findings findings) {
    if (request != null && limit != null && limit.compareTo(request) < 0) {
      findings.reject(
          path + ".limits." + resource,
          limits.get(resource).toString(),
          "a limit is not below its request (" + requests.get(resource) + ")",
          "raise the " + resource + " limit to at least the request, or lower the request");
    }
  }

  private static int gpuCount(
      Map<String, Quantity> requests,
      Map<String, Quantity> limits,
      String path,
      Findings findings) {
    BigDecimal request = amount(requests, GPU, path + ".requests", findings);
    BigDecimal limit = amount(limits, GPU, path + ".limits", findings);
    if (request != null && limit != null && request.compareTo(limit) != 0) {
      findings.reject(
          keyPath(path + ".requests", GPU),
          requests.get(GPU).toString(),
          "an nvidia.com/gpu request equals its limit (" + limits.get(GPU) + ")",
          "set only the limit");
      return 0;
    }
    BigDecimal count = limit != null ? limit : request;
    if (count == null || count.signum() == 0) {
      return 0;
    }
    String countPath = keyPath(path + (limit != null ? ".limits" : ".requests"), GPU);
    if (count.stripTrailingZeros().scale() > 0) {
      findings.reject(
          countPath, count.toPlainString(), "a GPU count is a whole number", "use 1, 2 or 4");
      return 0;
    }
    int gpus = count.intValue();
    if (gpus != 1 && gpus != 2 && gpus != 4) {
      findings.reject(
          countPath,
          count.toPlainString(),
          "an ACI container has 1, 2 or 4 GPUs",
          "request 1, 2 or 4 GPUs");
      return 0;
    }
    return gpus;
  }

  private static BigDecimal podLevelRequest(
      ResourceRequirements podLevel, String resource, Findings findings) {
    if (podLevel == null) {
      return null;
    }
    BigDecimal request =
        amount(podLevel.getRequests(), resource, "spec.resources.requests", findings);
    return request != null
        ? request
        : amount(podLevel.getLimits(), resource, "spec.resources.limits", findings);
  }

  /**
   * Picks each container's unrounded request for CPU (cores) or memory (bytes): its own, a share of
   * the pod-level request left after the containers that set their own, or the default.
   */
  private static List<BigDecimal> assign(
      List<Declared> declared,
      boolean cpu,
      BigDecimal podLevel,
      BigDecimal fallback,
      String settingKey,
      Findings findings) {
    String resource = cpu ? CPU : MEMORY;
    BigDecimal explicit = BigDecimal.ZERO;
    int missing = 0;
    for (Declared d : declared) {
      BigDecimal own = cpu ? d.cpu() : d.memory();
      if (own == null) {
        missing++;
      } else {
        explicit = explicit.add(own);
      }
    }
    BigDecimal share = null;
    if (podLevel != null && missing > 0) {
      BigDecimal left = podLevel.subtract(explicit).max(BigDecimal.ZERO);
      share = left.divide(BigDecimal.valueOf(missing), 12, RoundingMode.CEILING);
    }
    List<BigDecimal> result = new ArrayList<>();
    for (Declared d : declared) {
      BigDecimal own = cpu ? d.cpu() : d.memory();
      if (own != null) {
        result.add(own);
      } else if (share != null) {
        result.add(share);
        findings.note(
            d.container().fieldPath()
                + " has no "
                + resource
                + " request; it gets an equal share of spec.resources."
                + resource);
      } else {
        result.add(fallback);
        findings.note(
            d.container().fieldPath()
                + " has no "
                + resource
                + " request; using "
                + settingKey
                + " = "
                + (cpu ? fallback.toPlainString() + " cores" : gb(fallback) + " GB"));
      }
    }
    return result;
  }

  private static BigDecimal roundCpu(BigDecimal cores, String subject, Findings findings) {
    BigDecimal rounded = cores.setScale(2, RoundingMode.CEILING).max(MIN_CPU);
    if (rounded.compareTo(cores) != 0) {
      findings.note(
          subject
              + " rounded up from "
              + cores.stripTrailingZeros().toPlainString()
              + " to "
              + rounded.toPlainString()
              + " cores");
    }
    return rounded;
  }

  private static BigDecimal roundMemory(BigDecimal bytes, String subject, Findings findings) {
    BigDecimal exact = bytes.divide(BYTES_PER_GB);
    BigDecimal rounded = exact.setScale(1, RoundingMode.CEILING).max(MIN_MEMORY_GB);
    if (rounded.compareTo(exact) != 0) {
      findings.note(
          subject + " rounded up from " + gb(bytes) + " GB to " + rounded.toPlainString() + " GB");
    }
    return rounded;
  }

  /** Raises the first container so the group covers the pod's effective request. */
  private static void coverEffectiveRequest(
      PodSpec spec, List<ContainerSize> sizes, Findings findings) {
    PodResources effective;
    try {
      effective = EffectiveResources.of(spec);
    } catch (IllegalArgumentException e) {
      return; // a malformed quantity was already reported with its field path
    }
    BigDecimal cpuTarget = effective.cpu().setScale(2, RoundingMode.CEILING);
    BigDecimal cpu =
        sizes.stream().map(ContainerSize::cpu).reduce(BigDecimal.ZERO, BigDecimal::add);
    if (cpu.compareTo(cpuTarget) < 0) {
      BigDecimal extra = cpuTarget.subtract(cpu);
      sizes.set(0, sizes.get(0).withCpu(sizes.get(0).cpu().add(extra)));
      findings.note(
          "group cpu raised from "
              + cpu.toPlainString()
              + " to "
              + cpuTarget.toPlainString()
              + " cores on "
              + sizes.get(0).fieldPath()
              + " to cover the pod's effective request (init containers, pod overhead or"
              + " spec.resources)");
    }
    BigDecimal memoryTarget =
        effective.memoryBytes().divide(BYTES_PER_GB).setScale(1, RoundingMode.CEILING);
    BigDecimal memory =
        sizes.stream().map(ContainerSize::memoryGb).reduce(BigDecimal.ZERO, BigDecimal::add);
    if (memory.compareTo(memoryTarget) < 0) {
      BigDecimal extra = memoryTarget.subtract(memory);
      sizes.set(0, sizes.get(0).withMemoryGb(sizes.get(0).memoryGb().add(extra)));
      findings.note(
          "group memory raised from "
              + memory.toPlainString()
              + " to "
              + memoryTarget.toPlainString()
              + " GB on "
              + sizes.get(0).fieldPath()
              + " to cover the pod's effective request (init containers, pod overhead or"
              + " spec.resources)");
    }
  }

  private static void fitLimits(
      List<ContainerSize> sizes, BigDecimal cpuTotal, BigDecimal memoryTotal, Findings findings) {
    boolean shared = sizes.size() > 1;
    for (int i = 0; i < sizes.size(); i++) {
      ContainerSize size = sizes.get(i);
      BigDecimal cpuLimit =
          fitLimit(size.cpuLimit(), size.cpu(), cpuTotal, shared, size, "cpu", "cores", findings);
      BigDecimal memoryLimit =
          fitLimit(
              size.memoryLimitGb(),
              size.memoryGb(),
              memoryTotal,
              shared,
              size,
              "memory",
              "GB",
              findings);
      sizes.set(i, size.withCpuLimit(cpuLimit).withMemoryLimitGb(memoryLimit));
    }
  }

  private static BigDecimal fitLimit(
      BigDecimal limit,
      BigDecimal request,
      BigDecimal total,
      boolean shared,
      ContainerSize size,
      String resource,
      String unit,
      Findings findings) {
    if (limit == null) {
      return shared && total.compareTo(request) > 0 ? total : null;
    }
    if (limit.compareTo(request) < 0) {
      findings.note(
          size.fieldPath()
              + " "
              + resource
              + " limit raised from "
              + limit.toPlainString()
              + " to its ACI request "
              + request.toPlainString()
              + " "
              + unit
              + ", because ACI rejects a limit below the request");
      return request;
    }
    if (limit.compareTo(total) > 0) {
      findings.note(
          size.fieldPath()
              + " "
              + resource
              + " limit lowered from "
              + limit.toPlainString()
              + " to the group total "
              + total.toPlainString()
              + " "
              + unit
              + ", because ACI rejects a limit above the group's total request");
      return total;
    }
    return limit;
  }

  private static String gpuSku(
      String annotated, AciSettings settings, List<Declared> declared, Findings findings) {
    String path =
        annotated != null
            ? "metadata.annotations[" + AciSettings.GPU_SKU_ANNOTATION + "]"
            : AciSettings.GPU_SKU;
    String sku = annotated != null ? annotated.trim() : settings.gpuSku().orElse(null);
    if (sku == null) {
      findings.reject(
          firstGpuPath(declared),
          "nvidia.com/gpu",
          "ACI needs a GPU SKU (K80, P100 or V100); Microsoft retired ACI GPU SKUs on 2025-07-14,"
              + " so set one only if your subscription still offers it",
          "set the pod annotation "
              + AciSettings.GPU_SKU_ANNOTATION
              + " or the setting "
              + AciSettings.GPU_SKU
              + ", or run the pod on another provider");
      return null;
    }
    String upper = sku.toUpperCase(Locale.ROOT);
    if (!GPU_SKUS.contains(upper)) {
      findings.reject(
          path, sku, "the ACI GPU SKU is K80, P100 or V100", "use one of K80, P100 or V100");
      return null;
    }
    return upper;
  }

  private static String firstGpuPath(List<Declared> declared) {
    for (Declared d : declared) {
      if (d.gpus() > 0) {
        return keyPath(d.container().fieldPath() + ".resources.limits", GPU);
      }
    }
    return "spec.containers";
  }

  private static void checkGroupLimits(
      BigDecimal cpu,
      BigDecimal memory,
      int gpus,
      String sku,
      List<Declared> declared,
      Findings findings) {
    BigDecimal maxCpu = MAX_CPU;
    BigDecimal maxMemory = MAX_MEMORY_GB;
    String kind = "a standard container group";
    if (gpus > 0) {
      // NOTE: per-SKU GPU group sizes come from the ACI resource page before the 2025 retirement.
      int slots = 4;
      if (gpus <= 2) {
        slots = gpus;
      }
      maxCpu = BigDecimal.valueOf(6L * slots);
      long memoryPerGpu = "K80".equals(sku) ? 56 : 112;
      maxMemory = BigDecimal.valueOf(memoryPerGpu * slots);
      kind = "a group with " + gpus + " " + (sku == null ? "" : sku + " ") + "GPUs";
      if (gpus > 4) {
        findings.reject(
            firstGpuPath(declared),
            String.valueOf(gpus),
            "an ACI container group has at most 4 GPUs in total",
            "request at most 4 GPUs across the pod");
      }
    }
    if (cpu.compareTo(maxCpu) > 0) {
      findings.reject(
          "spec.containers[*].resources.requests.cpu",
          cpu.toPlainString(),
          kind + " has at most " + maxCpu + " vCPU in total",
          "lower the cpu requests so that their sum is at most " + maxCpu);
    }
    if (memory.compareTo(maxMemory) > 0) {
      findings.reject(
          "spec.containers[*].resources.requests.memory",
          memory.toPlainString() + " GB",
          kind + " has at most " + maxMemory + " GB of memory in total",
          "lower the memory requests so that their sum is at most " + maxMemory + " GB");
    }
    if (gpus == 0
        && cpu.compareTo(maxCpu) <= 0
        && memory.compareTo(maxMemory) <= 0
        && (cpu.compareTo(CAPACITY_CPU) > 0 || memory.compareTo(CAPACITY_MEMORY_GB) > 0)) {
      findings.note(
          "groups above 4 vCPU or 16 GB can fail to deploy when the region lacks capacity");
    }
    BigDecimal storage =
        declared.stream()
            .map(Declared::storage)
            .filter(java.util.Objects::nonNull)
            .reduce(BigDecimal.ZERO, BigDecimal::add);
    if (storage.compareTo(MAX_STORAGE_BYTES) > 0) {
      findings.reject(
          "spec.containers[*].resources.requests[ephemeral-storage]",
          gb(storage) + " GB",
          "an ACI container group has at most 50 GB of storage",
          "lower the ephemeral-storage requests to 50 GB in total");
    }
  }

  /** A resource key in a field path: {@code .cpu}, or {@code [nvidia.com/gpu]} when needed. */
  static String keyPath(String prefix, String key) {
    return key.chars().allMatch(Character::isLetter)
        ? prefix + "." + key
        : prefix + "[" + key + "]";
  }

  private static String gb(BigDecimal bytes) {
    return bytes.divide(BYTES_PER_GB, 4, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
  }
}
