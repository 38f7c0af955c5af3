package dev.nodeless.provider.ec2;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.HashMap;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/** Defects that make a pod invalid for EC2, each with the field path a rejection must name. */
final class InvalidPods {
  private InvalidPods() {}

  /** One defect, placed on the first app container unless its kind names another field. */
  record Defect(Kind kind) {
    String fieldPath() {
      return switch (kind) {
        case NEGATIVE_CPU -> "spec.containers[0].resources.requests.cpu";
        case MALFORMED_MEMORY -> "spec.containers[0].resources.requests.memory";
        case FRACTIONAL_GPU -> "spec.containers[0].resources.limits[\"nvidia.com/gpu\"]";
        case HUGEPAGES -> "spec.containers[0].resources.limits[\"hugepages-2Mi\"]";
        case REQUEST_ABOVE_LIMIT -> "spec.containers[0].resources.requests.memory";
        case WINDOWS_SELECTOR -> "spec.nodeSelector[\"kubernetes.io/os\"]";
        case WINDOWS_OS -> "spec.os.name";
        case S390X_SELECTOR -> "spec.nodeSelector[\"kubernetes.io/arch\"]";
        case UNKNOWN_TYPE -> "metadata.annotations[\"nodeless.dev/instance-type\"]";
        case BAD_TAGS_JSON -> "metadata.annotations[\"compute.amazonaws.com/tags\"]";
      };
    }
  }

  enum Kind {
    NEGATIVE_CPU,
    MALFORMED_MEMORY,
    FRACTIONAL_GPU,
    HUGEPAGES,
    REQUEST_ABOVE_LIMIT,
    WINDOWS_SELECTOR,
    WINDOWS_OS,
    S390X_SELECTOR,
    UNKNOWN_TYPE,
    BAD_TAGS_JSON
  }

  static Arbitrary<Defect> defects() {
    return Arbitraries.of(Kind.class).map(Defect::new);
  }

  static Pod apply(Defect defect, Pod pod) {
    PodBuilder builder = new PodBuilder(pod);

    Container first = pod.getSpec().getContainers().get(0);
    ResourceRequirements resources = first.getResources();
    Map<String, Quantity> requests = new HashMap<>();
    Map<String, Quantity> limits = new HashMap<>();
    if (resources != null && resources.getRequests() != null) {
      requests.putAll(resources.getRequests());
    }
    if (resources != null && resources.getLimits() != null) {
      limits.putAll(resources.getLimits());
    }

    switch (defect.kind()) {
      case NEGATIVE_CPU -> requests.put("cpu", new Quantity("-500m"));
      case MALFORMED_MEMORY -> requests.put("memory", new Quantity("lots"));
      case FRACTIONAL_GPU -> limits.put("nvidia.com/gpu", new Quantity("0.5"));
      case HUGEPAGES -> limits.put("hugepages-2Mi", new Quantity("64Mi"));
      case REQUEST_ABOVE_LIMIT -> {
        requests.put("memory", new Quantity("2Gi"));
        limits.put("memory", new Quantity("1Gi"));
      }
      case WINDOWS_SELECTOR ->
          builder.editSpec().addToNodeSelector("kubernetes.io/os", "windows").endSpec();
      case WINDOWS_OS -> builder.editSpec().withNewOs().withName("windows").endOs().endSpec();
      case S390X_SELECTOR ->
          builder.editSpec().addToNodeSelector("kubernetes.io/arch", "s390x").endSpec();
      case UNKNOWN_TYPE ->
          builder
              .editMetadata()
              .addToAnnotations(Ec2Translator.INSTANCE_TYPE_ANNOTATION, "zz9.huge")
              .endMetadata();
      case BAD_TAGS_JSON ->
          builder
              .editMetadata()
              .addToAnnotations(Ec2Translator.AWS_VK_TAGS_ANNOTATION, "{not json")
              .endMetadata();
      default -> throw new IllegalStateException(defect.kind().name());
    }

    ResourceRequirements changed = new ResourceRequirements();
    changed.setRequests(requests);
    changed.setLimits(limits);
    return builder
        .editSpec()
        .editFirstContainer()
        .withResources(changed)
        .endContainer()
        .endSpec()
        .build();
  }
}
