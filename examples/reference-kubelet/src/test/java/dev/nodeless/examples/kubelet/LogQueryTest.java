package dev.nodeless.examples.kubelet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LogQueryTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-05-01T10:00:00Z"), ZoneOffset.UTC);

  @Test
  void emptyQueryReadsWholeLog() {
    LogQuery.Parsed parsed = LogQuery.parse(Map.of(), CLOCK);

    assertThat(parsed.options().follow()).isFalse();
    assertThat(parsed.options().tailLines()).isEmpty();
    assertThat(parsed.options().sinceTime()).isEmpty();
    assertThat(parsed.limitBytes()).isEmpty();
  }

  @Test
  void everyParameterIsRead() {
    LogQuery.Parsed parsed =
        LogQuery.parse(
            Map.of(
                "follow", "true",
                "timestamps", "1",
                "previous", "false",
                "tailLines", "10",
                "limitBytes", "100",
                "sinceSeconds", "60"),
            CLOCK);

    assertThat(parsed.options().follow()).isTrue();
    assertThat(parsed.options().timestamps()).isTrue();
    assertThat(parsed.options().previous()).isFalse();
    assertThat(parsed.options().tailLines()).hasValue(10);
    assertThat(parsed.options().limitBytes()).hasValue(100);
    assertThat(parsed.limitBytes()).hasValue(100);
    assertThat(parsed.options().sinceTime()).hasValue(Instant.parse("2026-05-01T09:59:00Z"));
  }

  @Test
  void sinceTimeWithOffsetIsRead() {
    LogQuery.Parsed parsed =
        LogQuery.parse(Map.of("sinceTime", "2026-05-01T12:00:00+02:00"), CLOCK);

    assertThat(parsed.options().sinceTime()).hasValue(Instant.parse("2026-05-01T10:00:00Z"));
  }

  @Test
  void everyInvalidParameterIsNamed() {
    assertThatThrownBy(
            () ->
                LogQuery.parse(
                    Map.of("tailLines", "-1", "limitBytes", "x", "follow", "yes"), CLOCK))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tailLines = -1")
        .hasMessageContaining("limitBytes = \"x\"")
        .hasMessageContaining("follow = \"yes\"");
  }

  @Test
  void sinceParametersExcludeEachOther() {
    assertThatThrownBy(
            () ->
                LogQuery.parse(
                    Map.of("sinceSeconds", "5", "sinceTime", "2026-05-01T09:00:00Z"), CLOCK))
        .hasMessageContaining("sinceSeconds and sinceTime");
  }
}
