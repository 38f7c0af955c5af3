package dev.nodeless.local;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code local.*} settings, parsed and checked. See the package documentation for each key.
 *
 * @param stateDir where pods keep their files
 * @param nodeName the node name that pods see
 * @param backOffInitial the first crash-loop back-off
 * @param backOffMax the longest crash-loop back-off
 * @param backOffReset how long after a restart the back-off starts again from {@code
 *     backOffInitial}
 * @param pollInterval how often terminate requests and observed pods' status files are checked
 * @param mountNamespaces whether private mount namespaces may be used, when the host allows them
 * @param cgroups whether cgroups may be used for limits, when the host allows them
 * @param posixSpawn whether container processes start with {@code posix_spawn}, when the C library
 *     offers what it needs
 */
record LocalSettings(
    Path stateDir,
    String nodeName,
    Duration backOffInitial,
    Duration backOffMax,
    Duration backOffReset,
    Duration pollInterval,
    boolean mountNamespaces,
    boolean cgroups,
    boolean posixSpawn) {

  static final String STATE_DIR = "local.stateDir";
  static final String NODE_NAME = "local.nodeName";
  static final String BACK_OFF_INITIAL = "local.backOff.initial";
  static final String BACK_OFF_MAX = "local.backOff.max";
  static final String BACK_OFF_RESET = "local.backOff.reset";
  static final String POLL_INTERVAL = "local.pollInterval";
  static final String MOUNT_NAMESPACES = "local.mountNamespaces";
  static final String CGROUPS = "local.cgroups";
  static final String POSIX_SPAWN = "local.posixSpawn";

  /** Every key above. */
  static final Set<String> KEYS =
      Set.of(
          STATE_DIR,
          NODE_NAME,
          BACK_OFF_INITIAL,
          BACK_OFF_MAX,
          BACK_OFF_RESET,
          POLL_INTERVAL,
          MOUNT_NAMESPACES,
          CGROUPS,
          POSIX_SPAWN);

  private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

  /**
   * Parses the settings.
   *
   * @throws IllegalArgumentException naming the key, the value and the expected form
   */
  static LocalSettings parse(Map<String, String> settings) {
    Path stateDir =
        settings.containsKey(STATE_DIR) ? Path.of(settings.get(STATE_DIR)) : defaultStateDir();
    String nodeName = settings.getOrDefault(NODE_NAME, hostName());
    Duration initial = duration(settings, BACK_OFF_INITIAL, Duration.ofSeconds(10));
    Duration max = duration(settings, BACK_OFF_MAX, Duration.ofMinutes(5));
    Duration reset = duration(settings, BACK_OFF_RESET, max.multipliedBy(2));
    Duration poll = duration(settings, POLL_INTERVAL, Duration.ofMillis(200));
    if (initial.compareTo(max) > 0) {
      throw new IllegalArgumentException(
          BACK_OFF_INITIAL
              + " ("
              + initial
              + ") must not exceed "
              + BACK_OFF_MAX
              + " ("
              + max
              + ")");
    }
    if (poll.isZero()) {
      throw new IllegalArgumentException(POLL_INTERVAL + " must be positive, got 0");
    }
    return new LocalSettings(
        stateDir.toAbsolutePath().normalize(),
        nodeName,
        initial,
        max,
        reset,
        poll,
        flag(settings, MOUNT_NAMESPACES),
        flag(settings, CGROUPS),
        flag(settings, POSIX_SPAWN));
  }

  /** {@code ${java.io.tmpdir}/nodeless-${user.name}}. */
  static Path defaultStateDir() {
    String user = System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9._-]", "_");
    return Path.of(System.getProperty("java.io.tmpdir"), "nodeless-" + user);
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }

  private static boolean flag(Map<String, String> settings, String key) {
    String value = settings.getOrDefault(key, "true").trim().toLowerCase(Locale.ROOT);
    return switch (value) {
      case "true", "auto" -> true;
      case "false", "off" -> false;
      default ->
          throw new IllegalArgumentException(
              key
                  + " = \""
                  + value
                  + "\" is invalid; use true (use it when the host allows) or false");
    };
  }

  /**
   * Parses {@code 250ms}, {@code 10s}, {@code 5m}, {@code 1h} or ISO-8601 such as {@code PT10S}.
   */
  static Duration duration(Map<String, String> settings, String key, Duration fallback) {
    String text = settings.get(key);
    if (text == null) {
      return fallback;
    }
    String trimmed = text.trim();
    Matcher simple = SIMPLE_DURATION.matcher(trimmed);
    Duration parsed;
    if (simple.matches()) {
      long amount = Long.parseLong(simple.group(1));
      parsed =
          switch (simple.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofHours(amount);
          };
    } else {
      try {
        parsed = Duration.parse(trimmed);
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(
            key
                + " = \""
                + text
                + "\" is not a duration; use a number with ms, s, m or h, such as 250ms, or"
                + " ISO-8601 such as PT10S",
            e);
      }
    }
    if (parsed.isNegative()) {
      throw new IllegalArgumentException(key + " = \"" + text + "\" must not be negative");
    }
    return parsed;
  }
}
