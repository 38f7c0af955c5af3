package dev.nodeless.provider.ec2.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The bundled table {@code ec2-karpenter-allocatable-al2023.csv}: per instance type its specs, GPU
 * maker, ENI-limited max pods, and the allocatable CPU and memory that Karpenter publishes for
 * AL2023 nodes. It supplies GPU makers and max pods to the catalog and is the golden table of
 * {@link KarpenterOverhead}.
 */
public final class KarpenterTable {
  static final String RESOURCE = "ec2-karpenter-allocatable-al2023.csv";

  /**
   * One row.
   *
   * @param allocatableCpuMillis Karpenter's allocatable CPU in millicores
   * @param allocatableMemoryMib Karpenter's allocatable memory in MiB
   */
  public record Entry(
      String name,
      int vcpus,
      long memoryMib,
      String arch,
      int gpus,
      String gpuManufacturer,
      String hypervisor,
      long allocatableCpuMillis,
      long allocatableMemoryMib,
      int maxPods) {

    /** Converts the row to a catalog instance type with this hourly price in USD. */
    public InstanceType toInstanceType(BigDecimal hourlyUsd) {
      return new InstanceType(
          name, vcpus, memoryMib, arch, gpus, gpuManufacturer, OptionalInt.of(maxPods), hourlyUsd);
    }
  }

  private static final class Holder {
    static final KarpenterTable BUNDLED = readBundled();
  }

  private final Map<String, Entry> entries;

  private KarpenterTable(Map<String, Entry> entries) {
    this.entries = entries;
  }

  /** The table shipped in this jar, read once. */
  public static KarpenterTable bundled() {
    return Holder.BUNDLED;
  }

  public List<Entry> entries() {
    return List.copyOf(entries.values());
  }

  public Optional<Entry> find(String instanceType) {
    return Optional.ofNullable(entries.get(instanceType));
  }

  private static KarpenterTable readBundled() {
    try (InputStream in = KarpenterTable.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the provider-aws-ec2 jar");
      }
      Map<String, Entry> entries = new LinkedHashMap<>();
      List<CsvTable.Row> rows =
          CsvTable.read(
              in,
              "bundled " + RESOURCE,
              List.of(
                  "instance_type",
                  "vcpu",
                  "memory_mib",
                  "arch",
                  "gpus",
                  "gpu_manufacturer",
                  "hypervisor",
                  "alloc_cpu_millicores",
                  "alloc_memory_mib",
                  "max_pods"));
      for (CsvTable.Row row : rows) {
        Entry entry =
            new Entry(
                row.text("instance_type"),
                row.integer("vcpu"),
                row.integer("memory_mib"),
                row.text("arch"),
                row.integer("gpus"),
                row.optional("gpu_manufacturer").orElse(""),
                row.optional("hypervisor").orElse(""),
                row.integer("alloc_cpu_millicores"),
                row.integer("alloc_memory_mib"),
                row.integer("max_pods"));
        entries.put(entry.name(), entry);
      }
      return new KarpenterTable(entries);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
