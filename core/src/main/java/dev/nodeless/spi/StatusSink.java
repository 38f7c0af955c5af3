package dev.nodeless.spi;

import dev.nodeless.PodRef;
import io.fabric8.kubernetes.api.model.PodStatus;

/**
 * Where a provider reports status changes. Calls are cheap and never block: the launcher copies the
 * status and delivers it to listeners on its own event thread.
 */
@FunctionalInterface
public interface StatusSink {
  void statusChanged(PodRef pod, PodStatus status);
}
