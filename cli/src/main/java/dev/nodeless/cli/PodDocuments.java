package dev.nodeless.cli;

import dev.nodeless.PodRef;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesListBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Renders pods as a Kubernetes {@code List} in JSON or YAML, the shape {@code kubectl} prints. */
final class PodDocuments {
  private PodDocuments() {}

  /**
   * Builds a pod with the given identity and status.
   *
   * @param launched the pod as launched, whose metadata and spec are kept, or {@code null} when
   *     only the identity is known
   */
  static Pod pod(PodRef ref, Pod launched, PodStatus status) {
    PodBuilder builder = launched == null ? new PodBuilder() : new PodBuilder(launched);
    ObjectMetaBuilder meta =
        launched == null || launched.getMetadata() == null
            ? new ObjectMetaBuilder()
            : new ObjectMetaBuilder(launched.getMetadata());
    meta.withNamespace(ref.namespace()).withName(ref.name()).withUid(ref.uid());
    return builder
        .withApiVersion("v1")
        .withKind("Pod")
        .withMetadata(meta.build())
        .withStatus(status)
        .build();
  }

  /** Renders the pods as one {@code v1 List} document. */
  static String render(OutputFormat format, List<Pod> pods, KubernetesSerialization serialization) {
    List<HasMetadata> items = new ArrayList<>(pods);
    Object list = new KubernetesListBuilder().withItems(items).build();
    return switch (format) {
      case json -> serialization.asJson(list);
      case yaml -> serialization.asYaml(list);
      case text -> throw new IllegalArgumentException("text is not a document format");
    };
  }

  /** Returns when the pod started: its start time, else its earliest condition change. */
  static Optional<Instant> started(PodStatus status) {
    if (status == null) {
      return Optional.empty();
    }
    Optional<Instant> start = parse(status.getStartTime());
    if (start.isPresent() || status.getConditions() == null) {
      return start;
    }
    return status.getConditions().stream()
        .map(PodCondition::getLastTransitionTime)
        .map(PodDocuments::parse)
        .flatMap(Optional::stream)
        .min(Instant::compareTo);
  }

  private static Optional<Instant> parse(String timestamp) {
    if (timestamp == null || timestamp.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.parse(timestamp));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /** Formats an age in the compact form kubectl uses: 45s, 12m, 5h, 3d. */
  static String age(Duration age) {
    long seconds = Math.max(0, age.toSeconds());
    if (seconds < 120) {
      return seconds + "s";
    }
    if (seconds < 3 * 3600) {
      return seconds / 60 + "m";
    }
    if (seconds < 48 * 3600) {
      return seconds / 3600 + "h";
    }
    return seconds / 86400 + "d";
  }
}
