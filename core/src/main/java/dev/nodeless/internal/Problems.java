package dev.nodeless.internal;

import dev.nodeless.ValidationProblem;
import java.util.ArrayList;
import java.util.List;

/** Collects validation problems in the order they are found. Not thread-safe. */
final class Problems {
  /** Shown in place of a value that came from a Secret. */
  static final String REDACTED = "<redacted>";

  private final List<ValidationProblem> problems = new ArrayList<>();

  void add(String fieldPath, String value, String rule, String fix) {
    problems.add(new ValidationProblem(fieldPath, value, rule, fix));
  }

  /** Adds a problem for a required field that is missing or empty. */
  void required(String fieldPath, String fix) {
    add(fieldPath, null, "is required", fix);
  }

  boolean isEmpty() {
    return problems.isEmpty();
  }

  int size() {
    return problems.size();
  }

  List<ValidationProblem> list() {
    return List.copyOf(problems);
  }
}
