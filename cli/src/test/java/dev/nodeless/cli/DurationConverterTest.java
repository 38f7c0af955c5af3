package dev.nodeless.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class DurationConverterTest {
  private final DurationConverter converter = new DurationConverter();

  @Test
  void acceptsKubectlStyle() {
    assertThat(converter.convert("90s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(converter.convert("1m30s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(converter.convert("2h")).isEqualTo(Duration.ofHours(2));
    assertThat(converter.convert("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(converter.convert("1.5s")).isEqualTo(Duration.ofMillis(1500));
    assertThat(converter.convert("1h2m3s4ms")).isEqualTo(Duration.ofMillis(3_723_004));
  }

  @Test
  void acceptsSecondsAndIso() {
    assertThat(converter.convert("45")).isEqualTo(Duration.ofSeconds(45));
    assertThat(converter.convert("0")).isEqualTo(Duration.ZERO);
    assertThat(converter.convert("PT1M")).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void rejectsOtherText() {
    assertThatThrownBy(() -> converter.convert("5x"))
        .isInstanceOf(TypeConversionException.class)
        .hasMessageContaining("'5x' is not a duration");
    assertThatThrownBy(() -> converter.convert("s")).isInstanceOf(TypeConversionException.class);
    assertThatThrownBy(() -> converter.convert("-PT5S"))
        .isInstanceOf(TypeConversionException.class)
        .hasMessageContaining("negative");
  }

  @Test
  void rejectsNegativeAndOverlongDurations() {
    assertThatThrownBy(() -> converter.convert("-5s"))
        .isInstanceOf(TypeConversionException.class)
        .hasMessageContaining("negative");
    for (String overlong :
        List.of("99999999999h", "876001h", "99999999999999999999999", "PT99999999999H")) {
      assertThatThrownBy(() -> converter.convert(overlong))
          .as(overlong)
          .isInstanceOf(TypeConversionException.class)
          .hasMessageContaining("longer than 100 years");
    }
    assertThat(converter.convert("876000h")).isEqualTo(Duration.ofHours(876_000));
  }
}
