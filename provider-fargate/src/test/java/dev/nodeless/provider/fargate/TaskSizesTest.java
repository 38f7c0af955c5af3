package dev.nodeless.provider.fargate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TaskSizesTest {

  @Test
  void tableHoldsExactly74Sizes() {
    assertThat(TaskSizes.rows()).hasSize(74);
  }

  @Test
  void tableMatchesTheDocumentedCombinations() {
    List<String> table =
        TaskSizes.rows().stream()
            .map(row -> row.size().cpuUnits() + "/" + row.size().memoryMiB())
            .toList();
    List<String> documented =
        ValidSizes.LINUX.stream().map(size -> size[0] + "/" + size[1]).toList();
    assertThat(table).containsExactlyElementsOf(documented);
  }

  @Test
  void windowsGetsOnlyOneToFourVcpu() {
    List<TaskSize> windows = TaskSizes.allowed(Platform.WINDOWS, PlatformVersion.WINDOWS_DEFAULT);
    assertThat(windows).extracting(TaskSize::cpuUnits).containsOnly(1024, 2048, 4096);
    assertThat(windows).hasSize(7 + 13 + 23);
  }

  @Test
  void eightAndSixteenVcpuNeedPlatform14() {
    List<TaskSize> old = TaskSizes.allowed(Platform.LINUX, PlatformVersion.parse("1.3.0"));
    assertThat(old).extracting(TaskSize::cpuUnits).doesNotContain(8192, 16384);
    List<TaskSize> current = TaskSizes.allowed(Platform.LINUX, PlatformVersion.LINUX_DEFAULT);
    assertThat(current).hasSize(74);
    assertThat(TaskSizes.allowed(Platform.LINUX, PlatformVersion.LATEST)).hasSize(74);
  }

  @Test
  void sizeReadsAsVcpuAndGb() {
    assertThat(new TaskSize(256, 512)).hasToString("0.25 vCPU / 0.5 GB");
    assertThat(new TaskSize(16384, 122880)).hasToString("16 vCPU / 120 GB");
  }
}
