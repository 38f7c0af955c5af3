package dev.nodeless.cli;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The logs of background supervisors under {@code <stateDir>/cli/}. A log stays while its
 * supervisor runs, and for a week after it was last written.
 */
final class SupervisorLogs {
  private static final Logger LOG = LoggerFactory.getLogger(SupervisorLogs.class);

  /** How long a log stays after its last write once no process has it open. */
  static final Duration RETENTION = Duration.ofDays(7);

  private SupervisorLogs() {}

  /**
   * Deletes the supervisor logs in {@code directory} that were last written before {@code now}
   * minus {@link #RETENTION} and that no process of this user has open: a supervisor of a quiet pod
   * may write nothing for weeks.
   *
   * @return the logs deleted
   */
  static List<Path> prune(Path directory, Instant now) {
    List<Path> stale = new ArrayList<>();
    Instant cutoff = now.minus(RETENTION);
    try (DirectoryStream<Path> logs = Files.newDirectoryStream(directory, "supervisor-*.log")) {
      for (Path log : logs) {
        if (Files.getLastModifiedTime(log).toInstant().isBefore(cutoff)) {
          stale.add(log);
        }
      }
    } catch (IOException e) {
      LOG.debug("Cannot list the supervisor logs in {}: {}", directory, e.toString());
      return List.of();
    }
    if (stale.isEmpty()) {
      return List.of();
    }
    Set<Path> open = openFiles();
    List<Path> deleted = new ArrayList<>();
    for (Path log : stale) {
      if (open.contains(log.toAbsolutePath())) {
        continue;
      }
      try {
        Files.deleteIfExists(log);
        deleted.add(log);
      } catch (IOException e) {
        LOG.debug("Cannot delete the old supervisor log {}: {}", log, e.toString());
      }
    }
    if (!deleted.isEmpty()) {
      LOG.debug("Deleted {} supervisor logs older than {}", deleted.size(), RETENTION);
    }
    return deleted;
  }

  /** Returns the files that processes have open, as far as {@code /proc} lets this user see. */
  private static Set<Path> openFiles() {
    Set<Path> open = new HashSet<>();
    try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path process : processes) {
        try (Stream<Path> descriptors = Files.list(process.resolve("fd"))) {
          descriptors.forEach(
              descriptor -> {
                try {
                  open.add(Files.readSymbolicLink(descriptor));
                } catch (IOException | UnsupportedOperationException e) {
                  // The descriptor closed meanwhile.
                }
              });
        } catch (IOException e) {
          // The process exited, or it belongs to another user.
        }
      }
    } catch (IOException e) {
      LOG.debug("Cannot read /proc to find open logs: {}", e.toString());
    }
    return open;
  }
}
