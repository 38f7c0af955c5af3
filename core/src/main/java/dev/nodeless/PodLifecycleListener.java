package dev.nodeless;

import io.fabric8.kubernetes.api.model.PodStatus;

/**
 * Receives the lifecycle events of every pod of a launcher. Callbacks run on the launcher's event
 * thread: they must return quickly and must not throw. An exception thrown anyway is logged and
 * ignored.
 */
public interface PodLifecycleListener {

  /** The pod passed validation and was handed to the provider. */
  default void onRequested(PodRef pod) {}

  /** The provider started creating the pod's sandbox and containers. */
  default void onStarting(PodRef pod) {}

  /** The pod reached phase {@code Running}. */
  default void onRunning(PodRef pod, PodStatus status) {}

  /** The pod reached {@code Succeeded} or {@code Failed}, or was terminated. */
  default void onTerminated(PodRef pod, PodStatus status) {}

  /** The launch failed before the pod ran; the provider has cleaned up what it created. */
  default void onLaunchFailed(PodRef pod, Throwable error) {}
}
