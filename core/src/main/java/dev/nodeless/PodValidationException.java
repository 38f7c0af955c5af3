package dev.nodeless;

import java.util.List;

/**
 * Thrown when a pod breaks one or more rules, before anything is created. It lists every problem
 * found, not only the first.
 */
public class PodValidationException extends NodelessException {
  private static final long serialVersionUID = 1L;

  private final transient List<ValidationProblem> problems;

  public PodValidationException(PodRef pod, String provider, List<ValidationProblem> problems) {
    super(format(pod, problems), pod, provider, false, null);
    this.problems = List.copyOf(problems);
  }

  /** Every problem found, in field order. */
  public List<ValidationProblem> problems() {
    return problems;
  }

  private static String format(PodRef pod, List<ValidationProblem> problems) {
    StringBuilder message = new StringBuilder();
    message
        .append("invalid pod ")
        .append(pod == null ? "(unnamed)" : pod.namespace() + "/" + pod.name())
        .append(": ")
        .append(problems.size())
        .append(problems.size() == 1 ? " problem" : " problems");
    for (ValidationProblem problem : problems) {
      message.append("\n  - ").append(problem.describe());
    }
    return message.toString();
  }
}
