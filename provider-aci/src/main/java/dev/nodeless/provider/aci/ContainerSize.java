package dev.nodeless.provider.aci;

import java.math.BigDecimal;

/**
 * The ACI resources of one container after rounding: requests always, limits only when set.
 *
 * @param name the container name
 * @param fieldPath the container's path in the pod, for messages
 * @param cpu the CPU request in cores, a multiple of 0.01
 * @param memoryGb the memory request in decimal GB, a multiple of 0.1
 * @param cpuLimit the CPU limit in cores, or {@code null}
 * @param memoryLimitGb the memory limit in GB, or {@code null}
 * @param gpus the number of GPUs, 0 for none
 */
record ContainerSize(
    String name,
    String fieldPath,
    BigDecimal cpu,
    BigDecimal memoryGb,
    BigDecimal cpuLimit,
    BigDecimal memoryLimitGb,
    int gpus) {

  ContainerSize withCpu(BigDecimal value) {
    return new ContainerSize(name, fieldPath, value, memoryGb, cpuLimit, memoryLimitGb, gpus);
  }

  ContainerSize withMemoryGb(BigDecimal value) {
    return new ContainerSize(name, fieldPath, cpu, value, cpuLimit, memoryLimitGb, gpus);
  }

  ContainerSize withCpuLimit(BigDecimal value) {
    return new ContainerSize(name, fieldPath, cpu, memoryGb, value, memoryLimitGb, gpus);
  }

  ContainerSize withMemoryLimitGb(BigDecimal value) {
    return new ContainerSize(name, fieldPath, cpu, memoryGb, cpuLimit, value, gpus);
  }
}
