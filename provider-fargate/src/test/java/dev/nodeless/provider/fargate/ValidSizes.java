package dev.nodeless.provider.fargate;

import java.util.ArrayList;
import java.util.List;

/**
 * The valid Fargate task sizes written out independently of the bundled table, as {@code {cpu
 * units, memory MiB}}: 0.25 vCPU with 0.5, 1 or 2 GB; 0.5 vCPU with 1-4 GB; 1 vCPU with 2-8 GB; 2
 * vCPU with 4-16 GB; 4 vCPU with 8-30 GB, all in 1 GB steps; 8 vCPU with 16-60 GB in 4 GB steps; 16
 * vCPU with 32-120 GB in 8 GB steps.
 */
final class ValidSizes {
  static final List<int[]> LINUX = build();

  private ValidSizes() {}

  private static List<int[]> build() {
    List<int[]> sizes = new ArrayList<>();
    for (int gb : new int[] {0, 1, 2}) {
      sizes.add(new int[] {256, gb == 0 ? 512 : gb * 1024});
    }
    addRange(sizes, 512, 1, 4, 1);
    addRange(sizes, 1024, 2, 8, 1);
    addRange(sizes, 2048, 4, 16, 1);
    addRange(sizes, 4096, 8, 30, 1);
    addRange(sizes, 8192, 16, 60, 4);
    addRange(sizes, 16384, 32, 120, 8);
    return List.copyOf(sizes);
  }

  private static void addRange(List<int[]> sizes, int cpu, int fromGb, int toGb, int stepGb) {
    for (int gb = fromGb; gb <= toGb; gb += stepGb) {
      sizes.add(new int[] {cpu, gb * 1024});
    }
  }
}
