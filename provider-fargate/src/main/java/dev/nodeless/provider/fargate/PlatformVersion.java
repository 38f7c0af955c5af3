package dev.nodeless.provider.fargate;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Fargate platform version such as {@code 1.4.0}, or {@code LATEST}, which is never older than a
 * numbered version.
 */
record PlatformVersion(String text, int major, int minor, int patch) {
  // Declared first: the constants below parse with it during class initialization.
  private static final Pattern NUMBERED = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

  static final PlatformVersion LATEST = new PlatformVersion("LATEST", 0, 0, 0);
  static final PlatformVersion LINUX_DEFAULT = parse("1.4.0");
  static final PlatformVersion WINDOWS_DEFAULT = parse("1.0.0");

  /**
   * Parses {@code LATEST} or a version of three numbers.
   *
   * @throws IllegalArgumentException for any other text
   */
  static PlatformVersion parse(String text) {
    if ("LATEST".equals(text)) {
      return LATEST;
    }
    Matcher matcher = NUMBERED.matcher(text);
    if (!matcher.matches()) {
      throw new IllegalArgumentException(
          "\"" + text + "\" is not a Fargate platform version such as 1.4.0 or LATEST");
    }
    return new PlatformVersion(
        text,
        Integer.parseInt(matcher.group(1)),
        Integer.parseInt(matcher.group(2)),
        Integer.parseInt(matcher.group(3)));
  }

  boolean isLatest() {
    return this == LATEST || "LATEST".equals(text);
  }

  /** Whether this numbered version is older than {@code other}; {@code LATEST} never is. */
  boolean isBefore(PlatformVersion other) {
    if (isLatest()) {
      return false;
    }
    if (other.isLatest()) {
      return true;
    }
    if (major != other.major) {
      return major < other.major;
    }
    if (minor != other.minor) {
      return minor < other.minor;
    }
    return patch < other.patch;
  }

  @Override
  public String toString() {
    return text;
  }
}
