package dev.nodeless.provider.ec2;

import dev.nodeless.provider.ec2.internal.Burstable;
import dev.nodeless.provider.ec2.internal.InstanceSelector;
import dev.nodeless.provider.ec2.internal.InstanceType;
import dev.nodeless.resources.PodResources;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;

/** Writes the notes that explain an instance-type choice and its price. */
final class Notes {
  private static final BigDecimal MIB = BigDecimal.valueOf(1L << 20);

  private Notes() {}

  static void selection(
      InstanceSelector.Candidate best,
      InstanceSelector.Need need,
      InstanceSelector.Policy policy,
      Ec2Settings settings,
      InstanceSelector.Result result,
      PodResources resources,
      List<String> notes) {
    InstanceType type = best.type();
    notes.add(
        type.name()
            + " ("
            + type.arch()
            + ", "
            + type.vcpus()
            + " vCPU, "
            + type.memoryMib()
            + " MiB"
            + (type.gpus() > 0 ? ", " + type.gpus() + " " + type.gpuManufacturer() + " GPU" : "")
            + ") leaves "
            + best.allocatable().cpuMillis()
            + "m CPU and "
            + best.allocatable().memoryMib()
            + " MiB after the "
            + policy.overhead().name()
            + " overhead; the pod requests "
            + Rejections.describe(need));
    if (InstanceType.ARM64.equals(type.arch())) {
      notes.add(
          "arm64 chosen: every container image needs an arm64 variant; otherwise select"
              + " kubernetes.io/arch=amd64 or set "
              + Ec2Settings.ARCHITECTURES
              + "=amd64");
    }
    if (best.allocatable().maxPodsAssumed()) {
      notes.add(
          type.name() + " is not in the bundled Karpenter table: its max pods is taken as 110");
    }
    if (need.cpuCores().signum() == 0 && need.memoryBytes().signum() == 0) {
      notes.add("the pod requests no CPU or memory, so it gets the cheapest admissible type");
    }
    limitNote(resources, PodResources.CPU, "CPU", notes);
    limitNote(resources, PodResources.MEMORY, "memory", notes);
    if (result.ranked().size() > 1) {
      InstanceSelector.Candidate next = result.ranked().get(1);
      notes.add(
          "next cheapest: "
              + next.type().name()
              + " at "
              + next.price().toPlainString()
              + " USD/h");
    }
    if (best.surcharge().signum() > 0) {
      notes.add(
          type.name()
              + " sustains "
              + Burstable.baselineVcpus(type).orElseThrow().toPlainString()
              + " vCPU, below the CPU request: priced with "
              + best.surcharge().toPlainString()
              + " USD/h of surplus credits at "
              + policy.creditUsdPerVcpuHour().toPlainString()
              + " USD per vCPU-hour (unlimited mode)");
    } else if (Burstable.isBurstable(type)) {
      notes.add(
          type.name()
              + " is burstable and launched in unlimited mode; the CPU request is within its"
              + " baseline");
    }
    if (best.spotPriced()) {
      notes.add(
          "spot price "
              + best.basePrice().toPlainString()
              + " USD/h from the spot price table (on-demand "
              + type.hourlyUsd().toPlainString()
              + ")");
    } else if (settings.spot()) {
      notes.add(
          settings.hasSpotTable()
              ? "spot: the spot price table has no price for "
                  + type.name()
                  + "; priced at the on-demand price, an upper bound"
              : "spot: priced at the on-demand price, an upper bound, because no "
                  + Ec2Settings.SPOT_PRICE_TABLE
                  + " is set");
    }
  }

  private static void limitNote(
      PodResources resources, String resource, String label, List<String> notes) {
    BigDecimal request = resources.request(resource);
    resources
        .limit(resource)
        .filter(limit -> limit.compareTo(request) > 0)
        .ifPresent(
            limit ->
                notes.add(
                    label
                        + " limit "
                        + show(resource, limit)
                        + " is above the request "
                        + show(resource, request)
                        + "; the VM is sized by the request"));
  }

  private static String show(String resource, BigDecimal amount) {
    if (PodResources.CPU.equals(resource)) {
      return amount.toPlainString();
    }
    return amount.divide(MIB, 0, RoundingMode.CEILING).toPlainString() + " MiB";
  }
}
