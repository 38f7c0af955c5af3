package dev.nodeless.provider.ec2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeless.ValidationProblem;
import dev.nodeless.plan.PlacementQuote;
import dev.nodeless.plan.PlanSettings;
import dev.nodeless.plan.ProviderRequest;
import dev.nodeless.provider.ec2.internal.Burstable;
import dev.nodeless.provider.ec2.internal.Glob;
import dev.nodeless.provider.ec2.internal.InstanceCatalog;
import dev.nodeless.provider.ec2.internal.InstanceType;
import dev.nodeless.provider.ec2.internal.OverheadModel;
import dev.nodeless.resources.EffectiveResources;
import dev.nodeless.resources.PodResources;
import dev.nodeless.spi.ResolvedPod;
import io.fabric8.kubernetes.api.model.Pod;
import java.math.BigDecimal;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;
import software.amazon.awssdk.services.ec2.model.RunInstancesRequest;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

/**
 * The translator's contract, checked over generated pods and settings. The chosen type covers the
 * pod after overhead, and a brute-force scan of the catalog finds no cheaper admissible type. The
 * output is deterministic, tags stay within EC2's limits, and secrets never reach the request.
 */
class Ec2TranslatorPropertyTest {
  private static final BigDecimal MIB = BigDecimal.valueOf(1L << 20);
  private static final BigDecimal GIB = BigDecimal.valueOf(1L << 30);

  private final Ec2Translator translator = new Ec2Translator();

  /** Settings profiles: the default and one per policy switch, over three kinds of region. */
  static final Map<String, PlanSettings> PROFILES =
      Map.of(
          "default", settings("us-east-1", Map.of()),
          "no-burstable", settings("us-east-1", Map.of("ec2.burstable", "false")),
          "families",
              settings(
                  "us-east-1",
                  Map.of("ec2.families", "m*,c*,r*,g*,p*", "ec2.excludeFamilies", "m4,c4,g3*")),
          "spot-with-image",
              settings(
                  "us-east-1", Map.of("ec2.spot", "true", "ec2.imageId", "ami-0abcdef1234567890")),
          "karpenter", settings("us-east-1", Map.of("ec2.overheadModel", "karpenter")),
          "amd64-only", settings("us-east-1", Map.of("ec2.architectures", "amd64")),
          "stale-region", settings("eu-west-1", Map.of("ec2.imageId", "ami-0abcdef1234567890")),
          "gov-region", settings("us-gov-west-1", Map.of("ec2.burstCreditPrice", "0.04")));

  static PlanSettings settings(String region, Map<String, String> extra) {
    Map<String, String> options = new HashMap<>(extra);
    options.put("ec2.clusterId", "prop-cluster");
    options.put("ec2.subnetId", "subnet-0aaa,subnet-0bbb");
    options.put("ec2.securityGroupIds", "sg-0aaa");
    return new PlanSettings(region, options);
  }

  @Provide
  Arbitrary<String> profiles() {
    return Arbitraries.of(PROFILES.keySet().stream().sorted().toList());
  }

  @Property(tries = 250)
  @StatisticsReport(StatisticsReport.StatisticsReportMode.OFF)
  void chosenTypeCoversTheRequestsAndNoAdmissibleTypeIsCheaper(
      @ForAll("pods") PodCase plan, @ForAll("profiles") String profile) {
    PlanSettings planSettings = PROFILES.get(profile);
    Ec2Settings settings = Ec2Settings.fromPlanSettings(planSettings);
    Pod pod = plan.pod();
    PlacementQuote quote = translator.plan(resolved(plan), planSettings);
    Oracle oracle = new Oracle(plan, pod, settings);
    Statistics.label("outcome")
        .collect(quote instanceof PlacementQuote.Offer ? "offer" : "rejected");
    Statistics.label("outcome")
        .coverage(
            coverage -> {
              coverage.check("offer").percentage(share -> share > 40);
              coverage.check("rejected").percentage(share -> share > 5);
            });

    if (quote instanceof PlacementQuote.Offer offer) {
      InstanceType chosen = oracle.region.find(offer.size()).orElseThrow();
      assertThat(oracle.admissible(chosen)).as("%s is admissible", chosen.name()).isTrue();
      OverheadModel.Allocatable allocatable = settings.overheadModel().allocatable(chosen);
      assertThat(oracle.cpuMillis())
          .isLessThanOrEqualTo(BigDecimal.valueOf(allocatable.cpuMillis()));
      assertThat(oracle.memoryBytes())
          .isLessThanOrEqualTo(BigDecimal.valueOf(allocatable.memoryMib()).multiply(MIB));
      assertThat(chosen.nvidiaGpus()).isGreaterThanOrEqualTo(oracle.gpus());
      Optional<InstanceType> cheapest = oracle.cheapest();
      assertThat(cheapest).isPresent();
      assertThat(offer.hourlyUsd()).isEqualByComparingTo(oracle.price(cheapest.get()));
      assertThat(offer.hourlyUsd()).isEqualByComparingTo(oracle.price(chosen));
      assertThat(offer.priceSource().stale()).isEqualTo(oracle.stale());
    } else {
      PlacementQuote.Rejected rejected = (PlacementQuote.Rejected) quote;
      assertThat(rejected.problems()).isNotEmpty();
      boolean explained =
          oracle.cheapest().isEmpty()
              || oracle.volumeTooLarge()
              || (oracle.cheapest().get().gpus() > 0 && settings.imageId().isEmpty());
      assertThat(explained)
          .as("rejection %s while %s is admissible", rejected.problems(), oracle.cheapest())
          .isTrue();
    }
  }

  @Property(tries = 60)
  void sameInputGivesEqualRequest(
      @ForAll("pods") PodCase plan, @ForAll("profiles") String profile) {
    PlanSettings settings = PROFILES.get(profile);
    PlacementQuote first = translator.plan(resolved(plan), settings);
    PlacementQuote second = new Ec2Translator().plan(resolved(plan), settings);
    if (first instanceof PlacementQuote.Offer offer) {
      PlacementQuote.Offer again = (PlacementQuote.Offer) second;
      assertThat(again.requests().get(0).request()).isEqualTo(offer.requests().get(0).request());
      assertThat(again.requests().get(0).redactedJson())
          .isEqualTo(offer.requests().get(0).redactedJson());
      assertThat(again.notes()).isEqualTo(offer.notes());
      assertThat(again.hourlyUsd()).isEqualTo(offer.hourlyUsd());
    } else {
      assertThat(second).isEqualTo(first);
    }
  }

  @Property(tries = 120)
  void tagsStayWithinEc2Limits(@ForAll("pods") PodCase plan) {
    PlacementQuote quote = translator.plan(resolved(plan), PROFILES.get("default"));
    if (!(quote instanceof PlacementQuote.Offer offer)) {
      return;
    }
    RunInstancesRequest request = (RunInstancesRequest) offer.requests().get(0).request();
    assertThat(request.tagSpecifications()).hasSize(3);
    for (TagSpecification spec : request.tagSpecifications()) {
      assertThat(spec.tags()).hasSizeLessThanOrEqualTo(50);
      assertThat(spec.tags().stream().map(Tag::key).distinct().count())
          .isEqualTo(spec.tags().size());
      for (Tag tag : spec.tags()) {
        assertThat(tag.key().codePointCount(0, tag.key().length())).isBetween(1, 128);
        assertThat(tag.value().codePointCount(0, tag.value().length())).isLessThanOrEqualTo(256);
        assertThat(tag.key().toLowerCase()).doesNotStartWith("aws:");
      }
      assertThat(spec.tags())
          .contains(Tag.builder().key("nodeless.dev/pod-uid").value(plan.uid()).build());
    }
  }

  @Property(tries = 120)
  void secretValuesNeverReachTheRequest(
      @ForAll("pods") PodCase plan, @ForAll("profiles") String profile) {
    PlacementQuote quote = translator.plan(resolved(plan), PROFILES.get(profile));
    assertThat(quote.toString()).doesNotContain(PodGen.CANARY);
    if (quote instanceof PlacementQuote.Offer offer) {
      ProviderRequest request = offer.requests().get(0);
      assertThat(request.redactedJson()).doesNotContain(PodGen.CANARY);
      assertThat(request.request().toString()).doesNotContain(PodGen.CANARY);
      assertThat(request.toString()).doesNotContain(PodGen.CANARY);
      assertThat(String.join("\n", offer.notes())).doesNotContain(PodGen.CANARY);
    } else {
      for (ValidationProblem problem : ((PlacementQuote.Rejected) quote).problems()) {
        assertThat(problem.describe()).doesNotContain(PodGen.CANARY);
      }
    }
  }

  @Property(tries = 150)
  void invalidPodIsRejectedWithItsFieldPath(
      @ForAll("pods") PodCase plan, @ForAll("defects") InvalidPods.Defect defect) {
    Pod pod = InvalidPods.apply(defect, plan.pod());
    PlacementQuote quote = translator.plan(TestPods.unvalidated(pod), PROFILES.get("default"));
    assertThat(quote).isInstanceOf(PlacementQuote.Rejected.class);
    List<String> paths =
        ((PlacementQuote.Rejected) quote)
            .problems().stream().map(ValidationProblem::fieldPath).toList();
    assertThat(paths).contains(defect.fieldPath());
  }

  @Provide
  Arbitrary<PodCase> pods() {
    return PodGen.pods();
  }

  @Provide
  Arbitrary<InvalidPods.Defect> defects() {
    return InvalidPods.defects();
  }

  private static ResolvedPod resolved(PodCase plan) {
    return TestPods.resolved(plan.pod(), plan.bundle().objects());
  }

  /** Works out by brute force which types may run the pod and what the cheapest one costs. */
  private static final class Oracle {
    private final PodCase plan;
    private final Ec2Settings settings;
    private final InstanceCatalog.Region region;
    private final PodResources resources;
    private final Glob pattern;

    Oracle(PodCase plan, Pod pod, Ec2Settings settings) {
      this.plan = plan;
      this.settings = settings;
      this.region =
          InstanceCatalog.current()
              .region(settings.region())
              .or(() -> InstanceCatalog.stale().region(settings.region()))
              .orElseThrow();
      this.resources = EffectiveResources.of(pod.getSpec());
      this.pattern = Glob.of(plan.typePattern().orElse(""));
    }

    boolean stale() {
      return InstanceCatalog.current().region(settings.region()).isEmpty();
    }

    BigDecimal cpuMillis() {
      return resources.cpu().movePointRight(3);
    }

    BigDecimal memoryBytes() {
      return resources.memoryBytes();
    }

    int gpus() {
      return resources.gpus();
    }

    boolean volumeTooLarge() {
      BigDecimal request = resources.request(PodResources.EPHEMERAL_STORAGE);
      BigDecimal bytes =
          resources.limit(PodResources.EPHEMERAL_STORAGE).map(request::max).orElse(request);
      return bytes.divide(GIB, 0, java.math.RoundingMode.CEILING).intValue() + 10 > 16384;
    }

    boolean admissible(InstanceType type) {
      boolean exact = pattern.isExact();
      if (type.family().equals("t1")) {
        return false;
      }
      if (!pattern.isEmpty() && !pattern.matches(type.name())) {
        return false;
      }
      if (!settings.families().isEmpty() && !settings.families().matches(type.family())) {
        return false;
      }
      if (settings.excludedFamilies().matches(type.family())) {
        return false;
      }
      if (!settings.burstable() && Burstable.isBurstable(type)) {
        return false;
      }
      if (!settings.architectures().contains(type.arch()) || !plan.admitsArch(type.arch())) {
        return false;
      }
      if (gpus() > 0 ? type.nvidiaGpus() < gpus() : !exact && (type.gpus() > 0 || type.metal())) {
        return false;
      }
      OverheadModel.Allocatable allocatable = settings.overheadModel().allocatable(type);
      return cpuMillis().compareTo(BigDecimal.valueOf(allocatable.cpuMillis())) <= 0
          && memoryBytes().compareTo(BigDecimal.valueOf(allocatable.memoryMib()).multiply(MIB))
              <= 0;
    }

    BigDecimal price(InstanceType type) {
      BigDecimal base = type.hourlyUsd();
      if (settings.spot() && settings.spotPrices().containsKey(type.name())) {
        base = settings.spotPrices().get(type.name());
      }
      return base.add(Burstable.surchargeUsd(type, resources.cpu(), settings.burstCreditPrice()));
    }

    Optional<InstanceType> cheapest() {
      return region.types().stream()
          .filter(this::admissible)
          .min(
              Comparator.comparing(this::price)
                  .thenComparingInt(InstanceType::vcpus)
                  .thenComparingLong(InstanceType::memoryMib)
                  .thenComparing(InstanceType::name));
    }
  }
}
