package dev.nodeless.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nodeless.ValidationProblem;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnitPriceTableTest {

  @Test
  void bundledTableHasFargateAndAciPrices() {
    UnitPriceTable table = UnitPriceTable.bundled();

    assertThat(table.find("fargate", "us-east-1", "linux", "x86_64", "vcpu"))
        .hasValueSatisfying(p -> assertThat(p.priceUsd()).isEqualByComparingTo("0.04048"));
    assertThat(table.find("fargate", "us-east-1", "linux", "arm64", "memory"))
        .hasValueSatisfying(p -> assertThat(p.priceUsd()).isEqualByComparingTo("0.00356"));
    assertThat(table.find("container-instances", "eastus", "linux", "x86_64", "vcpu"))
        .hasValueSatisfying(p -> assertThat(p.priceUsd()).isEqualByComparingTo("0.0405"));
  }

  @Test
  void anyRowMatchesEveryOsAndArch() {
    UnitPriceTable table = UnitPriceTable.bundled();

    assertThat(table.find("fargate", "us-east-1", "linux", "arm64", "ephemeral-storage"))
        .hasValueSatisfying(p -> assertThat(p.priceUsd()).isEqualByComparingTo("0.000111"));
    assertThat(table.find("fargate", "eu-north-1", "linux", "x86_64", "vcpu")).isEmpty();
  }

  @Test
  void malformedUserTableNamesLine(@TempDir Path dir) throws IOException {
    Path csv = dir.resolve("prices.csv");
    Files.writeString(
        csv,
        "provider,service,region,os,arch,capacity,dimension,unit,price_usd,source,source_date,notes\n"
            + "aws,fargate,us-east-1,linux,x86_64,on-demand,vcpu,per vCPU-hour,cheap,me,2026,\n");

    assertThatThrownBy(() -> UnitPriceTable.load(csv))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("line 2")
        .hasMessageContaining("\"cheap\"");
  }

  @Test
  void chooserPicksCheapestAndExplainsOthers() {
    PriceSource source = new PriceSource("test table", LocalDate.of(2026, 1, 1), false);
    PlacementQuote ec2 =
        new PlacementQuote.Offer(
            "ec2", "us-east-1", "t4g.nano", new BigDecimal("0.0042"), source, List.of(), List.of());
    PlacementQuote fargate =
        new PlacementQuote.Offer(
            "fargate",
            "us-east-1",
            "0.25 vCPU / 0.5 GB",
            new BigDecimal("0.0123"),
            source,
            List.of(),
            List.of());
    PlacementQuote aci =
        new PlacementQuote.Rejected(
            "aci",
            List.of(new ValidationProblem("spec.hostNetwork", "true", "not supported", "drop it")));

    PlacementChooser.Decision decision = PlacementChooser.decide(List.of(fargate, ec2, aci));

    assertThat(decision.chosen()).contains((PlacementQuote.Offer) ec2);
    assertThat(decision.passedOver()).containsOnlyKeys("fargate", "aci");
    assertThat(decision.passedOver().get("fargate")).contains("0.0081").contains("ec2");
    assertThat(decision.passedOver().get("aci")).contains("spec.hostNetwork");
  }
}
