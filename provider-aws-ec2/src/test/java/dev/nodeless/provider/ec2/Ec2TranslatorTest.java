package dev.nodeless.provider.ec2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nodeless.PodValidationException;
import dev.nodeless.ValidationProblem;
import dev.nodeless.plan.PlacementChooser;
import dev.nodeless.plan.PlacementPlanner;
import dev.nodeless.plan.PlacementQuote;
import dev.nodeless.plan.PlanSettings;
import dev.nodeless.provider.ec2.internal.InstanceCatalog;
import dev.nodeless.provider.ec2.internal.InstanceType;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ec2.model.BlockDeviceMapping;
import software.amazon.awssdk.services.ec2.model.HttpTokensState;
import software.amazon.awssdk.services.ec2.model.InstanceNetworkInterfaceSpecification;
import software.amazon.awssdk.services.ec2.model.MarketType;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.RunInstancesRequest;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;
import software.amazon.awssdk.services.ec2.model.VolumeType;

class Ec2TranslatorTest {
  private static final String UID = "6f1c8f3e-2b7a-4c0e-9d55-0c3a1e2b4f60";
  private static final Map<String, String> BASE =
      Map.of(
          "ec2.clusterId", "unit",
          "ec2.subnetId", "subnet-0aaa",
          "ec2.securityGroupIds", "sg-0aaa,sg-0bbb",
          "ec2.instanceProfileArn", "arn:aws:iam::123456789012:instance-profile/nodeless-pod");

  private final Ec2Translator translator = new Ec2Translator();

  // ---- registration --------------------------------------------------------------------------

  @Test
  void serviceLoaderFindsEc2Planner() {
    List<String> providers =
        ServiceLoader.load(PlacementPlanner.class).stream()
            .map(provider -> provider.get().provider())
            .toList();
    assertThat(providers).contains("ec2");
    assertThat(PlacementChooser.discover().planners())
        .extracting(PlacementPlanner::provider)
        .contains("ec2");
  }

  // ---- request shape -------------------------------------------------------------------------

  @Test
  void requestCarriesIdempotencyImdsVolumeNetworkAndTags() {
    PlacementQuote.Offer offer = offer(pod("1", "2Gi", null), settings(Map.of()));
    RunInstancesRequest request = request(offer);

    assertThat(request.clientToken()).isEqualTo("nodeless-" + UID);
    assertThat(request.minCount()).isEqualTo(1);
    assertThat(request.maxCount()).isEqualTo(1);
    assertThat(request.instanceTypeAsString()).isEqualTo(offer.size());
    assertThat(request.userData()).isNull();
    assertThat(request.metadataOptions().httpTokens()).isEqualTo(HttpTokensState.REQUIRED);
    assertThat(request.metadataOptions().httpPutResponseHopLimit()).isEqualTo(1);
    assertThat(request.iamInstanceProfile().arn())
        .isEqualTo("arn:aws:iam::123456789012:instance-profile/nodeless-pod");

    BlockDeviceMapping root = request.blockDeviceMappings().get(0);
    assertThat(root.deviceName()).isEqualTo("/dev/xvda");
    assertThat(root.ebs().volumeType()).isEqualTo(VolumeType.GP3);
    assertThat(root.ebs().volumeSize()).isEqualTo(20);
    assertThat(root.ebs().deleteOnTermination()).isTrue();
    assertThat(root.ebs().encrypted()).isTrue();

    InstanceNetworkInterfaceSpecification network = request.networkInterfaces().get(0);
    assertThat(network.deviceIndex()).isZero();
    assertThat(network.associatePublicIpAddress()).isFalse();
    assertThat(network.subnetId()).isEqualTo("subnet-0aaa");
    assertThat(network.groups()).containsExactly("sg-0aaa", "sg-0bbb");
    assertThat(request.subnetId()).isNull();
    assertThat(request.securityGroupIds()).isEmpty();

    assertThat(request.tagSpecifications())
        .extracting(TagSpecification::resourceType)
        .containsExactly(
            ResourceType.INSTANCE, ResourceType.VOLUME, ResourceType.NETWORK_INTERFACE);
    for (TagSpecification spec : request.tagSpecifications()) {
      assertThat(spec.tags())
          .contains(
              tag("nodeless.dev/cluster", "unit"),
              tag("nodeless.dev/pod-namespace", "shop"),
              tag("nodeless.dev/pod-name", "web"),
              tag("nodeless.dev/pod-uid", UID),
              tag("Name", "nodeless shop/web"),
              tag("app", "web"));
    }
  }

  @Test
  void defaultImageFollowsArchitecture() {
    RunInstancesRequest arm =
        request(offer(pod("1", "2Gi", Map.of("kubernetes.io/arch", "arm64")), settings(Map.of())));
    RunInstancesRequest amd =
        request(offer(pod("1", "2Gi", Map.of("kubernetes.io/arch", "amd64")), settings(Map.of())));
    assertThat(arm.imageId())
        .isEqualTo(
            "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64");
    assertThat(amd.imageId())
        .isEqualTo(
            "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64");
  }

  @Test
  void imageAnnotationWinsOverSettings() {
    Pod pod =
        annotate(pod("1", "2Gi", null), Map.of(Ec2Translator.IMAGE_ANNOTATION, "ami-0fromthepod"));
    RunInstancesRequest request =
        request(offer(pod, settings(Map.of("ec2.imageId", "ami-0fromsettings"))));
    assertThat(request.imageId()).isEqualTo("ami-0fromthepod");
  }

  @Test
  void publicIpAndProfileNameFollowSettings() {
    RunInstancesRequest request =
        request(
            offer(
                pod("1", "2Gi", null),
                settings(
                    Map.of(
                        "ec2.associatePublicIp", "true", "ec2.instanceProfileArn", "pod-role"))));
    assertThat(request.networkInterfaces().get(0).associatePublicIpAddress()).isTrue();
    assertThat(request.iamInstanceProfile().name()).isEqualTo("pod-role");
    assertThat(request.iamInstanceProfile().arn()).isNull();
  }

  @Test
  void subnetPickedByUid() {
    PlacementQuote.Offer offer =
        offer(
            pod("1", "2Gi", null), settings(Map.of("ec2.subnetId", "subnet-a,subnet-b,subnet-c")));
    String subnet = request(offer).networkInterfaces().get(0).subnetId();
    String expected =
        List.of("subnet-a", "subnet-b", "subnet-c")
            .get(Integer.remainderUnsigned(UID.hashCode(), 3));
    assertThat(subnet).isEqualTo(expected);
    assertThat(offer.notes()).anyMatch(note -> note.contains("picked from 3"));
  }

  @Test
  void clientTokenHashesUnsafeUid() {
    String token =
        LaunchRequests.clientToken("a uid with spaces and more text than fits in a token..");
    assertThat(token).startsWith("nodeless-").hasSize(64);
    assertThat(token.chars().allMatch(c -> c < 128)).isTrue();
    assertThat(LaunchRequests.clientToken(UID)).isEqualTo("nodeless-" + UID);
  }

  // ---- sizing --------------------------------------------------------------------------------

  @Test
  void rootVolumeAddsHeadroom() {
    Pod pod = withResource(pod("1", "2Gi", null), "ephemeral-storage", "25.5Gi", null);
    PlacementQuote.Offer offer = offer(pod, settings(Map.of()));
    assertThat(request(offer).blockDeviceMappings().get(0).ebs().volumeSize()).isEqualTo(36);
    assertThat(offer.notes()).anyMatch(note -> note.contains("rounded up to 26 GiB"));
  }

  @Test
  void rootVolumeUsesEphemeralLimitAboveRequest() {
    Pod pod = withResource(pod("1", "2Gi", null), "ephemeral-storage", "1Gi", "50Gi");
    assertThat(
            request(offer(pod, settings(Map.of()))).blockDeviceMappings().get(0).ebs().volumeSize())
        .isEqualTo(60);
  }

  @Test
  void rootVolumeMinimumComesFromSettings() {
    PlacementQuote.Offer offer =
        offer(pod("1", "2Gi", null), settings(Map.of("ec2.rootVolumeMinGiB", "40")));
    assertThat(request(offer).blockDeviceMappings().get(0).ebs().volumeSize()).isEqualTo(40);
  }

  @Test
  void ephemeralStorageBeyondGp3IsRejected() {
    Pod pod = withResource(pod("1", "2Gi", null), "ephemeral-storage", "20Ti", null);
    assertThat(paths(translator.plan(TestPods.resolved(pod), settings(Map.of()))))
        .contains("spec.containers[0].resources.requests[\"ephemeral-storage\"]");
  }

  @Test
  void agentOverheadDecidesWhatFits() {
    // m5.large: 2 vCPU, 8192 MiB; the agent model leaves 1900m and 8192 - 615 - 256 = 7321 MiB.
    Pod fits =
        annotate(pod("1900m", "7321Mi", null), Map.of("nodeless.dev/instance-type", "m5.large"));
    Pod tooBig =
        annotate(pod("1900m", "7322Mi", null), Map.of("nodeless.dev/instance-type", "m5.large"));
    assertThat(translator.plan(TestPods.resolved(fits), settings(Map.of())))
        .isInstanceOf(PlacementQuote.Offer.class);
    PlacementQuote rejected = translator.plan(TestPods.resolved(tooBig), settings(Map.of()));
    assertThat(paths(rejected))
        .containsExactly("metadata.annotations[\"nodeless.dev/instance-type\"]");
    assertThat(describe(rejected)).contains("m5.large leaves 1900m CPU and 7321 MiB");
  }

  @Test
  void karpenterOverheadDecidesWhatFits() {
    Map<String, String> karpenter = Map.of("ec2.overheadModel", "karpenter");
    Pod fits =
        annotate(pod("1930m", "6903Mi", null), Map.of("nodeless.dev/instance-type", "m5.large"));
    Pod tooBig =
        annotate(pod("1931m", "6903Mi", null), Map.of("nodeless.dev/instance-type", "m5.large"));
    assertThat(translator.plan(TestPods.resolved(fits), settings(karpenter)))
        .isInstanceOf(PlacementQuote.Offer.class);
    assertThat(translator.plan(TestPods.resolved(tooBig), settings(karpenter)))
        .isInstanceOf(PlacementQuote.Rejected.class);
  }

  @Test
  void agentReservesComeFromSettings() {
    Map<String, String> reserves =
        Map.of("ec2.agentCpuReserve", "0", "ec2.agentMemoryReserve", "0");
    Pod pod = annotate(pod("2", "7577Mi", null), Map.of("nodeless.dev/instance-type", "m5.large"));
    assertThat(translator.plan(TestPods.resolved(pod), settings(reserves)))
        .isInstanceOf(PlacementQuote.Offer.class);
  }

  @Test
  void podWithoutRequestsGetsCheapestTypeWithNote() {
    PlacementQuote.Offer offer = offer(pod(null, null, null), settings(Map.of()));
    assertThat(offer.size()).isEqualTo("t4g.nano");
    assertThat(offer.notes()).anyMatch(note -> note.contains("requests no CPU or memory"));
    assertThat(offer.notes()).anyMatch(note -> note.startsWith("arm64 chosen"));
  }

  @Test
  void hugeRequestsAreRejectedOnTheLargestField() {
    PlacementQuote quote =
        translator.plan(TestPods.resolved(pod("1000", "64Ti", null)), settings(Map.of()));
    assertThat(paths(quote))
        .containsExactly(
            "spec.containers[0].resources.requests.cpu",
            "spec.containers[0].resources.requests.memory");
  }

  // ---- burstable types -----------------------------------------------------------------------

  @Test
  void burstableSurchargeBelowBaseline() {
    PlacementQuote.Offer offer =
        offer(pod("1", "1Gi", Map.of("kubernetes.io/arch", "arm64")), settings(Map.of()));
    InstanceType chosen =
        InstanceCatalog.current()
            .region("us-east-1")
            .orElseThrow()
            .find(offer.size())
            .orElseThrow();
    assertThat(chosen.family()).isEqualTo("t4g");
    // t4g.small earns 24 credits an hour: a 0.4 vCPU baseline, so 0.6 vCPU-hour of credits.
    assertThat(offer.size()).isEqualTo("t4g.small");
    assertThat(offer.hourlyUsd())
        .isEqualByComparingTo(chosen.hourlyUsd().add(new BigDecimal("0.030")));
    assertThat(request(offer).creditSpecification().cpuCredits()).isEqualTo("unlimited");
    assertThat(offer.notes()).anyMatch(note -> note.contains("surplus credits"));
  }

  @Test
  void creditPriceComesFromSettings() {
    PlacementQuote.Offer offer =
        offer(
            pod("1", "1Gi", Map.of("kubernetes.io/arch", "arm64")),
            settings(Map.of("ec2.burstCreditPrice", "0.04")));
    assertThat(offer.hourlyUsd())
        .isEqualByComparingTo(new BigDecimal("0.0168").add(new BigDecimal("0.024")));
  }

  @Test
  void burstableOffChoosesFixedPerformanceType() {
    PlacementQuote.Offer offer =
        offer(pod("250m", "512Mi", null), settings(Map.of("ec2.burstable", "false")));
    assertThat(offer.size()).doesNotStartWith("t");
    assertThat(request(offer).creditSpecification()).isNull();
  }

  @Test
  void burstableOffRejectsBurstableAnnotation() {
    Pod pod =
        annotate(pod("250m", "512Mi", null), Map.of("nodeless.dev/instance-type", "t3.micro"));
    assertThat(
            paths(
                translator.plan(
                    TestPods.resolved(pod), settings(Map.of("ec2.burstable", "false")))))
        .containsExactly("metadata.annotations[\"nodeless.dev/instance-type\"]");
  }

  // ---- annotations, families, architectures --------------------------------------------------

  @Test
  void globAnnotationLimitsFamily() {
    Pod pod = annotate(pod("1", "2Gi", null), Map.of("nodeless.dev/instance-type", "m5.*"));
    assertThat(offer(pod, settings(Map.of())).size()).isEqualTo("m5.large");
  }

  @Test
  void awsAnnotationAcceptedButSecond() {
    Pod theirs =
        annotate(pod("1", "2Gi", null), Map.of("compute.amazonaws.com/instance-type", "c5.large"));
    assertThat(offer(theirs, settings(Map.of())).size()).isEqualTo("c5.large");
    Pod both =
        annotate(
            pod("1", "2Gi", null),
            Map.of(
                "compute.amazonaws.com/instance-type", "c5.large",
                "nodeless.dev/instance-type", "m5.large"));
    PlacementQuote.Offer offer = offer(both, settings(Map.of()));
    assertThat(offer.size()).isEqualTo("m5.large");
    assertThat(offer.notes())
        .anyMatch(note -> note.contains("compute.amazonaws.com/instance-type ignored"));
  }

  @Test
  void unknownTypeAnnotationIsRejected() {
    Pod pod = annotate(pod("1", "2Gi", null), Map.of("nodeless.dev/instance-type", "m99.large"));
    PlacementQuote quote = translator.plan(TestPods.resolved(pod), settings(Map.of()));
    assertThat(paths(quote))
        .containsExactly("metadata.annotations[\"nodeless.dev/instance-type\"]");
    assertThat(describe(quote)).contains("m99.large is not in the us-east-1 catalog");
  }

  @Test
  void familiesAndExclusionsFilterTypes() {
    PlacementQuote.Offer only =
        offer(pod("1", "2Gi", null), settings(Map.of("ec2.families", "c7g")));
    assertThat(only.size()).startsWith("c7g.");
    PlacementQuote.Offer excluded =
        offer(pod("1", "2Gi", null), settings(Map.of("ec2.excludeFamilies", "t*,a1")));
    assertThat(excluded.size()).doesNotStartWith("t").doesNotStartWith("a1");
  }

  @Test
  void familiesMatchingNothingAreRejectedOnTheSetting() {
    PlacementQuote quote =
        translator.plan(
            TestPods.resolved(pod("1", "2Gi", null)), settings(Map.of("ec2.families", "zz9")));
    assertThat(paths(quote)).containsExactly("settings.options[\"ec2.families\"]");
  }

  @Test
  void architecturesSettingRestrictsTypes() {
    PlacementQuote.Offer offer =
        offer(pod("1", "2Gi", null), settings(Map.of("ec2.architectures", "amd64")));
    assertThat(
            InstanceCatalog.current()
                .region("us-east-1")
                .orElseThrow()
                .find(offer.size())
                .orElseThrow()
                .arch())
        .isEqualTo("amd64");
    PlacementQuote quote =
        translator.plan(
            TestPods.resolved(pod("1", "2Gi", Map.of("kubernetes.io/arch", "arm64"))),
            settings(Map.of("ec2.architectures", "amd64")));
    assertThat(paths(quote)).containsExactly("spec.nodeSelector[\"kubernetes.io/arch\"]");
  }

  @Test
  void requiredAffinityOnArchitectureIsHonoured() {
    Pod pod =
        withRequiredNodeAffinity(pod("1", "2Gi", null), "kubernetes.io/arch", "NotIn", "arm64");
    PlacementQuote.Offer offer = offer(pod, settings(Map.of()));
    assertThat(
            InstanceCatalog.current()
                .region("us-east-1")
                .orElseThrow()
                .find(offer.size())
                .orElseThrow()
                .arch())
        .isEqualTo("amd64");
  }

  @Test
  void affinityNoLinuxVmCanMeetIsRejected() {
    Pod pod = withRequiredNodeAffinity(pod("1", "2Gi", null), "kubernetes.io/os", "In", "windows");
    assertThat(paths(translator.plan(TestPods.resolved(pod), settings(Map.of()))))
        .containsExactly(
            "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms");
  }

  @Test
  void windowsIsRejectedWithEveryReasonAtOnce() {
    Pod pod =
        new PodBuilder(pod("1", "2Gi", Map.of("kubernetes.io/os", "windows")))
            .editSpec()
            .withNewOs("windows")
            .endSpec()
            .build();
    PlacementQuote quote = translator.plan(TestPods.resolved(pod), settings(Map.of()));
    assertThat(paths(quote))
        .containsExactly("spec.os.name", "spec.nodeSelector[\"kubernetes.io/os\"]");
    assertThat(describe(quote)).contains("Windows pods are not supported");
  }

  // ---- GPUs ----------------------------------------------------------------------------------

  @Test
  void gpuPodGetsNvidiaTypeWithExplicitImage() {
    Pod pod = withResource(pod("2", "8Gi", null), "nvidia.com/gpu", null, "1");
    PlacementQuote.Offer offer = offer(pod, settings(Map.of("ec2.imageId", "ami-0gpu")));
    InstanceType chosen =
        InstanceCatalog.current()
            .region("us-east-1")
            .orElseThrow()
            .find(offer.size())
            .orElseThrow();
    assertThat(chosen.nvidiaGpus()).isGreaterThanOrEqualTo(1);
    assertThat(chosen.gpuManufacturer()).isEqualTo("nvidia");
    assertThat(request(offer).imageId()).isEqualTo("ami-0gpu");
  }

  @Test
  void gpuPodNeedsExplicitImage() {
    Pod pod = withResource(pod("2", "8Gi", null), "nvidia.com/gpu", null, "1");
    assertThat(paths(translator.plan(TestPods.resolved(pod), settings(Map.of()))))
        .containsExactly("settings.options[\"ec2.imageId\"]");
  }

  @Test
  void tooManyGpusRejected() {
    Pod pod = withResource(pod("2", "8Gi", null), "nvidia.com/gpu", null, "64");
    PlacementQuote quote =
        translator.plan(TestPods.resolved(pod), settings(Map.of("ec2.imageId", "ami-0gpu")));
    assertThat(paths(quote))
        .containsExactly("spec.containers[0].resources.limits[\"nvidia.com/gpu\"]");
    assertThat(describe(quote)).contains("the most is 16");
  }

  @Test
  void cpuPodAvoidsGpuAndMetal() {
    PlacementQuote.Offer offer = offer(pod("90", "300Gi", null), settings(Map.of()));
    InstanceType chosen =
        InstanceCatalog.current()
            .region("us-east-1")
            .orElseThrow()
            .find(offer.size())
            .orElseThrow();
    assertThat(chosen.gpus()).isZero();
    assertThat(chosen.metal()).isFalse();
  }

  // ---- prices --------------------------------------------------------------------------------

  @Test
  void spotWithoutTableUsesOnDemand() {
    PlacementQuote.Offer onDemand = offer(pod("1", "2Gi", null), settings(Map.of()));
    PlacementQuote.Offer spot = offer(pod("1", "2Gi", null), settings(Map.of("ec2.spot", "true")));
    assertThat(spot.hourlyUsd()).isEqualByComparingTo(onDemand.hourlyUsd());
    assertThat(spot.notes()).anyMatch(note -> note.contains("priced at the on-demand price"));
    RunInstancesRequest request = request(spot);
    assertThat(request.instanceMarketOptions().marketType()).isEqualTo(MarketType.SPOT);
    assertThat(request.instanceMarketOptions().spotOptions().spotInstanceTypeAsString())
        .isEqualTo("one-time");
    assertThat(request.instanceMarketOptions().spotOptions().instanceInterruptionBehaviorAsString())
        .isEqualTo("terminate");
  }

  @Test
  void spotTablePricesAndReordersTypes(@TempDir Path dir) throws IOException {
    Path table = dir.resolve("spot.csv");
    Files.writeString(
        table,
        "region,instance_type,price_usd_per_hour\nus-east-1,m5.large,0.001\nus-east-1,c5.large,0.03\n");
    PlacementQuote.Offer offer =
        offer(
            pod("1", "2Gi", null),
            settings(Map.of("ec2.spot", "true", "ec2.spotPriceTable", table.toString())));
    assertThat(offer.size()).isEqualTo("m5.large");
    assertThat(offer.hourlyUsd()).isEqualByComparingTo("0.001");
    assertThat(offer.notes()).anyMatch(note -> note.startsWith("spot price 0.001"));
  }

  @Test
  void otherRegionUsesStaleTable() {
    PlacementQuote.Offer offer = offer(pod("1", "2Gi", null), settings("eu-west-1", Map.of()));
    assertThat(offer.priceSource().stale()).isTrue();
    assertThat(offer.priceSource().asOf().getYear()).isEqualTo(2020);
    assertThat(offer.region()).isEqualTo("eu-west-1");
    assertThat(offer.notes()).anyMatch(note -> note.contains("stale"));
  }

  @Test
  void govRegionUsesCurrentTable() {
    PlacementQuote.Offer offer = offer(pod("1", "2Gi", null), settings("us-gov-west-1", Map.of()));
    assertThat(offer.priceSource().stale()).isFalse();
    assertThat(offer.priceSource().asOf().toString()).isEqualTo("2026-07-20");
  }

  @Test
  void regionWithoutAnyTableIsRejected() {
    assertThat(
            paths(
                translator.plan(
                    TestPods.resolved(pod("1", "2Gi", null)), settings("xx-nowhere-1", Map.of()))))
        .containsExactly("settings.region");
  }

  @Test
  void userPriceTableReplacesBundledPrices(@TempDir Path dir) throws IOException {
    Path table = dir.resolve("prices.csv");
    Files.writeString(
        table,
        "region,instance_type,price_usd_per_hour,vcpu,memory_mib,arch,gpus\n"
            + "us-east-1,m5.large,0.0001,,,,\n"
            + "us-east-1,x9.large,0.5,2,8192,amd64,0\n");
    PlacementQuote.Offer offer =
        offer(pod("1", "2Gi", null), settings(Map.of("ec2.priceTable", table.toString())));
    assertThat(offer.size()).isEqualTo("m5.large");
    assertThat(offer.hourlyUsd()).isEqualByComparingTo("0.0001");
    assertThat(offer.priceSource().description()).contains(table.toString());
    assertThat(offer.priceSource().stale()).isFalse();
  }

  @Test
  void unreadablePriceTableIsRejectedOnTheSetting(@TempDir Path dir) {
    PlacementQuote quote =
        translator.plan(
            TestPods.resolved(pod("1", "2Gi", null)),
            settings(Map.of("ec2.priceTable", dir.resolve("missing.csv").toString())));
    assertThat(paths(quote)).containsExactly("settings.options[\"ec2.priceTable\"]");
  }

  // ---- settings ------------------------------------------------------------------------------

  @Test
  void invalidOptionsAreAllReported() {
    PlanSettings bad =
        settings(
            Map.of(
                "ec2.spot", "maybe",
                "ec2.overheadModel", "kubelet",
                "ec2.architectures", "s390x",
                "ec2.rootVolumeMinGiB", "huge"));
    PlacementQuote quote = translator.plan(TestPods.resolved(pod("1", "2Gi", null)), bad);
    assertThat(paths(quote))
        .containsExactlyInAnyOrder(
            "settings.options[\"ec2.spot\"]",
            "settings.options[\"ec2.overheadModel\"]",
            "settings.options[\"ec2.architectures\"]",
            "settings.options[\"ec2.rootVolumeMinGiB\"]");
    assertThatThrownBy(() -> Ec2Settings.fromPlanSettings(bad))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ec2.spot")
        .hasMessageContaining("ec2.overheadModel");
  }

  @Test
  void typedTranslateReturnsOrThrows() {
    Ec2Settings settings =
        Ec2Settings.builder("us-east-1")
            .clusterId("typed")
            .subnetIds(List.of("subnet-0t"))
            .burstable(false)
            .build();
    Ec2Translation translation =
        translator.translate(TestPods.resolved(pod("1", "2Gi", null)), settings);
    assertThat(translation.instanceType()).doesNotStartWith("t");
    assertThat(translation.request().instanceTypeAsString()).isEqualTo(translation.instanceType());
    assertThat(translation.redactedJson()).contains("\"ClientToken\" : \"nodeless-" + UID + "\"");

    Pod windows = pod("1", "2Gi", Map.of("kubernetes.io/os", "windows"));
    assertThatThrownBy(() -> translator.translate(TestPods.resolved(windows), settings))
        .isInstanceOf(PodValidationException.class)
        .hasMessageContaining("spec.nodeSelector[\"kubernetes.io/os\"]");
  }

  @Test
  void missingClusterIdAndSubnetAreNoted() {
    PlacementQuote.Offer offer =
        offer(pod("1", "2Gi", null), new PlanSettings("us-east-1", Map.of()));
    assertThat(offer.notes()).anyMatch(note -> note.contains("cluster id default"));
    assertThat(offer.notes()).anyMatch(note -> note.contains("default subnet"));
    assertThat(request(offer).networkInterfaces().get(0).subnetId()).isNull();
  }

  // ---- tags ----------------------------------------------------------------------------------

  @Test
  void labelsBeyondTagLimitsAreDroppedWithNotes() {
    Map<String, String> labels = new LinkedHashMap<>();
    for (int i = 0; i < 60; i++) {
      labels.put(String.format("label-%02d", i), "v" + i);
    }
    labels.put("aws:owner", "me");
    labels.put("x".repeat(129), "long");
    Pod pod =
        new PodBuilder(pod("1", "2Gi", null))
            .editMetadata()
            .withLabels(labels)
            .endMetadata()
            .build();
    // The API server rejects the last two keys; a direct caller may still pass them.
    PlacementQuote.Offer offer =
        (PlacementQuote.Offer) translator.plan(TestPods.unvalidated(pod), settings(Map.of()));
    List<Tag> tags = request(offer).tagSpecifications().get(0).tags();
    assertThat(tags).hasSize(50);
    assertThat(tags).contains(tag("label-00", "v0"), tag("label-44", "v44"));
    assertThat(tags).extracting(Tag::key).doesNotContain("label-45", "aws:owner");
    assertThat(offer.notes()).anyMatch(note -> note.startsWith("15 tags dropped"));
    assertThat(offer.notes()).anyMatch(note -> note.contains("aws: prefix"));
    assertThat(offer.notes()).anyMatch(note -> note.contains("129 characters"));
  }

  @Test
  void tagsAnnotationAddsTags() {
    Pod good =
        annotate(
            pod("1", "2Gi", null),
            Map.of("compute.amazonaws.com/tags", "{\"team\": \"web\", \"cost\": 7}"));
    assertThat(request(offer(good, settings(Map.of()))).tagSpecifications().get(0).tags())
        .contains(tag("team", "web"), tag("cost", "7"));
    Pod bad = annotate(pod("1", "2Gi", null), Map.of("compute.amazonaws.com/tags", "[1, 2]"));
    assertThat(paths(translator.plan(TestPods.resolved(bad), settings(Map.of()))))
        .containsExactly("metadata.annotations[\"compute.amazonaws.com/tags\"]");
  }

  // ---- secrets -------------------------------------------------------------------------------

  @Test
  void secretEnvValueAppearsNowhere() {
    String canary = "s3cr3t-CANARY-value-0001";
    Pod pod =
        new PodBuilder(pod("1", "2Gi", null))
            .editSpec()
            .editFirstContainer()
            .addNewEnv()
            .withName("DB_PASSWORD")
            .withNewValueFrom()
            .withNewSecretKeyRef("password", "db", false)
            .endValueFrom()
            .endEnv()
            .endContainer()
            .endSpec()
            .build();
    PlacementQuote quote =
        translator.plan(
            TestPods.resolved(pod, Map.of("db", Map.of("password", canary)), Map.of()),
            settings(Map.of()));
    PlacementQuote.Offer offer = (PlacementQuote.Offer) quote;
    assertThat(offer.toString()).doesNotContain(canary);
    assertThat(offer.requests().get(0).redactedJson()).doesNotContain(canary);
    assertThat(request(offer).toString()).doesNotContain(canary);
  }

  @Test
  void concurrentPlansGiveEqualOffers() throws Exception {
    Pod pod = pod("1", "2Gi", null);
    PlacementQuote.Offer expected = offer(pod, settings(Map.of()));
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      List<java.util.concurrent.Future<PlacementQuote>> futures = new java.util.ArrayList<>();
      for (int i = 0; i < 40; i++) {
        futures.add(pool.submit(() -> translator.plan(TestPods.resolved(pod), settings(Map.of()))));
      }
      for (java.util.concurrent.Future<PlacementQuote> future : futures) {
        PlacementQuote.Offer offer =
            (PlacementQuote.Offer) future.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(offer.requests().get(0).request())
            .isEqualTo(expected.requests().get(0).request());
        assertThat(offer.hourlyUsd()).isEqualTo(expected.hourlyUsd());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  // ---- helpers -------------------------------------------------------------------------------

  private PlacementQuote.Offer offer(Pod pod, PlanSettings settings) {
    PlacementQuote quote = translator.plan(TestPods.resolved(pod), settings);
    assertThat(quote)
        .as("quote for %s", pod.getMetadata().getName())
        .isInstanceOf(PlacementQuote.Offer.class);
    return (PlacementQuote.Offer) quote;
  }

  private static RunInstancesRequest request(PlacementQuote.Offer offer) {
    return (RunInstancesRequest) offer.requests().get(0).request();
  }

  private static List<String> paths(PlacementQuote quote) {
    assertThat(quote).isInstanceOf(PlacementQuote.Rejected.class);
    return ((PlacementQuote.Rejected) quote)
        .problems().stream().map(ValidationProblem::fieldPath).toList();
  }

  private static String describe(PlacementQuote quote) {
    return ((PlacementQuote.Rejected) quote)
        .problems().stream().map(ValidationProblem::describe).toList().toString();
  }

  private static PlanSettings settings(Map<String, String> extra) {
    return settings("us-east-1", extra);
  }

  private static PlanSettings settings(String region, Map<String, String> extra) {
    Map<String, String> options = new HashMap<>(BASE);
    options.putAll(extra);
    return new PlanSettings(region, options);
  }

  private static Tag tag(String key, String value) {
    return Tag.builder().key(key).value(value).build();
  }

  /** Builds pod "shop/web" with one container requesting cpu and memory (either may be null). */
  static Pod pod(String cpu, String memory, Map<String, String> nodeSelector) {
    ContainerBuilder container = new ContainerBuilder().withName("web").withImage("nginx:1.27");
    if (cpu != null || memory != null) {
      container.withNewResources().endResources();
      if (cpu != null) {
        container.editResources().addToRequests("cpu", new Quantity(cpu)).endResources();
      }
      if (memory != null) {
        container.editResources().addToRequests("memory", new Quantity(memory)).endResources();
      }
    }
    return new PodBuilder()
        .withNewMetadata()
        .withName("web")
        .withNamespace("shop")
        .withUid(UID)
        .withLabels(Map.of("app", "web"))
        .endMetadata()
        .withNewSpec()
        .withContainers(container.build())
        .withNodeSelector(nodeSelector)
        .endSpec()
        .build();
  }

  /** Copies the pod with one required node affinity term of one match expression. */
  private static Pod withRequiredNodeAffinity(
      Pod pod, String key, String operator, String... values) {
    return new PodBuilder(pod)
        .editSpec()
        .withNewAffinity()
        .withNewNodeAffinity()
        .withNewRequiredDuringSchedulingIgnoredDuringExecution()
        .addNewNodeSelectorTerm()
        .addNewMatchExpression()
        .withKey(key)
        .withOperator(operator)
        .withValues(values)
        .endMatchExpression()
        .endNodeSelectorTerm()
        .endRequiredDuringSchedulingIgnoredDuringExecution()
        .endNodeAffinity()
        .endAffinity()
        .endSpec()
        .build();
  }

  private static Pod annotate(Pod pod, Map<String, String> annotations) {
    return new PodBuilder(pod).editMetadata().addToAnnotations(annotations).endMetadata().build();
  }

  private static Pod withResource(Pod pod, String resource, String request, String limit) {
    ContainerBuilder container = new ContainerBuilder(pod.getSpec().getContainers().get(0));
    if (container.buildResources() == null) {
      container.withNewResources().endResources();
    }
    if (request != null) {
      container.editResources().addToRequests(resource, new Quantity(request)).endResources();
    }
    if (limit != null) {
      container.editResources().addToLimits(resource, new Quantity(limit)).endResources();
    }
    return new PodBuilder(pod).editSpec().withContainers(container.build()).endSpec().build();
  }
}
