package dev.nodeless.internal;

import java.util.function.Function;

/**
 * Expands {@code $(VAR)} references the way Kubernetes does in env values, command and args: a
 * known name is replaced by its value, an unknown one stays as written, {@code $$} becomes {@code
 * $} (so {@code $$(VAR)} yields the literal {@code $(VAR)}), and a {@code $} before any other
 * character stays as written.
 *
 * <p>Public for {@link dev.nodeless.spi.ResolvedContainer}; not part of the API.
 */
public final class EnvExpansion {

  private EnvExpansion() {}

  /**
   * Expands the references in {@code input}.
   *
   * @param lookup returns the value of a variable, or {@code null} when it is not defined
   */
  public static String expand(String input, Function<String, String> lookup) {
    if (input == null || input.indexOf('$') < 0) {
      return input;
    }
    StringBuilder out = new StringBuilder(input.length());
    int cursor = 0;
    while (cursor < input.length()) {
      char c = input.charAt(cursor);
      if (c != '$' || cursor + 1 >= input.length()) {
        out.append(c);
        cursor++;
        continue;
      }
      char next = input.charAt(cursor + 1);
      if (next == '$') {
        out.append('$');
        cursor += 2;
      } else if (next == '(') {
        int close = input.indexOf(')', cursor + 2);
        if (close < 0) {
          out.append("$(");
          cursor += 2;
        } else {
          String name = input.substring(cursor + 2, close);
          String value = lookup.apply(name);
          out.append(value != null ? value : "$(" + name + ")");
          cursor = close + 1;
        }
      } else {
        out.append('$').append(next);
        cursor += 2;
      }
    }
    return out.toString();
  }
}
