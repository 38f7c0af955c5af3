package dev.nodeless.provider.ec2;

import dev.nodeless.testing.PodArbitraries;
import dev.nodeless.testing.PodBundle;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Realistic pods for the translator properties: core's valid pods with a Secret canary, decorated
 * with what EC2 reads beyond them. Some get a large extra container (up to 300 cores or 40 TiB, so
 * that no type fits), a required node-affinity term on the architecture, an instance-type
 * annotation, or labels past EC2's tag limits.
 */
final class PodGen {
  static final String CANARY = "CANARY-3e1f6b0c9a7d4e22";

  private PodGen() {}

  static Arbitrary<PodCase> pods() {
    Arbitrary<Optional<int[]>> big =
        Combinators.combine(
                Arbitraries.integers().between(1, 300_000),
                Arbitraries.integers().between(1, 40_000_000))
            .as((cpuMillis, memoryMib) -> new int[] {cpuMillis, memoryMib})
            .optional(0.1);
    Arbitrary<Optional<List<String>>> affinity =
        Arbitraries.of(List.of("amd64"), List.of("arm64"), List.of("amd64", "arm64"))
            .optional(0.15);
    Arbitrary<Optional<String>> pattern =
        Arbitraries.of(
                "m5.large",
                "t3.micro",
                "c7g.xlarge",
                "p3.2xlarge",
                "g5.xlarge",
                "m5.*",
                "c6?.large",
                "r7g.*",
                "t4g.*",
                "p4d.*",
                "m7i.*,c7i.*")
            .optional(0.25);
    return Combinators.combine(
            PodArbitraries.withSecretEnv(CANARY),
            big,
            affinity,
            Arbitraries.of(true, false),
            pattern,
            extremeLabels())
        .as(PodGen::decorate);
  }

  private static PodCase decorate(
      PodBundle bundle,
      Optional<int[]> big,
      Optional<List<String>> affinity,
      boolean notIn,
      Optional<String> pattern,
      Map<String, String> labels) {
    PodBuilder builder = new PodBuilder(TestPods.withIdentity(bundle.pod()));
    big.ifPresent(
        amounts ->
            builder
                .editSpec()
                .addToContainers(
                    new ContainerBuilder()
                        .withName("big-worker")
                        .withImage("busybox:1.36")
                        .withNewResources()
                        .addToRequests("cpu", new Quantity(amounts[0] + "m"))
                        .addToRequests("memory", new Quantity(amounts[1] + "Mi"))
                        .endResources()
                        .build())
                .endSpec());
    affinity.ifPresent(
        arches ->
            builder
                .editSpec()
                .withNewAffinity()
                .withNewNodeAffinity()
                .withNewRequiredDuringSchedulingIgnoredDuringExecution()
                .addNewNodeSelectorTerm()
                .addToMatchExpressions(
                    new NodeSelectorRequirementBuilder()
                        .withKey("kubernetes.io/arch")
                        .withOperator(notIn ? "NotIn" : "In")
                        .withValues(arches)
                        .build())
                .addToMatchExpressions(
                    new NodeSelectorRequirementBuilder()
                        .withKey("topology.kubernetes.io/zone")
                        .withOperator("In")
                        .withValues("us-east-1a", "us-east-1b")
                        .build())
                .endNodeSelectorTerm()
                .endRequiredDuringSchedulingIgnoredDuringExecution()
                .endNodeAffinity()
                .endAffinity()
                .endSpec());
    pattern.ifPresent(
        text ->
            builder
                .editMetadata()
                .addToAnnotations(Ec2Translator.INSTANCE_TYPE_ANNOTATION, text)
                .endMetadata());
    if (!labels.isEmpty()) {
      builder.editMetadata().addToLabels(labels).endMetadata();
    }
    Pod pod = builder.build();
    return new PodCase(bundle, pod, affinity, notIn, pattern);
  }

  /**
   * Mostly none; sometimes valid Kubernetes label keys past EC2's limits: more than 50 labels, keys
   * over 128 characters, or keys that name an ownership tag.
   */
  static Arbitrary<Map<String, String>> extremeLabels() {
    Arbitrary<String> key =
        Arbitraries.frequencyOf(
            Tuple.of(
                60, Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(30)),
            Tuple.of(
                20,
                Arbitraries.strings()
                    .withCharRange('a', 'z')
                    .ofLength(60)
                    .map(s -> s + "." + s + ".example.com/name")),
            Tuple.of(20, Arbitraries.of("Name", "nodeless.dev/pod-uid", "nodeless.dev/cluster")));
    Arbitrary<String> value =
        Arbitraries.strings().withCharRange('a', 'z').numeric().ofMaxLength(63);
    return Arbitraries.frequencyOf(
        Tuple.of(6, Arbitraries.just(Map.<String, String>of())),
        Tuple.of(
            4, Arbitraries.maps(key, value).ofMinSize(1).ofMaxSize(70).map(LinkedHashMap::new)));
  }
}
