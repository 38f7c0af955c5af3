package dev.nodeless.internal;

import dev.nodeless.PodRef;
import dev.nodeless.PodValidationException;
import dev.nodeless.ReferenceResolver;
import dev.nodeless.ValidationProblem;
import dev.nodeless.spi.DownwardFacts;
import dev.nodeless.spi.EnvValue;
import dev.nodeless.spi.ResolvedContainer;
import dev.nodeless.spi.ResolvedPod;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Validates a pod and resolves its references into a {@link ResolvedPod}. */
public final class PodPreparer {

  private PodPreparer() {}

  /**
   * Validates the pod and resolves every reference.
   *
   * @param pod a pod with metadata.uid and metadata.namespace already set
   * @throws PodValidationException listing every problem found
   */
  public static ResolvedPod prepare(Pod pod, ReferenceResolver resolver, DownwardFacts facts) {
    // TODO: replace with the full validator and resolver.
    List<ValidationProblem> problems = new ArrayList<>();
    List<ResolvedContainer> inits = new ArrayList<>();
    List<ResolvedContainer> apps = new ArrayList<>();
    List<Container> initSpecs = pod.getSpec().getInitContainers();
    for (int i = 0; initSpecs != null && i < initSpecs.size(); i++) {
      inits.add(literal(initSpecs.get(i), "spec.initContainers[" + i + "]", true));
    }
    List<Container> appSpecs = pod.getSpec().getContainers();
    for (int i = 0; appSpecs != null && i < appSpecs.size(); i++) {
      apps.add(literal(appSpecs.get(i), "spec.containers[" + i + "]", false));
    }
    if (!problems.isEmpty()) {
      throw new PodValidationException(PodRef.of(pod), null, problems);
    }
    return new ResolvedPod(pod, inits, apps, Map.of());
  }

  private static ResolvedContainer literal(Container container, String path, boolean init) {
    List<EnvValue> env = new ArrayList<>();
    if (container.getEnv() != null) {
      for (EnvVar var : container.getEnv()) {
        env.add(EnvValue.literal(var.getName(), var.getValue() == null ? "" : var.getValue()));
      }
    }
    return new ResolvedContainer(
        container,
        path,
        init,
        container.getCommand() == null ? List.of() : container.getCommand(),
        container.getArgs() == null ? List.of() : container.getArgs(),
        env);
  }
}
