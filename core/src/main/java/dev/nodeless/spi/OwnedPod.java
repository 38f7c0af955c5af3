package dev.nodeless.spi;

import dev.nodeless.PodRef;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;

/**
 * A pod that a provider found it owns, for example after the launcher restarted.
 *
 * @param ref the pod's identity
 * @param pod the pod as launched, when the provider kept it; otherwise {@code null}
 * @param status its latest status
 */
public record OwnedPod(PodRef ref, Pod pod, PodStatus status) {}
