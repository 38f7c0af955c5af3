package dev.nodeless.provider.ec2.internal;

/**
 * The overhead of a VM that runs one pod under the Nodeless agent: the memory the VM and kernel
 * hide (see {@link OverheadModel#visibleMemoryMib}), then a fixed reserve for the OS services and
 * the agent.
 *
 * <p>The default reserve, 100m CPU and 256 MiB, is an estimate for a minimal Amazon Linux 2023 boot
 * (systemd, journald, chronyd, the SSM agent) plus a small agent process and its container runtime;
 * it has not been measured on a real boot yet. Both parts can be set per launch.
 *
 * @param cpuReserveMillis CPU kept back, in millicores
 * @param memoryReserveMib memory kept back, in MiB
 */
public record AgentOverhead(long cpuReserveMillis, long memoryReserveMib) implements OverheadModel {
  public static final String NAME = "agent";
  // TODO: measure the reserve on a real Amazon Linux 2023 boot with the agent and adjust.
  public static final long DEFAULT_CPU_RESERVE_MILLIS = 100;
  public static final long DEFAULT_MEMORY_RESERVE_MIB = 256;

  public AgentOverhead {
    if (cpuReserveMillis < 0 || memoryReserveMib < 0) {
      throw new IllegalArgumentException(
          "agent reserves must not be negative: cpu "
              + cpuReserveMillis
              + "m, memory "
              + memoryReserveMib
              + " MiB");
    }
  }

  public static AgentOverhead defaults() {
    return new AgentOverhead(DEFAULT_CPU_RESERVE_MILLIS, DEFAULT_MEMORY_RESERVE_MIB);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Allocatable allocatable(InstanceType type) {
    long cpu = type.vcpus() * 1000L - cpuReserveMillis;
    long memory = OverheadModel.visibleMemoryMib(type) - memoryReserveMib;
    return new Allocatable(Math.max(0, cpu), Math.max(0, memory), false);
  }
}
