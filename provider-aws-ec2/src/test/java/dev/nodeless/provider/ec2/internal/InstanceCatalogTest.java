package dev.nodeless.provider.ec2.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InstanceCatalogTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "ec2-instance-types-prices.csv, 4324af99a94eb476e3a09aa2d0d2421b763c47c567129947c394f703667cbb10",
    "ec2-karpenter-allocatable-al2023.csv, 2ef3b787a91d3d47d5296d69f6645248c4dbf62aad4b321bae7c3161719110f6",
    "kip-aws-instance-data.json, 8efb21408a81ca3f88112fc596a25ddd80a3eb0db36a3bbdc6108d0bb06689de"
  })
  void bundledFileMatchesProvenanceChecksum(String file, String sha256)
      throws IOException, NoSuchAlgorithmException {
    try (InputStream in = InstanceCatalog.class.getResourceAsStream(file)) {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(in.readAllBytes());
      assertThat(HexFormat.of().formatHex(digest)).isEqualTo(sha256);
    }
  }

  @Test
  void currentTableCoversUsEastAndGovRegions() {
    InstanceCatalog current = InstanceCatalog.current();
    assertThat(current.regionNames())
        .containsExactlyInAnyOrder("us-east-1", "us-gov-east-1", "us-gov-west-1");
    InstanceCatalog.Region east = current.region("us-east-1").orElseThrow();
    assertThat(east.types()).hasSize(1364);
    assertThat(east.source().stale()).isFalse();
    assertThat(east.find("m5.large").orElseThrow().hourlyUsd()).isEqualByComparingTo("0.096");
    assertThat(east.find("t3.micro").orElseThrow().hourlyUsd()).isEqualByComparingTo("0.0104");
    assertThat(east.find("m7g.large").orElseThrow().arch()).isEqualTo("arm64");
    assertThat(east.find("m5.large").orElseThrow().maxPods()).isEqualTo(OptionalInt.of(29));
  }

  @Test
  void gpuMakersComeFromKarpenterTableOrFamily() {
    InstanceCatalog.Region east = InstanceCatalog.current().region("us-east-1").orElseThrow();
    assertThat(east.find("g4ad.xlarge").orElseThrow().gpuManufacturer()).isEqualTo("amd");
    assertThat(east.find("g4ad.xlarge").orElseThrow().nvidiaGpus()).isZero();
    assertThat(east.find("g5.xlarge").orElseThrow().nvidiaGpus()).isEqualTo(1);
    assertThat(east.find("p3.2xlarge").orElseThrow().gpuManufacturer()).isEqualTo("nvidia");
    assertThat(east.find("dl1.24xlarge").orElseThrow().gpuManufacturer()).isEqualTo("habana");
  }

  @Test
  void staleTableIsMarkedAndUsesCurrentSpecs() {
    InstanceCatalog stale = InstanceCatalog.stale();
    assertThat(stale.regionNames()).hasSize(20).contains("eu-west-1", "ap-south-1");
    InstanceCatalog.Region ireland = stale.region("eu-west-1").orElseThrow();
    assertThat(ireland.source().stale()).isTrue();
    assertThat(ireland.source().asOf().toString()).isEqualTo("2020-12-18");
    assertThat(ireland.find("g2.2xlarge")).isEmpty();
    assertThat(ireland.find("m1.small")).isPresent();
    assertThat(ireland.find("m5.large").orElseThrow().memoryMib()).isEqualTo(8192);
    assertThat(ireland.types()).noneMatch(type -> type.family().equals("t4g"));
  }

  @Test
  void burstableBaselinesFollowCreditTable() {
    InstanceCatalog.Region east = InstanceCatalog.current().region("us-east-1").orElseThrow();
    assertThat(Burstable.baselineVcpus(east.find("t3.nano").orElseThrow()))
        .contains(new BigDecimal("0.1"));
    assertThat(Burstable.baselineVcpus(east.find("t2.2xlarge").orElseThrow()))
        .contains(new BigDecimal("1.36"));
    assertThat(Burstable.baselineVcpus(east.find("t4g.xlarge").orElseThrow()))
        .contains(new BigDecimal("1.6"));
    assertThat(Burstable.baselineVcpus(east.find("m5.large").orElseThrow())).isEmpty();
    assertThat(
            Burstable.surchargeUsd(
                east.find("t3.small").orElseThrow(), new BigDecimal("1.4"), new BigDecimal("0.05")))
        .isEqualByComparingTo("0.05");
  }

  @Test
  void userTableRowErrorsNameFileAndLine(@TempDir Path dir) throws IOException {
    Path table = dir.resolve("prices.csv");
    Files.writeString(
        table,
        "region,instance_type,price_usd_per_hour\nus-east-1,m5.large,0.1\nus-east-1,m5.xlarge,cheap\n");
    assertThatThrownBy(() -> InstanceCatalog.load(table))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(table + " line 3")
        .hasMessageContaining("price_usd_per_hour");

    Path unknown = dir.resolve("unknown.csv");
    Files.writeString(
        unknown, "region,instance_type,price_usd_per_hour\nus-east-1,zz1.large,0.1\n");
    assertThatThrownBy(() -> InstanceCatalog.load(unknown))
        .hasMessageContaining("zz1.large is not in the bundled spec tables");

    Path header = dir.resolve("header.csv");
    Files.writeString(header, "region,type,price\nus-east-1,m5.large,0.1\n");
    assertThatThrownBy(() -> InstanceCatalog.load(header)).hasMessageContaining("instance_type");
  }

  @Test
  void spotTableReadsPricesPerRegion(@TempDir Path dir) throws IOException {
    Path table = dir.resolve("spot.csv");
    Files.writeString(
        table,
        "region,instance_type,price_usd_per_hour\nus-east-1,m5.large,0.03\neu-west-1,m5.large,0.04\n");
    Map<String, Map<String, BigDecimal>> prices = InstanceCatalog.loadSpotPrices(table);
    assertThat(prices.get("us-east-1").get("m5.large")).isEqualByComparingTo("0.03");
    assertThat(prices.get("eu-west-1").get("m5.large")).isEqualByComparingTo("0.04");
  }

  @Test
  void globMatchesFamiliesAndTypes() {
    assertThat(Glob.of("m5.*").matches("m5.large")).isTrue();
    assertThat(Glob.of("m5.*").matches("m5a.large")).isFalse();
    assertThat(Glob.of("c6?.large").matches("c6i.large")).isTrue();
    assertThat(Glob.of("m7i.*, c7i.*").matches("c7i.xlarge")).isTrue();
    assertThat(Glob.of("m5.large").isExact()).isTrue();
    assertThat(Glob.of("").isEmpty()).isTrue();
  }
}
