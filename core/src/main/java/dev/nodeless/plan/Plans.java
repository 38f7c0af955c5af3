package dev.nodeless.plan;

import dev.nodeless.PodValidationException;
import dev.nodeless.ReferenceResolver;
import dev.nodeless.internal.PodPreparer;
import dev.nodeless.spi.DownwardFacts;
import dev.nodeless.spi.ResolvedPod;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.Map;
import java.util.Objects;

/** Entry points for planning a pod without a launcher, such as for a price comparison. */
public final class Plans {
  /** Facts before launch on any provider: no node name, host address or pod address yet. */
  private static final DownwardFacts NO_FACTS = new DownwardFacts(null, null, null, Map.of());

  private Plans() {}

  /**
   * Validates the pod and resolves its references as a launch does, for no particular provider, so
   * that every {@link PlacementPlanner} can quote it. Downward API fields that only a provider
   * knows, such as {@code spec.nodeName} and {@code status.podIP}, are reported as problems.
   *
   * @param pod a pod with {@code metadata.uid} and {@code metadata.namespace} set
   * @throws PodValidationException listing every problem found
   */
  public static ResolvedPod resolve(Pod pod, ReferenceResolver resolver) {
    Objects.requireNonNull(pod, "pod");
    Objects.requireNonNull(resolver, "resolver");
    return PodPreparer.prepare(pod, resolver, NO_FACTS, "(planning)");
  }
}
