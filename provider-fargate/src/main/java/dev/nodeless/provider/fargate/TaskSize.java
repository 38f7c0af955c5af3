package dev.nodeless.provider.fargate;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * A Fargate task size: task-level CPU and memory, one of the combinations that ECS accepts.
 *
 * @param cpuUnits CPU in ECS units, 1024 per vCPU
 * @param memoryMiB memory in MiB
 */
public record TaskSize(int cpuUnits, int memoryMiB) {

  private static final BigDecimal UNITS_PER_VCPU = BigDecimal.valueOf(1024);
  private static final BigDecimal MIB_PER_GB = BigDecimal.valueOf(1024);

  /** CPU in vCPU, such as {@code 0.25}. */
  public BigDecimal vcpu() {
    return BigDecimal.valueOf(cpuUnits)
        .divide(UNITS_PER_VCPU, 4, RoundingMode.UNNECESSARY)
        .stripTrailingZeros();
  }

  /** Memory in GB as AWS bills it (1 GB = 1024 MiB), such as {@code 0.5}. */
  public BigDecimal memoryGb() {
    return BigDecimal.valueOf(memoryMiB)
        .divide(MIB_PER_GB, 4, RoundingMode.UNNECESSARY)
        .stripTrailingZeros();
  }

  /** The size as a person reads it, such as {@code 0.25 vCPU / 0.5 GB}. */
  @Override
  public String toString() {
    return vcpu().toPlainString() + " vCPU / " + memoryGb().toPlainString() + " GB";
  }
}
