package dev.nodeless.provider.fargate;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The valid Fargate task sizes, read once from the bundled {@code task-sizes.csv}. Keeping them as
 * data lets a new tier be added without code changes.
 */
final class TaskSizes {
  private static final String RESOURCE = "task-sizes.csv";

  /**
   * One row of the table.
   *
   * @param size the task size
   * @param operatingSystems {@code linux} and, for 1-4 vCPU, {@code windows}
   * @param minLinuxPlatform the lowest Linux platform version that runs the size
   */
  record Row(TaskSize size, Set<String> operatingSystems, PlatformVersion minLinuxPlatform) {}

  private static final List<Row> ROWS = load();
  private static final Map<String, List<TaskSize>> ALLOWED = new ConcurrentHashMap<>();
  private static final Map<String, Set<TaskSize>> ALLOWED_SETS = new ConcurrentHashMap<>();

  private TaskSizes() {}

  /** Every valid size, in table order (ascending CPU, then memory). */
  static List<Row> rows() {
    return ROWS;
  }

  /** The sizes that a task with this operating system and platform version may use. */
  static List<TaskSize> allowed(String operatingSystem, PlatformVersion platform) {
    // Keys are few (two systems, a handful of versions), so the map stays small.
    return ALLOWED.computeIfAbsent(
        operatingSystem + " " + platform.text(), key -> filter(operatingSystem, platform));
  }

  /** Returns the same sizes as {@link #allowed} as a set, for membership tests. */
  static Set<TaskSize> allowedSet(String operatingSystem, PlatformVersion platform) {
    return ALLOWED_SETS.computeIfAbsent(
        operatingSystem + " " + platform.text(),
        key -> Set.copyOf(allowed(operatingSystem, platform)));
  }

  private static List<TaskSize> filter(String operatingSystem, PlatformVersion platform) {
    List<TaskSize> result = new ArrayList<>();
    for (Row row : ROWS) {
      if (!row.operatingSystems().contains(operatingSystem)) {
        continue;
      }
      if (operatingSystem.equals(Platform.LINUX) && platform.isBefore(row.minLinuxPlatform())) {
        continue;
      }
      result.add(row.size());
    }
    return List.copyOf(result);
  }

  private static List<Row> load() {
    try (InputStream in = TaskSizes.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the provider-fargate jar");
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      List<Row> rows = new ArrayList<>();
      boolean header = true;
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        if (header) {
          header = false;
          continue;
        }
        String[] cells = line.split(",");
        rows.add(
            new Row(
                new TaskSize(Integer.parseInt(cells[0]), Integer.parseInt(cells[1])),
                Set.of(cells[2].trim().split(" ")),
                PlatformVersion.parse(cells[3].trim())));
      }
      return List.copyOf(rows);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }
}
