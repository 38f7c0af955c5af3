package dev.nodeless.provider.ec2.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Checks the karpenter overhead model against every row Karpenter publishes for AL2023. */
class KarpenterOverheadGoldenTest {

  private final KarpenterOverhead model = new KarpenterOverhead();

  @Test
  void reproducesEveryPublishedRow() {
    List<KarpenterTable.Entry> entries = KarpenterTable.bundled().entries();
    List<String> mismatches = new ArrayList<>();
    for (KarpenterTable.Entry entry : entries) {
      OverheadModel.Allocatable allocatable =
          model.allocatable(entry.toInstanceType(BigDecimal.ONE));
      if (allocatable.cpuMillis() != entry.allocatableCpuMillis()
          || allocatable.memoryMib() != entry.allocatableMemoryMib()) {
        mismatches.add(
            entry.name()
                + ": expected "
                + entry.allocatableCpuMillis()
                + "m/"
                + entry.allocatableMemoryMib()
                + "Mi, computed "
                + allocatable.cpuMillis()
                + "m/"
                + allocatable.memoryMib()
                + "Mi");
      }
    }
    assertThat(entries).hasSize(1363);
    assertThat(mismatches).isEmpty();
  }

  @Test
  void workedExamplesMatch() {
    assertThat(allocatable("m5.large")).isEqualTo(new OverheadModel.Allocatable(1930, 6903, false));
    assertThat(allocatable("m7g.large"))
        .isEqualTo(new OverheadModel.Allocatable(1930, 6844, false));
    assertThat(allocatable("t3.micro")).isEqualTo(new OverheadModel.Allocatable(1930, 548, false));
    assertThat(allocatable("g5.xlarge"))
        .isEqualTo(new OverheadModel.Allocatable(3920, 14162, false));
  }

  @Test
  void fifthCoreAddsTruncatedTwoMillicores() {
    assertThat(KarpenterOverhead.kubeReservedCpuMillis(4000)).isEqualTo(80);
    assertThat(KarpenterOverhead.kubeReservedCpuMillis(5000)).isEqualTo(82);
    assertThat(KarpenterOverhead.kubeReservedCpuMillis(6000)).isEqualTo(85);
    assertThat(KarpenterOverhead.kubeReservedCpuMillis(1000)).isEqualTo(60);
    assertThat(KarpenterOverhead.kubeReservedCpuMillis(0)).isZero();
  }

  @Test
  void unknownTypeAssumesHundredTenPods() {
    InstanceType unknown =
        new InstanceType("x9.large", 2, 8192, "amd64", 0, "", OptionalInt.empty(), BigDecimal.ONE);
    OverheadModel.Allocatable allocatable = model.allocatable(unknown);
    // 8192 - 615 (7.5% rounded up) - (11 * 110 + 255) - 100
    assertThat(allocatable.memoryMib()).isEqualTo(8192 - 615 - 1465 - 100);
    assertThat(allocatable.maxPodsAssumed()).isTrue();
  }

  private OverheadModel.Allocatable allocatable(String name) {
    return model.allocatable(
        KarpenterTable.bundled().find(name).orElseThrow().toInstanceType(BigDecimal.ONE));
  }
}
