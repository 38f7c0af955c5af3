package dev.nodeless;

import java.util.Optional;

/**
 * Root of every exception that Nodeless throws. It is unchecked and carries, where known, the pod
 * and provider involved and whether the same call may succeed when retried.
 */
public class NodelessException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient PodRef pod;
  private final String provider;
  private final boolean retryable;

  public NodelessException(String message) {
    this(message, null, null, false, null);
  }

  public NodelessException(String message, Throwable cause) {
    this(message, null, null, false, cause);
  }

  public NodelessException(
      String message, PodRef pod, String provider, boolean retryable, Throwable cause) {
    super(message, cause);
    this.pod = pod;
    this.provider = provider;
    this.retryable = retryable;
  }

  /** The pod this failure concerns, when it concerns one. */
  public Optional<PodRef> pod() {
    return Optional.ofNullable(pod);
  }

  /** Name of the provider that failed, when a provider was involved. */
  public Optional<String> provider() {
    return Optional.ofNullable(provider);
  }

  /** Whether the same call may succeed if retried unchanged, for example after throttling. */
  public boolean retryable() {
    return retryable;
  }
}
