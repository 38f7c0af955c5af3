package dev.nodeless.provider.fargate;

import static dev.nodeless.provider.fargate.Examples.container;
import static dev.nodeless.provider.fargate.Examples.pod;
import static dev.nodeless.provider.fargate.Examples.problems;
import static dev.nodeless.provider.fargate.Examples.requesting;
import static dev.nodeless.provider.fargate.Examples.settings;
import static dev.nodeless.provider.fargate.Examples.translate;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeless.ValidationProblem;
import dev.nodeless.plan.PlacementQuote;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SizingAndPriceTest {

  @ParameterizedTest(name = "{0} cpu, {1} memory -> {2}")
  @CsvSource(
      nullValues = "-",
      value = {
        "-, -, 0.25 vCPU / 0.5 GB",
        "250m, 256Mi, 0.25 vCPU / 0.5 GB",
        "250m, 300Mi, 0.25 vCPU / 1 GB",
        "250m, 1800Mi, 0.5 vCPU / 3 GB",
        "1, 8Gi, 2 vCPU / 9 GB",
        "4, 30Gi, 8 vCPU / 32 GB",
        "100m, -, 0.25 vCPU / 0.5 GB",
        "2, 1Gi, 2 vCPU / 4 GB",
        "15, 100Gi, 16 vCPU / 104 GB",
      })
  void eksSizingAddsOverheadAndRoundsUp(String cpu, String memory, String size) {
    assertThat(translate(pod(requesting("app", cpu, memory)).build()).size()).hasToString(size);
  }

  @Test
  void ecsSizingAddsNothing() {
    Pod pod = pod(requesting("app", "1", "8Gi")).build();
    FargateTranslation translation = translate(pod, settings("fargate.sizing", "ecs"));
    assertThat(translation.size()).hasToString("1 vCPU / 8 GB");
  }

  @Test
  void initContainersCountByTheirMaximum() {
    Pod pod =
        pod(requesting("app", "500m", "512Mi"))
            .editSpec()
            .addToInitContainers(requesting("migrate", "2", "1Gi"))
            .endSpec()
            .build();
    assertThat(translate(pod).size()).hasToString("2 vCPU / 4 GB");
  }

  @Test
  void containerUnitsRoundedUpNeverExceedTheTask() {
    // 3 x 341.33 units round up to 3 x 342 = 1026 > 1024, so 1 vCPU would not hold them.
    Pod pod =
        pod(
                requesting("a", "333334u", "100Mi"),
                requesting("b", "333334u", "100Mi"),
                requesting("c", "333334u", "100Mi"))
            .build();
    FargateTranslation translation = translate(pod);
    int sum =
        translation.registerTaskDefinition().containerDefinitions().stream()
            .mapToInt(c -> c.cpu() == null ? 0 : c.cpu())
            .sum();
    assertThat(sum).isEqualTo(3 * 342);
    assertThat(translation.size().cpuUnits()).isGreaterThanOrEqualTo(sum);
  }

  @Test
  void tooLargePodGetsEksReason() {
    Pod pod = pod(requesting("small", "1", "1Gi"), requesting("huge", "16", "120Gi")).build();
    List<ValidationProblem> problems = problems(pod);
    assertThat(problems).hasSize(1);
    assertThat(problems.get(0).fieldPath()).isEqualTo("spec.containers[1].resources.requests.cpu");
    assertThat(problems.get(0).rule()).startsWith("POD_CPU_MEM_EXCEEDS_MAX_FARGATE_SIZE");
  }

  @Test
  void tooMuchMemoryPointsAtTheMemoryRequest() {
    List<ValidationProblem> problems = problems(pod(requesting("app", "1", "121Gi")).build());
    assertThat(problems)
        .extracting(ValidationProblem::fieldPath)
        .containsExactly("spec.containers[0].resources.requests.memory");
  }

  @Test
  void notesExplainTheRounding() {
    FargateTranslation translation = translate(pod(requesting("app", "1", "1100Mi")).build());
    assertThat(translation.size()).hasToString("1 vCPU / 2 GB");
    assertThat(translation.notes())
        .contains("memory rounded up from 1.33 GB to 2 GB")
        .anyMatch(note -> note.startsWith("added 256 MiB of memory for the Fargate agent"));
  }

  @Test
  void linuxX86PriceComesFromTheBundledTable() {
    // 1 vCPU / 3 GB after the 256 MiB overhead: 0.04048 + 3 x 0.004445.
    FargateTranslation translation = translate(pod(requesting("app", "1", "2Gi")).build());
    assertThat(translation.size()).hasToString("1 vCPU / 3 GB");
    assertThat(translation.hourlyUsd()).isEqualByComparingTo("0.053815");
    assertThat(translation.priceSource().stale()).isFalse();
    assertThat(translation.priceSource().asOf()).isEqualTo(LocalDate.of(2026, 6, 1));
    assertThat(translation.priceSource().description()).contains("vantage.sh");
  }

  @Test
  void armPriceIsLower() {
    Pod pod =
        pod(requesting("app", "1", "1792Mi"))
            .editSpec()
            .withNodeSelector(Map.of("kubernetes.io/arch", "arm64"))
            .endSpec()
            .build();
    FargateTranslation translation = translate(pod);
    assertThat(translation.registerTaskDefinition().runtimePlatform().cpuArchitectureAsString())
        .isEqualTo("ARM64");
    assertThat(translation.hourlyUsd()).isEqualByComparingTo("0.03950"); // 0.03238 + 2 x 0.00356
  }

  @Test
  void windowsPriceAddsTheLicenceFee() {
    Pod pod =
        pod(requesting("app", "1", "1792Mi"))
            .editSpec()
            .withNodeSelector(Map.of("kubernetes.io/os", "windows"))
            .endSpec()
            .build();
    FargateTranslation translation = translate(pod);
    assertThat(
            translation.registerTaskDefinition().runtimePlatform().operatingSystemFamilyAsString())
        .isEqualTo("WINDOWS_SERVER_2022_CORE");
    assertThat(translation.runTask().platformVersion()).isEqualTo("1.0.0");
    // (0.09148 + 0.046) x 1 + 0.01005 x 2
    assertThat(translation.hourlyUsd()).isEqualByComparingTo("0.15758");
  }

  @Test
  void windowsNeedsAtLeastOneVcpu() {
    Pod pod =
        pod(requesting("app", "250m", "256Mi"))
            .editSpec()
            .withNodeSelector(Map.of("kubernetes.io/os", "windows"))
            .endSpec()
            .build();
    assertThat(translate(pod).size()).hasToString("1 vCPU / 2 GB");
  }

  @Test
  void spotWithoutRegionalRowsUsesOnDemand() {
    FargateTranslation translation =
        translate(pod(requesting("app", "1", "1792Mi")).build(), settings("fargate.spot", "true"));
    assertThat(translation.runTask().capacityProviderStrategy().get(0).capacityProvider())
        .isEqualTo("FARGATE_SPOT");
    assertThat(translation.hourlyUsd()).isEqualByComparingTo("0.04937");
    assertThat(translation.priceSource().stale()).isTrue();
    assertThat(translation.notes())
        .anyMatch(note -> note.startsWith("no Fargate Spot price for us-east-1"));
  }

  @Test
  void spotUsesTheSpotRowsOfItsRegion() {
    FargateTranslation translation =
        translate(
            pod(requesting("app", "1", "1792Mi")).build(),
            Examples.inRegion("eu-west-1", "fargate.spot", "true"));
    // 0.01334053 + 2 x 0.00146489, an example row that marks the source stale.
    assertThat(translation.hourlyUsd()).isEqualByComparingTo("0.01627031");
    assertThat(translation.priceSource().stale()).isTrue();
  }

  @Test
  void unknownRegionUsesUsEast1Prices() {
    FargateTranslation translation =
        translate(pod(requesting("app", "1", "1792Mi")).build(), Examples.inRegion("ap-south-2"));
    assertThat(translation.hourlyUsd()).isEqualByComparingTo("0.04937");
    assertThat(translation.priceSource().stale()).isTrue();
    assertThat(translation.notes())
        .anyMatch(note -> note.startsWith("no Fargate price for ap-south-2"));
  }

  @Test
  void ephemeralStorageAbove20GibIsRequestedAndBilled() {
    Pod pod =
        pod(container("app")
                .editOrNewResources()
                .addToRequests("ephemeral-storage", new Quantity("50Gi"))
                .endResources()
                .build())
            .build();
    FargateTranslation translation = translate(pod);
    assertThat(translation.registerTaskDefinition().ephemeralStorage().sizeInGiB()).isEqualTo(50);
    assertThat(translation.ephemeralStorageGib()).isEqualTo(50);
    // 0.25 x 0.04048 + 0.5 x 0.004445 + 30 x 0.000111
    assertThat(translation.hourlyUsd()).isEqualByComparingTo("0.0156725");
  }

  @Test
  void ephemeralStorageAbove200GibIsRejected() {
    Pod pod =
        pod(container("app")
                .editOrNewResources()
                .addToRequests("ephemeral-storage", new Quantity("300Gi"))
                .endResources()
                .build())
            .build();
    assertThat(problems(pod))
        .extracting(ValidationProblem::fieldPath)
        .containsExactly("spec.containers[*].resources.requests.ephemeral-storage");
  }

  @Test
  void userPriceTableReplacesTheBundledOne(@TempDir Path dir) throws IOException {
    Path csv = dir.resolve("prices.csv");
    Files.writeString(
        csv,
        "provider,service,region,os,arch,capacity,dimension,unit,price_usd,source,source_date,notes\n"
            + "aws,fargate,us-east-1,linux,x86_64,on-demand,vcpu,per vCPU-hour,0.1,own,2026-01-15,\n"
            + "aws,fargate,us-east-1,linux,x86_64,on-demand,memory,per GB-hour,0.01,own,2026-01-15,\n");
    FargateTranslation translation =
        translate(
            pod(requesting("app", "1", "1792Mi")).build(),
            settings("fargate.priceTable", csv.toString()));
    assertThat(translation.hourlyUsd()).isEqualByComparingTo(new BigDecimal("0.12"));
    assertThat(translation.priceSource().asOf()).isEqualTo(LocalDate.of(2026, 1, 15));
    assertThat(translation.priceSource().description()).startsWith(csv.toString());
  }

  @Test
  void unreadablePriceTableIsASettingsProblem(@TempDir Path dir) {
    Path missing = dir.resolve("missing.csv");
    List<ValidationProblem> problems =
        problems(
            pod(container("app").build()).build(),
            settings("fargate.priceTable", missing.toString()));
    assertThat(problems)
        .extracting(ValidationProblem::fieldPath)
        .containsExactly("fargate.priceTable");
  }

  @Test
  void tableWithoutFargateRowsRejectsThePod(@TempDir Path dir) throws IOException {
    Path csv = dir.resolve("aci-only.csv");
    Files.writeString(
        csv,
        "provider,service,region,os,arch,capacity,dimension,unit,price_usd,source,source_date,notes\n"
            + "azure,container-instances,eastus,linux,x86_64,pay-as-you-go,vcpu,per vCPU-hour,0.04,x,2026-01,\n");
    Pod pod = pod(container("app").build()).editSpec().withHostNetwork(true).endSpec().build();
    List<ValidationProblem> problems =
        problems(pod, settings("fargate.priceTable", csv.toString()));
    assertThat(problems)
        .extracting(ValidationProblem::fieldPath)
        .containsExactly("spec.hostNetwork", "fargate.priceTable");
  }

  @Test
  void offerCarriesSizePriceSourceAndBothRequests() {
    PlacementQuote quote =
        Examples.TRANSLATOR.plan(
            TestPods.resolve(pod(requesting("app", "1", "1792Mi")).build()), Examples.SETTINGS);
    assertThat(quote).isInstanceOf(PlacementQuote.Offer.class);
    PlacementQuote.Offer offer = (PlacementQuote.Offer) quote;
    assertThat(offer.provider()).isEqualTo("fargate");
    assertThat(offer.region()).isEqualTo("us-east-1");
    assertThat(offer.size()).isEqualTo("1 vCPU / 2 GB");
    assertThat(offer.hourlyUsd()).isEqualByComparingTo("0.04937");
    assertThat(offer.requests())
        .extracting(request -> request.operation())
        .containsExactly("RegisterTaskDefinition", "RunTask");
  }
}
