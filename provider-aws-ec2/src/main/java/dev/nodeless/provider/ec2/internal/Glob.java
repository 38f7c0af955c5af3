package dev.nodeless.provider.ec2.internal;

import java.util.List;
import java.util.regex.Pattern;

/**
 * A comma-separated list of shell-style patterns over instance type or family names: {@code *}
 * matches any run of characters and {@code ?} one character, as in {@code m5.*, c6?.large}.
 */
public record Glob(String text, List<Pattern> patterns) {

  public static Glob of(String text) {
    List<Pattern> patterns =
        java.util.Arrays.stream(text.split(","))
            .map(String::trim)
            .filter(part -> !part.isEmpty())
            .map(Glob::compile)
            .toList();
    return new Glob(text.trim(), patterns);
  }

  public boolean isEmpty() {
    return patterns.isEmpty();
  }

  /** Whether the text names one type with no wildcard, such as {@code m5.large}. */
  public boolean isExact() {
    return patterns.size() == 1 && !text.contains("*") && !text.contains("?");
  }

  public boolean matches(String name) {
    return patterns.stream().anyMatch(pattern -> pattern.matcher(name).matches());
  }

  private static Pattern compile(String glob) {
    StringBuilder regex = new StringBuilder();
    StringBuilder literal = new StringBuilder();
    for (char c : glob.toCharArray()) {
      if (c == '*' || c == '?') {
        regex.append(Pattern.quote(literal.toString()));
        literal.setLength(0);
        regex.append(c == '*' ? ".*" : ".");
      } else {
        literal.append(c);
      }
    }
    regex.append(Pattern.quote(literal.toString()));
    return Pattern.compile(regex.toString());
  }

  @Override
  public String toString() {
    return text;
  }
}
