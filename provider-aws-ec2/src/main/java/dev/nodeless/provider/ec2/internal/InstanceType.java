package dev.nodeless.provider.ec2.internal;

import java.math.BigDecimal;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * One EC2 instance type of a region's catalog, with its on-demand Linux price.
 *
 * @param name such as {@code m7g.large}
 * @param vcpus virtual CPUs
 * @param memoryMib memory in MiB as EC2 reports it, before any overhead
 * @param arch {@code amd64} or {@code arm64}, in Kubernetes naming
 * @param gpus accelerator count (0 when none)
 * @param gpuManufacturer {@code nvidia}, {@code amd}, {@code habana} or empty when there is no GPU
 * @param maxPods the ENI-limited pod count of the VPC CNI, when known
 * @param hourlyUsd on-demand Linux price per hour in USD
 */
public record InstanceType(
    String name,
    int vcpus,
    long memoryMib,
    String arch,
    int gpus,
    String gpuManufacturer,
    OptionalInt maxPods,
    BigDecimal hourlyUsd) {

  public static final String AMD64 = "amd64";
  public static final String ARM64 = "arm64";

  public InstanceType {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(arch, "arch");
    Objects.requireNonNull(gpuManufacturer, "gpuManufacturer");
    Objects.requireNonNull(maxPods, "maxPods");
    Objects.requireNonNull(hourlyUsd, "hourlyUsd");
  }

  /** The family, the part before the first dot: {@code m7g} for {@code m7g.large}. */
  public String family() {
    int dot = name.indexOf('.');
    return dot < 0 ? name : name.substring(0, dot);
  }

  /** Whether this is a bare-metal size, such as {@code m5.metal} or {@code i3.metal}. */
  public boolean metal() {
    return name.endsWith(".metal") || name.contains(".metal-");
  }

  /** Number of NVIDIA GPUs, the ones a {@code nvidia.com/gpu} request can use. */
  public int nvidiaGpus() {
    return "nvidia".equals(gpuManufacturer) ? gpus : 0;
  }

  /** Copy with another price, for spot prices and user price tables. */
  public InstanceType withPrice(BigDecimal price) {
    return new InstanceType(name, vcpus, memoryMib, arch, gpus, gpuManufacturer, maxPods, price);
  }
}
