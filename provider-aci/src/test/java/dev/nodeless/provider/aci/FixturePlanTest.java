package dev.nodeless.provider.aci;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeless.PodValidationException;
import dev.nodeless.ValidationProblem;
import dev.nodeless.plan.PlacementQuote;
import dev.nodeless.plan.PlanSettings;
import dev.nodeless.testing.FixtureObjects;
import dev.nodeless.testing.Fixtures;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Plans every fixture manifest on ACI and checks the outcome file by file. */
class FixturePlanTest {
  private static final PlanSettings SETTINGS = PlanSettings.of("eastus");
  private static final String SMALL = "0.25 vCPU / 0.5 GB Linux";

  /** A value that must never appear outside secure fields of a request. */
  private static final String CANARY = "canary-7f3a91c2-secret";

  /** The group size of every fixture ACI runs. */
  private static final Map<String, String> OFFERS =
      new TreeMap<>(
          Map.ofEntries(
              Map.entry("admin/resource/cpu-constraints-pod-4.yaml", SMALL),
              Map.entry("application/deployment-sidecar.yaml", "0.5 vCPU / 1 GB Linux"),
              Map.entry("aws-virtual-kubelet/examples/pods/sample-pod.yaml", SMALL),
              Map.entry("azure-aci/e2e/fixtures/multi-volume.yml", "2 vCPU / 2 GB Linux"),
              Map.entry("controllers/job-pod-failure-policy-example.yaml", SMALL),
              Map.entry("controllers/job.yaml", SMALL),
              Map.entry("controllers/nginx-deployment.yaml", SMALL),
              Map.entry("pods/commands.yaml", SMALL),
              Map.entry("pods/init-containers.yaml", SMALL),
              Map.entry("pods/inject/dapi-volume-resources.yaml", "0.13 vCPU / 0.1 GB Linux"),
              Map.entry("pods/inject/dapi-volume.yaml", SMALL),
              Map.entry("pods/inject/dependent-envars.yaml", SMALL),
              Map.entry("pods/inject/pod-secret-envFrom.yaml", SMALL),
              Map.entry("pods/inject/secret-pod.yaml", SMALL),
              Map.entry("pods/multi-container/resources.yaml", "0.35 vCPU / 0.3 GB Linux"),
              Map.entry("pods/multi-container/shared-volume.yaml", SMALL),
              Map.entry("pods/pod-configmap-volume-specific-key.yaml", SMALL),
              Map.entry("pods/pod-multiple-configmap-env-variable.yaml", SMALL),
              Map.entry("pods/pod-with-affinity-anti-affinity.yaml", SMALL),
              Map.entry("pods/pod-with-toleration.yaml", SMALL),
              Map.entry(
                  "pods/resource/pod-level-memory-request-limit.yaml", "0.25 vCPU / 0.2 GB Linux"),
              Map.entry("pods/security/security-context-4.yaml", SMALL),
              Map.entry("pods/security/security-context.yaml", SMALL),
              Map.entry("virtual-kubelet/examples/nginx-pod-probes-named-ports.yaml", SMALL)));

  /** The field paths of every problem of every fixture ACI rejects. */
  private static final Map<String, List<String>> REJECTIONS =
      new TreeMap<>(
          Map.ofEntries(
              // Core rejects the volumeClaimTemplate mounts before the pod reaches ACI.
              Map.entry(
                  "application/mysql/mysql-statefulset.yaml",
                  List.of(
                      "spec.containers[0].volumeMounts[0].name",
                      "spec.containers[1].volumeMounts[0].name",
                      "spec.initContainers[1].volumeMounts[0].name")),
              // Core rejects status.podIP, which an ACI group only learns after it starts.
              Map.entry(
                  "pods/inject/dapi-envars-pod.yaml",
                  List.of("spec.containers[0].env[3].valueFrom.fieldRef")),
              Map.entry(
                  "application/wordpress/wordpress-deployment.yaml",
                  List.of("spec.volumes[0].persistentVolumeClaim")),
              Map.entry(
                  "azure-aci/e2e/fixtures/initcontainers_ordertest_pod.yml",
                  List.of("spec.volumes[1].csi.volumeAttributes.secretName")),
              Map.entry(
                  "controllers/daemonset.yaml",
                  List.of("spec.volumes[0].hostPath", "spec.volumes[1].hostPath")),
              Map.entry("pods/config/redis-pod.yaml", List.of("spec.containers[0].args")),
              Map.entry(
                  "pods/lifecycle-events.yaml",
                  List.of(
                      "spec.containers[0].lifecycle.postStart",
                      "spec.containers[0].lifecycle.preStop")),
              Map.entry(
                  "pods/pod-configmap-envFrom.yaml",
                  List.of("spec.containers[0].envFrom[0]", "spec.containers[0].envFrom[0]")),
              Map.entry("pods/private-reg-pod.yaml", List.of("spec.containers[0].image")),
              Map.entry("pods/probe/exec-liveness.yaml", List.of("spec.containers[0].args")),
              Map.entry(
                  "pods/probe/grpc-liveness.yaml",
                  List.of("spec.containers[0].livenessProbe.grpc")),
              Map.entry("pods/probe/http-liveness.yaml", List.of("spec.containers[0].args")),
              Map.entry(
                  "pods/probe/tcp-liveness-readiness.yaml",
                  List.of(
                      "spec.containers[0].livenessProbe.tcpSocket",
                      "spec.containers[0].readinessProbe.tcpSocket")),
              Map.entry(
                  "pods/security/seccomp/ga/fine-pod.yaml", List.of("spec.containers[0].args")),
              Map.entry("pods/share-process-namespace.yaml", List.of("spec.shareProcessNamespace")),
              Map.entry("pods/storage/projected.yaml", List.of("spec.containers[0].args")),
              Map.entry(
                  "systemk/internal/testdata/provider/hello.yaml",
                  List.of("spec.containers[0].image")),
              Map.entry(
                  "virtual-kubelet-saladcloud/demo/qr.yaml",
                  List.of("spec.containers[0].startupProbe"))));

  private final AciTranslator translator = new AciTranslator();
  private final TestResolver resolver =
      new TestResolver(FixtureObjects.all(CANARY, "myregistry.example.com"));

  static Stream<String> fixtures() {
    return Fixtures.all().stream();
  }

  /** Plans the fixture; a pod that core rejects counts as rejected with core's problems. */
  private PlacementQuote plan(String file, PlanSettings settings) {
    Pod pod = Fixtures.pod(file);
    try {
      return translator.plan(resolver.resolve(pod), settings);
    } catch (PodValidationException e) {
      return new PlacementQuote.Rejected("core", e.problems());
    }
  }

  @Test
  void everyFixtureHasAnExpectation() {
    assertThat(Fixtures.all())
        .allMatch(file -> OFFERS.containsKey(file) || REJECTIONS.containsKey(file));
    assertThat(OFFERS.size() + REJECTIONS.size()).isEqualTo(Fixtures.all().size());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void fixturePlannedAsExpected(String file) {
    PlacementQuote quote = plan(file, SETTINGS);

    if (OFFERS.containsKey(file)) {
      assertThat(quote).isInstanceOf(PlacementQuote.Offer.class);
      PlacementQuote.Offer offer = (PlacementQuote.Offer) quote;
      assertThat(offer.size()).isEqualTo(OFFERS.get(file));
      assertThat(offer.hourlyUsd()).isPositive();
      assertThat(offer.requests().get(0).redactedJson()).doesNotContain(CANARY);
      assertThat(offer.notes()).noneMatch(note -> note.contains(CANARY));
    } else {
      assertThat(quote).isInstanceOf(PlacementQuote.Rejected.class);
      List<ValidationProblem> problems = ((PlacementQuote.Rejected) quote).problems();
      assertThat(problems)
          .extracting(ValidationProblem::fieldPath)
          .containsExactlyInAnyOrderElementsOf(REJECTIONS.get(file));
      assertThat(problems).allSatisfy(problem -> assertThat(problem.fix()).isNotBlank());
      assertThat(problems)
          .allSatisfy(problem -> assertThat(problem.describe()).doesNotContain(CANARY));
    }
  }

  @Test
  void azureFilesCsiFixtureRunsWhenShareConfigured() {
    PlanSettings settings =
        new PlanSettings(
            "eastus",
            Map.of(
                "aci.azureFile.csidriversecret.accountName",
                "vkshares",
                "aci.azureFile.csidriversecret.accountKey",
                CANARY));

    PlacementQuote quote =
        plan("azure-aci/e2e/fixtures/initcontainers_ordertest_pod.yml", settings);

    assertThat(quote).isInstanceOf(PlacementQuote.Offer.class);
    PlacementQuote.Offer offer = (PlacementQuote.Offer) quote;
    assertThat(offer.size()).isEqualTo("1 vCPU / 1 GB Linux");
    assertThat(offer.requests().get(0).redactedJson())
        .contains("\"shareName\":\"vncsidriversharename\"")
        .contains("\"storageAccountKey\":\"<redacted>\"")
        .doesNotContain(CANARY);
  }

  @Test
  void secretFixturesUseSecureFields() {
    PlacementQuote.Offer envFrom =
        (PlacementQuote.Offer) plan("pods/inject/pod-secret-envFrom.yaml", SETTINGS);
    PlacementQuote.Offer volume =
        (PlacementQuote.Offer) plan("pods/inject/secret-pod.yaml", SETTINGS);

    assertThat(envFrom.requests().get(0).redactedJson())
        .contains("{\"name\":\"password\",\"secureValue\":\"<redacted>\"}");
    assertThat(volume.requests().get(0).redactedJson())
        .contains("\"secret\":{\"password\":\"<redacted>\",\"username\":\"<redacted>\"}");
  }
}
