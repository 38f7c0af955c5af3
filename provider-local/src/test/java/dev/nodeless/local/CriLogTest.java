package dev.nodeless.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeless.LogOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading logs that conmon writes in the CRI format for the container runtime. */
class CriLogTest {
  private static final String LOG =
      "2026-12-04T16:52:49.807495445+00:00 stdout F first line\n"
          + "2026-12-04T16:52:50.000000001+00:00 stderr P split \n"
          + "2026-12-04T16:52:50.100000000+00:00 stderr F line\n"
          + "2026-12-04T16:52:51.000000000+00:00 stdout F \n"
          + "2026-12-04T16:52:52.000000000+00:00 stdout P no newline at the end\n";

  @TempDir Path dir;

  private String read(LogOptions options) throws IOException {
    Path file = dir.resolve("0.log");
    Files.writeString(file, LOG, StandardCharsets.UTF_8);
    try (LogReader reader = new LogReader(file, options, () -> true)) {
      return new String(reader.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void streamAndTagAreStrippedAndPartsJoined() throws IOException {
    assertThat(read(LogOptions.ofDefaults()))
        .isEqualTo("first line\nsplit line\n\nno newline at the end");
  }

  @Test
  void timestampsAreShownInUtc() throws IOException {
    assertThat(read(LogOptions.builder().timestamps(true).build()))
        .startsWith("2026-12-04T16:52:49.807495445Z first line\n")
        .contains("2026-12-04T16:52:50.000000001Z split line\n");
  }

  @Test
  void sinceTimeAndTailSelectLines() throws IOException {
    assertThat(
            read(LogOptions.builder().sinceTime(Instant.parse("2026-12-04T16:52:50.500Z")).build()))
        .isEqualTo("\nno newline at the end");
    assertThat(read(LogOptions.builder().tailLines(2).build()))
        .isEqualTo("\nno newline at the end");
  }
}
