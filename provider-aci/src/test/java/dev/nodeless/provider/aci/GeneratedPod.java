package dev.nodeless.provider.aci;

import dev.nodeless.spi.ResolvedPod;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;

/**
 * A generated pod with the ConfigMaps and Secrets it refers to. {@link #toString()} leaves out
 * object contents, so secret test values stay out of reports.
 */
record GeneratedPod(Pod pod, List<HasMetadata> objects) {

  ResolvedPod resolved() {
    return new TestResolver(objects).resolve(pod);
  }

  @Override
  public String toString() {
    return "GeneratedPod{"
        + pod.getMetadata().getNamespace()
        + "/"
        + pod.getMetadata().getName()
        + ", containers="
        + pod.getSpec().getContainers().size()
        + ", objects="
        + objects.stream().map(object -> object.getMetadata().getName()).toList()
        + "}";
  }
}
