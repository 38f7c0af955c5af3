package dev.nodeless.provider.fargate;

import dev.nodeless.ReferenceResolver;
import dev.nodeless.internal.PodPreparer;
import dev.nodeless.spi.DownwardFacts;
import dev.nodeless.spi.ResolvedPod;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Resolves pods for tests as the launcher does before a provider sees them: assigns a namespace and
 * a UID, then validates the pod and resolves its references with core's preparer.
 */
final class TestPods {
  /**
   * What a Fargate provider can tell the downward API before launch: a node name, but no host or
   * pod address, which Fargate assigns only when the task starts.
   */
  static final DownwardFacts FACTS = new DownwardFacts("fargate", null, null, Map.of());

  private TestPods() {}

  /** Resolves a pod that has no references. */
  static ResolvedPod resolve(Pod pod) {
    return resolve(pod, List.of());
  }

  /**
   * Resolves a pod against ConfigMaps and Secrets.
   *
   * @throws dev.nodeless.PodValidationException when core validation rejects the pod
   */
  static ResolvedPod resolve(Pod pod, List<? extends HasMetadata> objects) {
    return PodPreparer.prepare(
        withIdentity(pod), ReferenceResolver.of(objects), FACTS, FargateTranslator.PROVIDER);
  }

  /** The pod with a namespace and a UID derived from its name, as the launcher would set them. */
  static Pod withIdentity(Pod pod) {
    String namespace =
        pod.getMetadata().getNamespace() == null ? "default" : pod.getMetadata().getNamespace();
    String uid =
        pod.getMetadata().getUid() != null
            ? pod.getMetadata().getUid()
            : UUID.nameUUIDFromBytes(
                    (namespace + "/" + pod.getMetadata().getName())
                        .getBytes(StandardCharsets.UTF_8))
                .toString();
    return new PodBuilder(pod)
        .editMetadata()
        .withNamespace(namespace)
        .withUid(uid)
        .endMetadata()
        .build();
  }
}
