package dev.nodeless.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SupervisorLogsTest {
  private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");

  @TempDir Path dir;

  @Test
  void pruneDeletesOnlyOldClosedLogs() throws Exception {
    Path old = log("supervisor-20261120-100000-1.log", NOW.minus(Duration.ofDays(8)));
    Path recent = log("supervisor-20261201-100000-2.log", NOW.minus(Duration.ofDays(6)));
    Path oldButOpen = log("supervisor-20261101-100000-3.log", NOW.minus(Duration.ofDays(30)));
    Path other = log("notes.log", NOW.minus(Duration.ofDays(30)));

    try (OutputStream writer = Files.newOutputStream(oldButOpen)) {
      Files.setLastModifiedTime(oldButOpen, FileTime.from(NOW.minus(Duration.ofDays(30))));

      assertThat(SupervisorLogs.prune(dir, NOW)).containsExactly(old);
    }

    assertThat(old).doesNotExist();
    assertThat(recent).exists();
    assertThat(oldButOpen).exists();
    assertThat(other).exists();
  }

  @Test
  void pruneOfMissingDirectoryDeletesNothing() {
    assertThat(SupervisorLogs.prune(dir.resolve("absent"), NOW)).isEmpty();
  }

  private Path log(String name, Instant modified) throws Exception {
    Path file = Files.writeString(dir.resolve(name), "log of " + name + "\n");
    Files.setLastModifiedTime(file, FileTime.from(modified));
    return file;
  }
}
