package dev.nodeless;

import io.fabric8.kubernetes.api.model.PodStatus;

/**
 * Receives every status change of the pods it is subscribed to. Called on the launcher's event
 * thread, in order per pod; it must return quickly and must not throw.
 */
@FunctionalInterface
public interface PodStatusListener {
  void onStatus(PodRef pod, PodStatus status);
}
