package dev.nodeless;

import java.util.Objects;

/**
 * One problem found in a pod before anything starts.
 *
 * @param fieldPath path of the offending field, such as {@code
 *     spec.containers[1].resources.limits.memory}
 * @param value the offending value as text, {@code <redacted>} for secret values, or {@code null}
 *     when the field is missing
 * @param rule the rule that the value breaks
 * @param fix what to change so that the pod is accepted
 */
public record ValidationProblem(String fieldPath, String value, String rule, String fix) {

  public ValidationProblem {
    Objects.requireNonNull(fieldPath, "fieldPath");
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(fix, "fix");
  }

  /** Formats the problem as one line: path, value, rule and fix. */
  public String describe() {
    String shown = value == null ? "missing" : "\"" + value + "\"";
    return fieldPath + " = " + shown + ": " + rule + ". Fix: " + fix;
  }
}
