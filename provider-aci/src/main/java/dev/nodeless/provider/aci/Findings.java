package dev.nodeless.provider.aci;

import dev.nodeless.ValidationProblem;
import java.util.ArrayList;
import java.util.List;

/** Problems and notes collected while one pod is translated. Not thread-safe: one per call. */
final class Findings {
  private final List<ValidationProblem> problems = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();

  void reject(String fieldPath, String value, String rule, String fix) {
    problems.add(new ValidationProblem(fieldPath, value, rule, fix));
  }

  void note(String note) {
    notes.add(note);
  }

  boolean hasProblems() {
    return !problems.isEmpty();
  }

  List<ValidationProblem> problems() {
    return List.copyOf(problems);
  }

  List<String> notes() {
    return List.copyOf(notes);
  }
}
