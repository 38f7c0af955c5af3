package dev.nodeless.local;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates one cgroup per container instance for memory and CPU limits, nested under the cgroup of
 * this JVM so that the limits of the JVM's own cgroup still apply. Supports cgroup v2 (a {@code
 * cgroup2} mount at {@code /sys/fs/cgroup} whose JVM cgroup delegates the memory and cpu
 * controllers) and cgroup v1 (the {@code memory} and {@code cpu} hierarchies). {@link #detect}
 * tries a real cgroup once; when that fails, limits are not enforced.
 */
final class Cgroups {
  private static final Logger LOG = LoggerFactory.getLogger(Cgroups.class);
  private static final Path ROOT = Path.of("/sys/fs/cgroup");
  private static final long CPU_PERIOD_MICROS = 100_000;

  enum Version {
    V1,
    V2
  }

  private final Version version;
  private final Path memoryBase;
  private final Path cpuBase;

  private Cgroups(Version version, Path memoryBase, Path cpuBase) {
    this.version = version;
    this.memoryBase = memoryBase;
    this.cpuBase = cpuBase;
  }

  /** Finds usable cgroups, or empty with the reason logged at INFO. */
  static Optional<Cgroups> detect() {
    try {
      List<String> lines = Files.readAllLines(Path.of("/proc/self/cgroup"));
      Cgroups candidate = null;
      if (Files.exists(ROOT.resolve("cgroup.controllers"))) {
        String own = ownPath(lines, null);
        if (own != null) {
          Path base = ROOT.resolve(own.substring(1));
          candidate = new Cgroups(Version.V2, base, base);
        }
      } else if (Files.isDirectory(ROOT.resolve("memory"))) {
        String memory = ownPath(lines, "memory");
        String cpu = ownPath(lines, "cpu");
        if (memory != null) {
          Path cpuBase =
              cpu == null || !Files.isDirectory(ROOT.resolve("cpu"))
                  ? null
                  : ROOT.resolve("cpu").resolve(cpu.substring(1));
          candidate =
              new Cgroups(Version.V1, ROOT.resolve("memory").resolve(memory.substring(1)), cpuBase);
        }
      }
      if (candidate == null) {
        LOG.info("No cgroup hierarchy found; memory and CPU limits are not enforced");
        return Optional.empty();
      }
      InstanceCgroup probe =
          candidate.create(
              "nodeless-probe-" + ProcessHandle.current().pid(), 64L << 20, BigDecimal.ONE);
      probe.remove();
      LOG.info(
          "Enforcing memory and CPU limits with cgroup {} under {}",
          candidate.version,
          candidate.memoryBase);
      return Optional.of(candidate);
    } catch (IOException | RuntimeException e) {
      LOG.info("Cannot create cgroups ({}); memory and CPU limits are not enforced", e.toString());
      return Optional.empty();
    }
  }

  /** The cgroup path of this process for a v1 controller, or the v2 path when null. */
  private static String ownPath(List<String> lines, String controller) {
    for (String line : lines) {
      String[] parts = line.split(":", 3);
      if (parts.length < 3) {
        continue;
      }
      if (controller == null && parts[0].equals("0") && parts[1].isEmpty()) {
        return parts[2];
      }
      if (controller != null) {
        for (String name : parts[1].split(",")) {
          if (name.equals(controller)) {
            return parts[2];
          }
        }
      }
    }
    return null;
  }

  Version version() {
    return version;
  }

  /**
   * Creates a cgroup with these limits; either may be null.
   *
   * @throws IOException when the cgroup or a limit cannot be written; nothing is left behind then
   */
  InstanceCgroup create(String name, Long memoryBytes, BigDecimal cpuCores) throws IOException {
    List<Path> dirs = new ArrayList<>();
    try {
      if (version == Version.V2) {
        Path dir = memoryBase.resolve(name);
        Files.createDirectory(dir);
        dirs.add(dir);
        if (memoryBytes != null) {
          write(dir.resolve("memory.max"), Long.toString(memoryBytes));
          write(dir.resolve("memory.swap.max"), "0");
        }
        if (cpuCores != null) {
          write(dir.resolve("cpu.max"), quota(cpuCores) + " " + CPU_PERIOD_MICROS);
        }
      } else {
        Path memory = memoryBase.resolve(name);
        Files.createDirectory(memory);
        dirs.add(memory);
        if (memoryBytes != null) {
          write(memory.resolve("memory.limit_in_bytes"), Long.toString(memoryBytes));
        }
        if (cpuCores != null && cpuBase != null) {
          Path cpu = cpuBase.resolve(name);
          Files.createDirectory(cpu);
          dirs.add(cpu);
          write(cpu.resolve("cpu.cfs_period_us"), Long.toString(CPU_PERIOD_MICROS));
          write(cpu.resolve("cpu.cfs_quota_us"), Long.toString(quota(cpuCores)));
        }
      }
      return new InstanceCgroup(version, dirs);
    } catch (IOException | RuntimeException e) {
      new InstanceCgroup(version, dirs).remove();
      throw e;
    }
  }

  private static long quota(BigDecimal cores) {
    long micros =
        cores
            .multiply(BigDecimal.valueOf(CPU_PERIOD_MICROS))
            .setScale(0, RoundingMode.CEILING)
            .longValue();
    return Math.max(1000, micros);
  }

  private static void write(Path file, String value) throws IOException {
    Files.writeString(file, value, StandardCharsets.US_ASCII);
  }

  /** The cgroup directories of one instance; the first one is in the memory hierarchy. */
  record InstanceCgroup(Version version, List<Path> dirs) {
    InstanceCgroup {
      dirs = List.copyOf(dirs);
    }

    /** Reads a record written by {@link #toRecord()}. */
    static InstanceCgroup fromRecord(String text) {
      if (text == null || text.isBlank()) {
        return null;
      }
      String[] parts = text.split(",");
      List<Path> dirs = new ArrayList<>();
      for (int i = 1; i < parts.length; i++) {
        dirs.add(Path.of(parts[i]));
      }
      return new InstanceCgroup(Version.valueOf(parts[0]), dirs);
    }

    String toRecord() {
      StringBuilder text = new StringBuilder(version.name());
      dirs.forEach(dir -> text.append(',').append(dir));
      return text.toString();
    }

    /** Whether the kernel's OOM killer killed a process in this cgroup. */
    boolean oomKilled() {
      Path events =
          dirs.get(0).resolve(version == Version.V2 ? "memory.events" : "memory.oom_control");
      try {
        for (String line : Files.readAllLines(events)) {
          if (line.startsWith("oom_kill ")) {
            return Long.parseLong(line.substring("oom_kill ".length()).trim()) > 0;
          }
        }
      } catch (IOException | NumberFormatException e) {
        LOG.debug("Cannot read {}: {}", events, e.toString());
      }
      return false;
    }

    /** The processes in the cgroup now. */
    Set<Long> pids() {
      Set<Long> pids = new HashSet<>();
      for (Path dir : dirs) {
        try {
          for (String line : Files.readAllLines(dir.resolve("cgroup.procs"))) {
            if (!line.isBlank()) {
              pids.add(Long.parseLong(line.trim()));
            }
          }
        } catch (IOException | NumberFormatException e) {
          LOG.debug("Cannot read the processes of cgroup {}: {}", dir, e.toString());
        }
      }
      return pids;
    }

    /** The files a process writes its PID to, to join this cgroup. */
    List<Path> procsFiles() {
      return dirs.stream().map(dir -> dir.resolve("cgroup.procs")).toList();
    }

    /** Removes the cgroup directories; a cgroup that still has processes stays. */
    void remove() {
      for (Path dir : dirs) {
        try {
          Files.deleteIfExists(dir);
        } catch (IOException e) {
          LOG.debug("Cannot remove cgroup {} yet: {}", dir, e.toString());
        }
      }
    }
  }
}
