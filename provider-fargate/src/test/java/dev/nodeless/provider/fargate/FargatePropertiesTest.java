package dev.nodeless.provider.fargate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeless.PodValidationException;
import dev.nodeless.ValidationProblem;
import dev.nodeless.plan.PlacementQuote;
import dev.nodeless.plan.PlanSettings;
import dev.nodeless.plan.UnitPriceTable;
import dev.nodeless.resources.EffectiveResources;
import dev.nodeless.resources.PodResources;
import dev.nodeless.spi.EnvValue;
import dev.nodeless.spi.ResolvedContainer;
import dev.nodeless.spi.ResolvedPod;
import dev.nodeless.testing.PodArbitraries;
import dev.nodeless.testing.PodBundle;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.ContainerOverride;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.Tag;

/**
 * The translator's contract over generated pods: what every offer satisfies, and that invalid pods
 * are rejected with a field path.
 */
class FargatePropertiesTest {
  private static final FargateTranslator TRANSLATOR = new FargateTranslator();
  private static final UnitPriceTable PRICES = UnitPriceTable.bundled();
  private static final PlanSettings SETTINGS = Examples.settings("fargate.clusterId", "props");

  /** Core's realistic pods, and pods that mix secrets with per-pod values. */
  @Provide
  Arbitrary<PodBundle> pods() {
    return Arbitraries.frequencyOf(
        Tuple.of(3, PodArbitraries.validPodBundles()), Tuple.of(1, GeneratedPods.bundles()));
  }

  /** Pods that read a Secret containing {@link GeneratedPods#CANARY} in several ways. */
  @Provide
  Arbitrary<PodBundle> canaryPods() {
    return Arbitraries.oneOf(
        PodArbitraries.withSecretEnv(GeneratedPods.CANARY), GeneratedPods.bundles());
  }

  @Property(tries = 100)
  void chosenSizeCoversRequestsPlusOverhead(@ForAll("pods") PodBundle bundle) {
    ResolvedPod pod = TestPods.resolve(bundle.pod(), bundle.objects());
    if (!(TRANSLATOR.plan(pod, SETTINGS) instanceof PlacementQuote.Offer)) {
      return;
    }
    FargateTranslation translation = TRANSLATOR.translate(pod, SETTINGS);
    Need need = Need.of(pod);
    assertThat(translation.size().cpuUnits()).isGreaterThanOrEqualTo(need.cpuUnits());
    assertThat(translation.size().memoryMiB()).isGreaterThanOrEqualTo(need.memoryMiB());
  }

  @Property(tries = 100)
  void noCheaperValidSizeCoversThePod(@ForAll("pods") PodBundle bundle) {
    ResolvedPod pod = TestPods.resolve(bundle.pod(), bundle.objects());
    if (!(TRANSLATOR.plan(pod, SETTINGS) instanceof PlacementQuote.Offer)) {
      return;
    }
    FargateTranslation translation = TRANSLATOR.translate(pod, SETTINGS);
    Need need = Need.of(pod);
    String arch = translation.registerTaskDefinition().runtimePlatform().cpuArchitectureAsString();
    String priceArch = arch.equals("ARM64") ? "arm64" : "x86_64";
    BigDecimal vcpu =
        PRICES.find("fargate", "us-east-1", "linux", priceArch, "vcpu").get().priceUsd();
    BigDecimal gb =
        PRICES.find("fargate", "us-east-1", "linux", priceArch, "memory").get().priceUsd();
    BigDecimal chosen =
        price(translation.size().cpuUnits(), translation.size().memoryMiB(), vcpu, gb);
    assertThat(translation.hourlyUsd()).isEqualByComparingTo(chosen);
    for (int[] size : ValidSizes.LINUX) {
      if (size[0] >= need.cpuUnits() && size[1] >= need.memoryMiB()) {
        assertThat(price(size[0], size[1], vcpu, gb))
            .as("price of %s units / %s MiB", size[0], size[1])
            .isGreaterThanOrEqualTo(chosen);
      }
    }
  }

  @Property(tries = 100)
  void translationIsDeterministic(@ForAll("pods") PodBundle bundle) {
    ResolvedPod first = TestPods.resolve(bundle.pod(), bundle.objects());
    ResolvedPod second = TestPods.resolve(bundle.pod(), bundle.objects());
    PlacementQuote a = TRANSLATOR.plan(first, SETTINGS);
    PlacementQuote b = new FargateTranslator().plan(second, SETTINGS);
    assertThat(b.getClass()).isEqualTo(a.getClass());
    if (a instanceof PlacementQuote.Offer offerA && b instanceof PlacementQuote.Offer offerB) {
      assertThat(offerB.requests().get(0).redactedJson())
          .isEqualTo(offerA.requests().get(0).redactedJson());
      assertThat(offerB.requests().get(1).redactedJson())
          .isEqualTo(offerA.requests().get(1).redactedJson());
      assertThat(offerB.requests().get(0).request()).isEqualTo(offerA.requests().get(0).request());
      assertThat(offerB.notes()).isEqualTo(offerA.notes());
      assertThat(offerB.hourlyUsd()).isEqualTo(offerA.hourlyUsd());
    } else {
      assertThat(((PlacementQuote.Rejected) b).problems())
          .isEqualTo(((PlacementQuote.Rejected) a).problems());
    }
  }

  @Property(tries = 100)
  void namesAndTagsStayWithinEcsLimits(@ForAll("pods") PodBundle bundle) {
    ResolvedPod pod = TestPods.resolve(bundle.pod(), bundle.objects());
    if (!(TRANSLATOR.plan(pod, SETTINGS) instanceof PlacementQuote.Offer)) {
      return;
    }
    FargateTranslation translation = TRANSLATOR.translate(pod, SETTINGS);
    assertThat(translation.family()).matches("[A-Za-z0-9_-]{1,255}");
    assertThat(translation.runTask().clientToken()).hasSizeLessThanOrEqualTo(64);
    assertThat(translation.runTask().startedBy()).matches("[A-Za-z0-9/_-]{1,36}");
    List<Tag> tags = new ArrayList<>(translation.registerTaskDefinition().tags());
    tags.addAll(translation.runTask().tags());
    assertThat(tags).hasSizeLessThanOrEqualTo(50);
    assertThat(tags.stream().map(Tag::key).distinct().count()).isEqualTo(tags.size());
    for (Tag tag : tags) {
      assertThat(tag.key()).hasSizeBetween(1, 128).doesNotStartWithIgnoringCase("aws:");
      assertThat(tag.value()).hasSizeLessThanOrEqualTo(256);
    }
    for (SecretParameter parameter : translation.secretParameters()) {
      assertThat(parameter.name()).matches("/[A-Za-z0-9_./-]{1,1010}");
    }
  }

  @Property(tries = 100)
  void plainEnvironmentValuesArriveUnchanged(@ForAll("pods") PodBundle bundle) {
    ResolvedPod pod = TestPods.resolve(bundle.pod(), bundle.objects());
    if (!(TRANSLATOR.plan(pod, SETTINGS) instanceof PlacementQuote.Offer)) {
      return;
    }
    FargateTranslation translation = TRANSLATOR.translate(pod, SETTINGS);
    List<ResolvedContainer> all = new ArrayList<>(pod.initContainers());
    all.addAll(pod.containers());
    for (ResolvedContainer container : all) {
      Map<String, String> delivered = deliveredEnvironment(translation, container.name());
      for (EnvValue value : container.env()) {
        if (value.source() == EnvValue.Source.SECRET
            || value.value().contains(GeneratedPods.CANARY)) {
          continue;
        }
        assertThat(delivered).as(container.name()).containsEntry(value.name(), value.value());
      }
    }
  }

  @Property(tries = 100)
  void secretValuesNeverAppearInRequests(@ForAll("canaryPods") PodBundle bundle) {
    ResolvedPod pod = TestPods.resolve(bundle.pod(), bundle.objects());
    PlacementQuote quote = TRANSLATOR.plan(pod, SETTINGS);
    Statistics.collect(quote.getClass().getSimpleName());
    Statistics.coverage(coverage -> coverage.check("Offer").percentage(percent -> percent >= 60));
    assertThat(quote.toString()).doesNotContain(GeneratedPods.CANARY);
    if (quote instanceof PlacementQuote.Offer offer) {
      offer
          .requests()
          .forEach(
              request -> {
                assertThat(request.redactedJson()).doesNotContain(GeneratedPods.CANARY);
                assertThat(request.request().toString()).doesNotContain(GeneratedPods.CANARY);
                assertThat(request.toString()).doesNotContain(GeneratedPods.CANARY);
              });
      assertThat(String.join("\n", offer.notes())).doesNotContain(GeneratedPods.CANARY);
      FargateTranslation translation = TRANSLATOR.translate(pod, SETTINGS);
      assertThat(translation.toString()).doesNotContain(GeneratedPods.CANARY);
      assertThat(translation.secretParameters().toString()).doesNotContain(GeneratedPods.CANARY);
      for (SecretParameter parameter : translation.secretParameters()) {
        assertThat(parameter.valueIn(pod)).isNotEmpty();
      }
    } else {
      for (ValidationProblem problem : ((PlacementQuote.Rejected) quote).problems()) {
        assertThat(problem.describe()).doesNotContain(GeneratedPods.CANARY);
      }
    }
  }

  @Property(tries = 100)
  void podsDifferingOnlyInPerPodValuesShareAFamily(
      @ForAll("pods") PodBundle bundle, @ForAll("suffixes") String suffix) {
    Pod original = bundle.pod();
    Pod twin =
        new PodBuilder(original)
            .editMetadata()
            .withName("twin-" + suffix)
            .withUid(null)
            .addToLabels("pod-template-hash", suffix)
            .addToAnnotations("note", suffix)
            .endMetadata()
            .build();
    ResolvedPod first = TestPods.resolve(original, bundle.objects());
    ResolvedPod second = TestPods.resolve(twin, bundle.objects());
    PlacementQuote a = TRANSLATOR.plan(first, SETTINGS);
    if (!(a instanceof PlacementQuote.Offer)) {
      return;
    }
    FargateTranslation one = TRANSLATOR.translate(first, SETTINGS);
    FargateTranslation two = TRANSLATOR.translate(second, SETTINGS);
    if (one.secretParameters().stream().anyMatch(SecretParameter::perPod)) {
      // A secret expanded together with a per-pod value is stored per pod, by design.
      assertThat(one.notes()).anyMatch(note -> note.endsWith("a task definition of its own"));
      return;
    }
    assertThat(second.ref().uid()).isNotEqualTo(first.ref().uid());
    assertThat(two.family()).isEqualTo(one.family());
    assertThat(two.registerTaskDefinition()).isEqualTo(one.registerTaskDefinition());
    assertThat(two.runTask().clientToken()).isNotEqualTo(one.runTask().clientToken());
  }

  @Provide
  Arbitrary<String> suffixes() {
    return Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(8);
  }

  @Property(tries = 100)
  void invalidPodsAreRejectedWithAFieldPath(
      @ForAll("pods") PodBundle bundle, @ForAll("breakages") Breakage breakage) {
    Pod broken = breakage.apply().apply(bundle.pod());
    List<ValidationProblem> problems;
    try {
      PlacementQuote quote = TRANSLATOR.plan(TestPods.resolve(broken, bundle.objects()), SETTINGS);
      assertThat(quote).isInstanceOf(PlacementQuote.Rejected.class);
      problems = ((PlacementQuote.Rejected) quote).problems();
    } catch (PodValidationException e) {
      // Core validation may find the pod invalid before Fargate sees it; either must name the
      // field.
      problems = e.problems();
    }
    assertThat(problems)
        .extracting(ValidationProblem::fieldPath)
        .anyMatch(path -> path.startsWith(breakage.path()));
  }

  /** A change that makes a pod impossible on Fargate, and the field path it must be reported at. */
  record Breakage(String name, String path, UnaryOperator<Pod> apply) {
    @Override
    public String toString() {
      return name;
    }
  }

  @Provide
  Arbitrary<Breakage> breakages() {
    return Arbitraries.of(
        new Breakage(
            "hostNetwork",
            "spec.hostNetwork",
            pod -> new PodBuilder(pod).editSpec().withHostNetwork(true).endSpec().build()),
        new Breakage(
            "hostPID",
            "spec.hostPID",
            pod -> new PodBuilder(pod).editSpec().withHostPID(true).endSpec().build()),
        new Breakage(
            "privileged",
            "spec.containers[0].securityContext.privileged",
            pod ->
                new PodBuilder(pod)
                    .editSpec()
                    .editFirstContainer()
                    .withNewSecurityContext()
                    .withPrivileged(true)
                    .endSecurityContext()
                    .endContainer()
                    .endSpec()
                    .build()),
        new Breakage(
            "hostPath volume",
            "spec.volumes[",
            pod ->
                new PodBuilder(pod)
                    .editSpec()
                    .addNewVolume()
                    .withName("host-logs")
                    .withNewHostPath()
                    .withPath("/var/log")
                    .endHostPath()
                    .endVolume()
                    .endSpec()
                    .build()),
        new Breakage(
            "GPU",
            "spec.containers[0].resources.",
            pod ->
                new PodBuilder(pod)
                    .editSpec()
                    .editFirstContainer()
                    .editOrNewResources()
                    .addToLimits("nvidia.com/gpu", new Quantity("1"))
                    .endResources()
                    .endContainer()
                    .endSpec()
                    .build()),
        new Breakage(
            "long grace period",
            "spec.terminationGracePeriodSeconds",
            pod ->
                new PodBuilder(pod)
                    .editSpec()
                    .withTerminationGracePeriodSeconds(300L)
                    .endSpec()
                    .build()),
        new Breakage(
            "host port",
            "spec.containers[0].ports[",
            pod ->
                new PodBuilder(pod)
                    .editSpec()
                    .editFirstContainer()
                    .addNewPort()
                    .withContainerPort(65535)
                    .withHostPort(80)
                    .endPort()
                    .endContainer()
                    .endSpec()
                    .build()),
        new Breakage(
            "subPath",
            "spec.containers[0].volumeMounts[",
            pod ->
                new PodBuilder(pod)
                    .editSpec()
                    .addNewVolume()
                    .withName("sub-volume")
                    .withNewEmptyDir()
                    .endEmptyDir()
                    .endVolume()
                    .editFirstContainer()
                    .addNewVolumeMount()
                    .withName("sub-volume")
                    .withMountPath("/sub-volume")
                    .withSubPath("part")
                    .endVolumeMount()
                    .endContainer()
                    .endSpec()
                    .build()),
        new Breakage(
            "too large",
            "spec.",
            pod ->
                new PodBuilder(pod)
                    .editSpec()
                    .editFirstContainer()
                    .editOrNewResources()
                    .addToRequests("memory", new Quantity("200Gi"))
                    .addToLimits("memory", new Quantity("200Gi"))
                    .endResources()
                    .endContainer()
                    .endSpec()
                    .build()));
  }

  /** The environment a container gets: definition values overlaid by the RunTask override. */
  private static Map<String, String> deliveredEnvironment(
      FargateTranslation translation, String container) {
    Map<String, String> env = new HashMap<>();
    for (ContainerDefinition definition :
        translation.registerTaskDefinition().containerDefinitions()) {
      if (definition.name().equals(container)) {
        definition.environment().forEach(pair -> env.put(pair.name(), pair.value()));
      }
    }
    if (translation.runTask().overrides() != null) {
      for (ContainerOverride override : translation.runTask().overrides().containerOverrides()) {
        if (override.name().equals(container)) {
          for (KeyValuePair pair : override.environment()) {
            env.put(pair.name(), pair.value());
          }
        }
      }
    }
    return env;
  }

  private static BigDecimal price(int cpuUnits, int memoryMiB, BigDecimal vcpu, BigDecimal gb) {
    return BigDecimal.valueOf(cpuUnits)
        .divide(BigDecimal.valueOf(1024))
        .multiply(vcpu)
        .add(BigDecimal.valueOf(memoryMiB).divide(BigDecimal.valueOf(1024)).multiply(gb));
  }

  /**
   * What a pod needs from its task, computed here independently of the translator: the effective
   * requests plus 256 MiB, and at least the sum of the per-container values that ECS adds up.
   */
  record Need(int cpuUnits, int memoryMiB) {
    static Need of(ResolvedPod pod) {
      PodResources effective = EffectiveResources.of(pod.pod().getSpec());
      int cpu = ceil(effective.cpu().multiply(BigDecimal.valueOf(1024)));
      int memory = ceil(effective.memoryBytes().divide(BigDecimal.valueOf(1L << 20))) + 256;
      int containerCpu = 0;
      int containerMemory = 0;
      List<ResolvedContainer> concurrent = new ArrayList<>();
      pod.initContainers().stream().filter(ResolvedContainer::sidecar).forEach(concurrent::add);
      concurrent.addAll(pod.containers());
      for (ResolvedContainer container : concurrent) {
        var resources = container.container().getResources();
        Map<String, Quantity> amounts =
            resources.getRequests() != null ? resources.getRequests() : resources.getLimits();
        if (amounts == null) {
          continue;
        }
        if (amounts.containsKey("cpu")) {
          containerCpu +=
              ceil(amounts.get("cpu").getNumericalAmount().multiply(BigDecimal.valueOf(1024)));
        }
        if (amounts.containsKey("memory")) {
          containerMemory +=
              ceil(amounts.get("memory").getNumericalAmount().divide(BigDecimal.valueOf(1L << 20)));
        }
      }
      return new Need(Math.max(cpu, containerCpu), Math.max(memory, containerMemory));
    }

    private static int ceil(BigDecimal value) {
      return value.setScale(0, RoundingMode.CEILING).intValueExact();
    }
  }
}
