package dev.nodeless;

import java.util.List;

/** Thrown when no provider fits; lists every provider tried and why it was passed over. */
public class NoProviderException extends NodelessException {
  private static final long serialVersionUID = 1L;

  /** One provider that was considered and the reason it was passed over. */
  public record Attempt(String provider, int priority, String reason) {}

  private final transient List<Attempt> attempts;

  public NoProviderException(List<Attempt> attempts) {
    super(format(attempts));
    this.attempts = List.copyOf(attempts);
  }

  /** Every provider tried, in the order tried. */
  public List<Attempt> attempts() {
    return attempts;
  }

  private static String format(List<Attempt> attempts) {
    if (attempts.isEmpty()) {
      return "no pod provider found: add a provider module, such as nodeless-provider-local, to the"
          + " classpath or pass one to PodLauncher.builder().provider(...)";
    }
    StringBuilder message = new StringBuilder("no pod provider fits; tried:");
    for (Attempt attempt : attempts) {
      message
          .append("\n  - ")
          .append(attempt.provider())
          .append(" (priority ")
          .append(attempt.priority())
          .append("): ")
          .append(attempt.reason());
    }
    return message.toString();
  }
}
