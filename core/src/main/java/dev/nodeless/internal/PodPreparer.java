package dev.nodeless.internal;

import dev.nodeless.NodelessException;
import dev.nodeless.PodRef;
import dev.nodeless.PodValidationException;
import dev.nodeless.ReferenceResolver;
import dev.nodeless.ValidationProblem;
import dev.nodeless.spi.DownwardFacts;
import dev.nodeless.spi.ResolvedPod;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
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
    Examined examined = examine(pod, resolver, facts, provider);
    if (!examined.problems().isEmpty()) {
      throw new PodValidationException(PodRef.of(pod), provider, examined.problems());
    }
    return examined.resolved();
  }

  /**
   * The outcome of {@link #examine}.
   *
   * @param resolved the resolved pod, with unresolved references left out; {@code null} when the
   *     pod has structural problems, because a provider may not look at such a pod
   * @param problems every structural problem and unresolved reference
   */
  public record Examined(ResolvedPod resolved, List<ValidationProblem> problems) {}

  /**
   * Validates the pod and resolves every reference, like {@link #prepare}, but returns the problems
   * instead of throwing them, together with the resolved pod when its structure is valid. A
   * launcher can then add its provider's problems, so that the caller learns of all at once.
   *
   * @throws NodelessException when the resolver fails to look up an object; retryable
   */
  public static Examined examine(
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
    if (problems.isEmpty()) {
      LOG.debug("Pod {} validated and resolved", ref);
    } else {
      LOG.debug("Pod {} has {} problems", ref, problems.size());
    }
    return new Examined(structural == 0 ? resolved : null, problems.list());
  }
}
