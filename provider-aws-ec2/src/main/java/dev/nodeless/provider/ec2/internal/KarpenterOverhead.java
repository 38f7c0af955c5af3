package dev.nodeless.provider.ec2.internal;

/**
 * Karpenter's allocatable CPU and memory for a kubelet node on Amazon Linux 2023 with default
 * settings (karpenter-provider-aws v1.14): capacity minus kube-reserved minus the eviction
 * threshold, with no system-reserved.
 *
 * <ul>
 *   <li>CPU: kube-reserved is 6% of the first core, 1% of the second, 0.5% of the third and fourth
 *       and 0.25% of every further core. Each band is computed in millicores as a double and
 *       truncated to a whole millicore, as Karpenter does, so a fifth core adds 2m, not 2.5m.
 *   <li>Memory: {@link OverheadModel#visibleMemoryMib} (arm64 CMA 64 MiB, then 7.5% rounded up),
 *       minus kube-reserved 11 MiB per pod plus 255 MiB, minus the 100 MiB eviction threshold. Pods
 *       is the ENI-limited max pods of the VPC CNI; 110 is assumed for types that the bundled
 *       Karpenter table does not list.
 * </ul>
 *
 * <p>The test {@code KarpenterOverheadGoldenTest} checks every row of the bundled Karpenter table.
 */
public record KarpenterOverhead() implements OverheadModel {
  public static final String NAME = "karpenter";
  static final int FALLBACK_MAX_PODS = 110;
  static final long EVICTION_THRESHOLD_MIB = 100;
  static final long KUBE_RESERVED_BASE_MIB = 255;
  static final long KUBE_RESERVED_PER_POD_MIB = 11;

  /** Bands of CPU in millicores and the share of each kept for kube-reserved. */
  private static final long[][] CPU_BANDS = {
    {0, 1000}, {1000, 2000}, {2000, 4000}, {4000, 1L << 31}
  };

  private static final double[] CPU_SHARES = {0.06, 0.01, 0.005, 0.0025};

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Allocatable allocatable(InstanceType type) {
    long capacityMillis = type.vcpus() * 1000L;
    long cpu = capacityMillis - kubeReservedCpuMillis(capacityMillis);

    boolean assumed = type.maxPods().isEmpty();
    int pods = type.maxPods().orElse(FALLBACK_MAX_PODS);
    long kubeReservedMemory = KUBE_RESERVED_PER_POD_MIB * pods + KUBE_RESERVED_BASE_MIB;
    long memory =
        OverheadModel.visibleMemoryMib(type) - kubeReservedMemory - EVICTION_THRESHOLD_MIB;
    return new Allocatable(Math.max(0, cpu), Math.max(0, memory), assumed);
  }

  static long kubeReservedCpuMillis(long capacityMillis) {
    long reserved = 0;
    for (int band = 0; band < CPU_BANDS.length; band++) {
      long start = CPU_BANDS[band][0];
      long end = CPU_BANDS[band][1];
      if (capacityMillis < start) {
        break;
      }
      double width = Math.min(capacityMillis, end) - start;
      reserved += (long) (width * CPU_SHARES[band]);
    }
    return reserved;
  }
}
