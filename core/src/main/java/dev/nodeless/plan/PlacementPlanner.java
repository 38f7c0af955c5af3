package dev.nodeless.plan;

import dev.nodeless.spi.ResolvedPod;

/**
 * Translates a resolved pod into one provider's launch requests and prices them, with no I/O.
 * Provider modules register an implementation with {@link java.util.ServiceLoader}. Implementations
 * are deterministic for the same input and safe to call from many threads.
 */
public interface PlacementPlanner {

  /** The provider name, such as {@code ec2}. */
  String provider();

  /** Translates and prices the pod, or rejects it with every reason at once. */
  PlacementQuote plan(ResolvedPod pod, PlanSettings settings);
}
