package dev.nodeless.provider.ec2.internal;

/**
 * How much of an instance type's CPU and memory a pod can use once the operating system and the
 * software that runs the pod have taken their share. Implementations are immutable.
 */
public sealed interface OverheadModel permits AgentOverhead, KarpenterOverhead {

  /** MiB that the arm64 (Graviton) kernel reserves for its contiguous memory allocator. */
  long ARM64_CMA_MIB = 64;

  /**
   * The share of memory that the hypervisor and kernel hide from the OS, as a fraction. Karpenter
   * uses the same default (its {@code vm-memory-overhead-percent}, 0.075).
   */
  java.math.BigDecimal VM_MEMORY_OVERHEAD = new java.math.BigDecimal("0.075");

  /** The model name used by the {@code ec2.overheadModel} setting. */
  String name();

  /** Returns the capacity left for the pod on this type. */
  Allocatable allocatable(InstanceType type);

  /**
   * Capacity left for the pod.
   *
   * @param cpuMillis CPU in millicores, never negative
   * @param memoryMib memory in MiB, never negative
   * @param maxPodsAssumed whether the model needed the type's max pods and had to assume 110
   *     because the type is not in the bundled Karpenter table
   */
  record Allocatable(long cpuMillis, long memoryMib, boolean maxPodsAssumed) {}

  /**
   * Returns the memory visible to the OS in MiB: the arm64 CMA reserve comes off first, then the VM
   * overhead share rounded up to a whole MiB, as Karpenter computes it.
   */
  static long visibleMemoryMib(InstanceType type) {
    long memory = type.memoryMib();
    if (InstanceType.ARM64.equals(type.arch())) {
      memory -= ARM64_CMA_MIB;
    }
    long overhead =
        java.math.BigDecimal.valueOf(memory)
            .multiply(VM_MEMORY_OVERHEAD)
            .setScale(0, java.math.RoundingMode.CEILING)
            .longValueExact();
    return memory - overhead;
  }
}
