package dev.nodeless.internal;

import dev.nodeless.NodelessException;
import dev.nodeless.PodRef;
import dev.nodeless.PodValidationException;
import dev.nodeless.ReferenceResolver;
import dev.nodeless.spi.DownwardFacts;
import dev.nodeless.spi.ResolvedPod;
import io.fabric8.kubernetes.api.model.Pod;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Validates a pod and resolves its references into a {@link ResolvedPod}. */
public final class PodPreparer {
  private static final Logger LOG = LoggerFactory.getLogger(PodPreparer.class);

  private PodPreparer() {}

  /** Same as {@link #prepare(Pod, ReferenceResolver, DownwardFacts, String)} for no provider. */
  public static ResolvedPod prepare(Pod pod, ReferenceResolver resolver, DownwardFacts facts) {
    return prepare(pod, resolver, facts, "(none)");
  }

  /**
   * Validates the pod and resolves every reference, reporting structural problems and unresolved
   * references together.
   *
   * @param pod a pod with {@code metadata.uid} and {@code metadata.namespace} already set
   * @param provider the provider name, for messages about facts it cannot supply
   * @throws PodValidationException listing every problem found
   * @throws NodelessException when the resolver fails to look up an object; retryable
   */
  public static ResolvedPod prepare(
      Pod pod, ReferenceResolver resolver, DownwardFacts facts, String provider) {
    PodRef ref = PodRef.of(pod);
    Problems problems = new Problems();
    PodValidator.validate(pod, problems);
    int structural = problems.size();
    ResolvedPod resolved = null;
    if (pod.getSpec() != null) {
      try {
        resolved = new PodResolver(pod, resolver, facts, provider, problems).resolve();
      } catch (NodelessException e) {
        throw e;
      } catch (RuntimeException e) {
        if (structural == 0) {
          throw e;
        }
        // The structural problems already explain the pod; resolution stumbled over them.
        LOG.debug("Pod {}: resolution stopped on the invalid pod: {}", ref, e.toString());
      }
    }
    if (!problems.isEmpty()) {
      LOG.debug("Pod {} rejected with {} problems", ref, problems.size());
      throw new PodValidationException(ref, provider, problems.list());
    }
    LOG.debug("Pod {} validated and resolved", ref);
    return resolved;
  }
}
