package dev.nodeless;

import io.fabric8.kubernetes.api.model.PodStatus;

/** Small predicates over pod phases. */
public final class PodPhases {
  public static final String PENDING = "Pending";
  public static final String RUNNING = "Running";
  public static final String SUCCEEDED = "Succeeded";
  public static final String FAILED = "Failed";
  public static final String UNKNOWN = "Unknown";

  private PodPhases() {}

  /** Whether the pod reached {@code Succeeded} or {@code Failed}, from which no phase returns. */
  public static boolean isFinished(PodStatus status) {
    return status != null
        && (SUCCEEDED.equals(status.getPhase()) || FAILED.equals(status.getPhase()));
  }
}
