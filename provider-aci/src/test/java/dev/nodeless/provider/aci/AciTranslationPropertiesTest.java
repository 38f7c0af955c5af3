package dev.nodeless.provider.aci;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.resourcemanager.containerinstance.fluent.models.ContainerGroupInner;
import com.azure.resourcemanager.containerinstance.models.Container;
import com.azure.resourcemanager.containerinstance.models.EnvironmentVariable;
import dev.nodeless.PodRef;
import dev.nodeless.PodValidationException;
import dev.nodeless.ValidationProblem;
import dev.nodeless.plan.PlacementQuote;
import dev.nodeless.plan.PlanSettings;
import dev.nodeless.resources.EffectiveResources;
import dev.nodeless.resources.PodResources;
import dev.nodeless.resources.Quantities;
import dev.nodeless.spi.EnvValue;
import dev.nodeless.spi.ResolvedContainer;
import dev.nodeless.spi.ResolvedPod;
import io.fabric8.kubernetes.api.model.Quantity;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The translator's contract, checked over generated pods. */
class AciTranslationPropertiesTest {
  private static final Pattern GROUP_NAME =
      Pattern.compile("[a-z0-9]([a-z0-9]|-(?!-))*[a-z0-9]|[a-z0-9]");
  private static final PlanSettings SETTINGS = PlanSettings.of("eastus");

  private final AciTranslator translator = new AciTranslator();

  @Provide
  Arbitrary<GeneratedPod> pods() {
    return AciPodArbitraries.pods();
  }

  @Property(tries = 150)
  void resourcesNeverBelowRequests(@ForAll("pods") GeneratedPod generated) {
    ResolvedPod pod = generated.resolved();
    AciTranslation translation = translator.translate(pod, SETTINGS);
    List<Container> containers = translation.containerGroup().containers();

    BigDecimal cpuTotal = BigDecimal.ZERO;
    BigDecimal memoryTotal = BigDecimal.ZERO;
    for (int i = 0; i < pod.containers().size(); i++) {
      io.fabric8.kubernetes.api.model.Container spec = pod.containers().get(i).container();
      var requests = containers.get(i).resources().requests();
      assertThat(BigDecimal.valueOf(requests.cpu())).isGreaterThanOrEqualTo(declared(spec, "cpu"));
      assertThat(BigDecimal.valueOf(requests.memoryInGB()).multiply(ResourceSizer.BYTES_PER_GB))
          .isGreaterThanOrEqualTo(declared(spec, "memory"));
      cpuTotal = cpuTotal.add(BigDecimal.valueOf(requests.cpu()));
      memoryTotal = memoryTotal.add(BigDecimal.valueOf(requests.memoryInGB()));
    }
    PodResources effective = EffectiveResources.of(pod.pod().getSpec());
    assertThat(cpuTotal).isGreaterThanOrEqualTo(effective.cpu());
    assertThat(memoryTotal.multiply(ResourceSizer.BYTES_PER_GB))
        .isGreaterThanOrEqualTo(effective.memoryBytes());
  }

  @Property(tries = 150)
  void limitsWithinRequestAndGroupTotal(@ForAll("pods") GeneratedPod generated) {
    AciTranslation translation = translator.translate(generated.resolved(), SETTINGS);
    List<Container> containers = translation.containerGroup().containers();
    double cpuTotal = containers.stream().mapToDouble(c -> c.resources().requests().cpu()).sum();
    double memoryTotal =
        containers.stream().mapToDouble(c -> c.resources().requests().memoryInGB()).sum();

    for (Container container : containers) {
      var limits = container.resources().limits();
      if (limits == null) {
        continue;
      }
      var requests = container.resources().requests();
      if (limits.cpu() != null) {
        assertThat(limits.cpu()).isBetween(requests.cpu(), cpuTotal + 1e-9);
      }
      if (limits.memoryInGB() != null) {
        assertThat(limits.memoryInGB()).isBetween(requests.memoryInGB(), memoryTotal + 1e-9);
      }
    }
  }

  @Property(tries = 100)
  void translationIsDeterministic(@ForAll("pods") GeneratedPod generated) {
    AciTranslation first = translator.translate(generated.resolved(), SETTINGS);
    AciTranslation second = new AciTranslator().translate(generated.resolved(), SETTINGS);

    first.containerGroup().validate();

    assertThat(second.redactedJson()).isEqualTo(first.redactedJson());
    assertThat(RequestJson.json(second.containerGroup()))
        .isEqualTo(RequestJson.json(first.containerGroup()));
    assertThat(second.containerGroupName()).isEqualTo(first.containerGroupName());
    assertThat(second.notes()).isEqualTo(first.notes());
    assertThat(second.hourlyUsd()).isEqualTo(first.hourlyUsd());
  }

  @Property(tries = 150)
  void envValuesArriveUnchanged(@ForAll("pods") GeneratedPod generated) {
    ResolvedPod pod = generated.resolved();
    List<Container> containers = translator.translate(pod, SETTINGS).containerGroup().containers();

    for (int i = 0; i < pod.containers().size(); i++) {
      ResolvedContainer resolved = pod.containers().get(i);
      List<EnvironmentVariable> env =
          containers.get(i).environmentVariables() == null
              ? List.of()
              : containers.get(i).environmentVariables();
      assertThat(env).hasSameSizeAs(resolved.env());
      for (int j = 0; j < env.size(); j++) {
        EnvValue expected = resolved.env().get(j);
        EnvironmentVariable actual = env.get(j);
        assertThat(actual.name()).isEqualTo(expected.name());
        if (expected.secret()) {
          assertThat(actual.secureValue()).isEqualTo(expected.value());
          assertThat(actual.value()).isNull();
        } else {
          assertThat(actual.value()).isEqualTo(expected.value());
          assertThat(actual.secureValue()).isNull();
        }
      }
    }
  }

  @Property(tries = 150)
  void secretsStayInSecureFields(@ForAll("pods") GeneratedPod generated) throws IOException {
    PlacementQuote quote = translator.plan(generated.resolved(), SETTINGS);
    assertThat(quote).isInstanceOf(PlacementQuote.Offer.class);
    PlacementQuote.Offer offer = (PlacementQuote.Offer) quote;
    String encodedCanary = Base64.getEncoder().encodeToString(AciPodArbitraries.CANARY.getBytes());

    assertThat(offer.toString()).doesNotContain(AciPodArbitraries.CANARY);
    assertThat(offer.requests().get(0).redactedJson())
        .doesNotContain(AciPodArbitraries.CANARY)
        .doesNotContain(encodedCanary.substring(0, 12));
    assertThat(offer.requests().get(0).request().toString())
        .doesNotContain(AciPodArbitraries.CANARY);
    assertThat(String.join("\n", offer.notes())).doesNotContain(AciPodArbitraries.CANARY);

    ContainerGroupInner group = (ContainerGroupInner) offer.requests().get(0).request();
    assertThat(SecretLeaks.find(group, AciPodArbitraries.CANARY)).isEmpty();
  }

  @Property(tries = 300)
  void namesAndTagsFitAzureLimits(
      @ForAll("oddNames") String namespace,
      @ForAll("oddNames") String name,
      @ForAll("labels") Map<String, String> labels) {
    PodRef ref = new PodRef(namespace, name, "4b0c55a6-3c1e-4a4e-9f55-9d7d2f0d1a7e");
    String groupName = GroupNaming.groupName(ref);

    assertThat(groupName).hasSizeBetween(1, GroupNaming.MAX_NAME).matches(GROUP_NAME);
    Map<String, String> tags =
        GroupNaming.tags(ref, java.util.Optional.of("cluster-1"), labels, new Findings());
    assertThat(tags.size()).isLessThanOrEqualTo(GroupNaming.MAX_TAGS);
    tags.forEach(
        (tag, value) -> {
          assertThat(tag)
              .hasSizeBetween(1, GroupNaming.MAX_TAG_NAME)
              .doesNotContainPattern("[<>%&\\\\?/]");
          assertThat(value.length()).isLessThanOrEqualTo(GroupNaming.MAX_TAG_VALUE);
        });
    String namespaceTag = namespace.substring(0, Math.min(namespace.length(), 256));
    assertThat(tags)
        .containsEntry(GroupNaming.TAG_NAMESPACE, namespaceTag)
        .containsEntry(GroupNaming.TAG_UID, ref.uid());
  }

  @Property(tries = 300)
  void truncatedNamesStayDistinct(
      @ForAll("longPrefixes") String prefix,
      @ForAll("dnsLabels") String first,
      @ForAll("dnsLabels") String second) {
    net.jqwik.api.Assume.that(!first.equals(second));
    String a = GroupNaming.groupName(new PodRef("team", prefix + first, "uid-1"));
    String b = GroupNaming.groupName(new PodRef("team", prefix + second, "uid-1"));
    String sameNameNewUid = GroupNaming.groupName(new PodRef("team", prefix + first, "uid-2"));

    assertThat(a).hasSizeLessThanOrEqualTo(GroupNaming.MAX_NAME).isNotEqualTo(b);
    assertThat(sameNameNewUid).isNotEqualTo(a);
    assertThat(GroupNaming.groupName(new PodRef("team", prefix + first, "uid-1"))).isEqualTo(a);
  }

  @Provide
  Arbitrary<String> oddNames() {
    return Arbitraries.oneOf(AciPodArbitraries.oddNames(), AciPodArbitraries.podNames());
  }

  @Provide
  Arbitrary<String> dnsLabels() {
    return AciPodArbitraries.dnsLabels();
  }

  @Provide
  Arbitrary<String> longPrefixes() {
    return AciPodArbitraries.dnsLabels()
        .list()
        .ofMinSize(2)
        .ofMaxSize(4)
        .map(parts -> String.join(".", parts) + ".");
  }

  @Provide
  Arbitrary<Map<String, String>> labels() {
    return AciPodArbitraries.labels();
  }

  @Property(tries = 200)
  void everyInvalidPodIsRejectedWithFieldPath(
      @ForAll("pods") GeneratedPod generated, @ForAll("breakages") Breakage breakage) {
    List<ValidationProblem> problems;
    try {
      ResolvedPod broken = breakage.change().apply(generated).resolved();
      PlacementQuote quote = translator.plan(broken, SETTINGS);
      assertThat(quote).isInstanceOf(PlacementQuote.Rejected.class);
      problems = ((PlacementQuote.Rejected) quote).problems();
    } catch (PodValidationException e) {
      problems = e.problems(); // core's validation caught it first, which serves as well
    }

    assertThat(problems)
        .extracting(ValidationProblem::fieldPath)
        .anyMatch(path -> path.startsWith(breakage.path()));
    assertThat(problems)
        .allSatisfy(
            problem -> assertThat(problem.describe()).doesNotContain(AciPodArbitraries.CANARY));
  }

  /** One way to make a valid pod invalid for ACI, and the field path it must be reported at. */
  record Breakage(String name, String path, UnaryOperator<GeneratedPod> change) {
    @Override
    public String toString() {
      return name;
    }
  }

  @Provide
  Arbitrary<Breakage> breakages() {
    return Arbitraries.of(Breakages.all());
  }

  private static BigDecimal declared(
      io.fabric8.kubernetes.api.model.Container spec, String resource) {
    var resources = spec.getResources();
    Map<String, Quantity> requests = resources == null ? null : resources.getRequests();
    Map<String, Quantity> limits = resources == null ? null : resources.getLimits();
    Quantity quantity =
        requests != null && requests.get(resource) != null
            ? requests.get(resource)
            : limits != null ? limits.get(resource) : null;
    return quantity == null ? BigDecimal.ZERO : Quantities.toDecimal(quantity);
  }
}
