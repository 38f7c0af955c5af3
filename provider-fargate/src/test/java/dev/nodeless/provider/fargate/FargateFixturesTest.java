package dev.nodeless.provider.fargate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeless.PodValidationException;
import dev.nodeless.plan.PlacementQuote;
import dev.nodeless.spi.ResolvedPod;
import dev.nodeless.testing.FixtureObjects;
import dev.nodeless.testing.Fixtures;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Every fixture manifest planned on Fargate: each pod is either offered at an expected size or
 * rejected at an expected field path with an expected reason.
 */
class FargateFixturesTest {
  static final String CANARY = "fixture-secret-3d1c";

  /** The ConfigMaps and Secrets that the fixture pods refer to, with {@link #CANARY} as secret. */
  static final List<HasMetadata> OBJECTS = FixtureObjects.all(CANARY, "registry.example.com");

  private static final FargateTranslator TRANSLATOR = new FargateTranslator();

  /**
   * The expected outcome per file: {@code offer <size>}, or per problem {@code reject <field path>
   * | <part of the rule>}, or {@code invalid ...} for a problem core validation reports first.
   */
  private static final Map<String, List<String>> EXPECTED = new TreeMap<>();

  static {
    expect("admin/resource/cpu-constraints-pod-4.yaml", "offer 0.25 vCPU / 0.5 GB");
    expect("application/deployment-sidecar.yaml", "offer 0.25 vCPU / 0.5 GB");
    expect(
        "application/mysql/mysql-statefulset.yaml",
        "invalid spec.initContainers[1].volumeMounts[0].name | must name a volume in spec.volumes",
        "invalid spec.containers[0].volumeMounts[0].name | must name a volume in spec.volumes",
        "invalid spec.containers[1].volumeMounts[0].name | must name a volume in spec.volumes");
    expect(
        "application/wordpress/wordpress-deployment.yaml",
        "reject spec.volumes[0] | volumes not supported: wordpress-persistent-storage is of an unsupported volume Type");
    expect("aws-virtual-kubelet/examples/pods/sample-pod.yaml", "offer 0.25 vCPU / 0.5 GB");
    expect(
        "azure-aci/e2e/fixtures/initcontainers_ordertest_pod.yml",
        "invalid spec.volumes[0].projected.sources[0].serviceAccountToken | needs a service account token");
    expect(
        "azure-aci/e2e/fixtures/multi-volume.yml",
        "invalid spec.volumes[0].projected.sources[0].serviceAccountToken | needs a service account token");
    expect(
        "controllers/daemonset.yaml",
        "reject spec.volumes[0] | volumes not supported: varlog is of an unsupported volume Type",
        "reject spec.volumes[1] | volumes not supported: varlibdockercontainers is of an unsupported volume Type");
    expect("controllers/job-pod-failure-policy-example.yaml", "offer 0.25 vCPU / 0.5 GB");
    expect("controllers/job.yaml", "offer 0.25 vCPU / 0.5 GB");
    expect("controllers/nginx-deployment.yaml", "offer 0.25 vCPU / 0.5 GB");
    expect("pods/commands.yaml", "offer 0.25 vCPU / 0.5 GB");
    expect("pods/config/redis-pod.yaml", "offer 0.25 vCPU / 0.5 GB");
    expect("pods/init-containers.yaml", "offer 0.25 vCPU / 0.5 GB");
    expect(
        "pods/inject/dapi-envars-pod.yaml",
        "invalid spec.containers[0].env[3].valueFrom.fieldRef | only knows after the pod starts");
    expect("pods/inject/dapi-volume-resources.yaml", "offer 0.25 vCPU / 0.5 GB");
    expect("pods/inject/dapi-volume.yaml", "offer 0.25 vCPU / 0.5 GB");
    expect("pods/inject/dependent-envars.yaml", "offer 0.25 vCPU / 0.5 GB");
    expect("pods/inject/pod-secret-envFrom.yaml", "offer 0.25 vCPU / 0.5 GB");
    expect("pods/inject/secret-pod.yaml", "offer 0.25 vCPU / 0.5 GB");
    expect("pods/lifecycle-events.yaml", "offer 0.25 vCPU / 0.5 GB");
    expect("pods/multi-container/resources.yaml", "offer 0.5 vCPU / 1 GB");
    expect("pods/multi-container/shared-volume.yaml", "offer 0.25 vCPU / 0.5 GB");
    expect("pods/pod-configmap-envFrom.yaml", "offer 0.25 vCPU / 0.5 GB");
    expect("pods/pod-configmap-volume-specific-key.yaml", "offer 0.25 vCPU / 0.5 GB");
    expect("pods/pod-multiple-configmap-env-variable.yaml", "offer 0.25 vCPU / 0.5 GB");
    expect("pods/pod-with-affinity-anti-affinity.yaml", "offer 0.25 vCPU / 0.5 GB");
    expect("pods/pod-with-toleration.yaml", "offer 0.25 vCPU / 0.5 GB");
    expect(
        "pods/private-reg-pod.yaml",
        "reject spec.imagePullSecrets | private registry credentials only from a Secrets Manager secret");
    expect("pods/probe/exec-liveness.yaml", "offer 0.25 vCPU / 0.5 GB");
    expect("pods/probe/grpc-liveness.yaml", "offer 0.25 vCPU / 0.5 GB");
    expect("pods/probe/http-liveness.yaml", "offer 0.25 vCPU / 0.5 GB");
    expect("pods/probe/tcp-liveness-readiness.yaml", "offer 0.25 vCPU / 0.5 GB");
    expect("pods/resource/pod-level-memory-request-limit.yaml", "offer 0.25 vCPU / 0.5 GB");
    expect(
        "pods/security/seccomp/ga/fine-pod.yaml",
        "reject spec.securityContext.seccompProfile.type | Pod not supported on Fargate");
    expect(
        "pods/security/security-context-4.yaml",
        "reject spec.containers[0].securityContext.capabilities.add[0] | invalid SecurityContext fields: Capabilities",
        "reject spec.containers[0].securityContext.capabilities.add[1] | invalid SecurityContext fields: Capabilities");
    expect("pods/security/security-context.yaml", "offer 0.25 vCPU / 0.5 GB");
    expect("pods/share-process-namespace.yaml", "offer 0.25 vCPU / 0.5 GB");
    expect("pods/storage/projected.yaml", "offer 0.25 vCPU / 0.5 GB");
    expect("systemk/internal/testdata/provider/hello.yaml", "offer 0.25 vCPU / 0.5 GB");
    expect("virtual-kubelet-saladcloud/demo/qr.yaml", "offer 2 vCPU / 9 GB");
    expect(
        "virtual-kubelet/examples/nginx-pod-probes-named-ports.yaml", "offer 0.25 vCPU / 0.5 GB");
  }

  private static void expect(String file, String... outcomes) {
    EXPECTED.put(file, List.of(outcomes));
  }

  @Test
  void everyFixtureIsExpected() {
    assertThat(EXPECTED.keySet()).containsExactlyInAnyOrderElementsOf(Fixtures.all());
  }

  @Test
  void everyFixtureIsOfferedOrRejectedAsExpected() {
    for (String file : Fixtures.all()) {
      List<Pod> pods = Fixtures.pods(file);
      assertThat(pods).as(file).hasSize(1);
      List<String> actual = outcome(pods.get(0));
      List<String> expected = EXPECTED.get(file);
      assertThat(actual).as(file).hasSameSizeAs(expected);
      for (int i = 0; i < expected.size(); i++) {
        String[] want = expected.get(i).split(" \\| ", 2);
        String[] got = actual.get(i).split(" \\| ", 2);
        assertThat(got[0]).as(file).isEqualTo(want[0]);
        if (want.length > 1) {
          assertThat(got[1]).as(file).contains(want[1]);
        }
      }
    }
  }

  /**
   * The outcome of planning a pod: {@code offer <size>}, or one {@code reject <path> | <rule>} per
   * problem; {@code invalid <path> | <rule>} marks a problem that core validation found first.
   */
  private static List<String> outcome(Pod pod) {
    ResolvedPod resolved;
    try {
      resolved = TestPods.resolve(pod, OBJECTS);
    } catch (PodValidationException e) {
      assertThat(e.getMessage()).doesNotContain(CANARY);
      return e.problems().stream().map(p -> "invalid " + p.fieldPath() + " | " + p.rule()).toList();
    }
    PlacementQuote quote = TRANSLATOR.plan(resolved, Examples.SETTINGS);
    assertThat(quote.toString()).doesNotContain(CANARY);
    if (quote instanceof PlacementQuote.Offer offer) {
      offer
          .requests()
          .forEach(request -> assertThat(request.redactedJson()).doesNotContain(CANARY));
      return List.of("offer " + offer.size());
    }
    return ((PlacementQuote.Rejected) quote)
        .problems().stream().map(p -> "reject " + p.fieldPath() + " | " + p.rule()).toList();
  }
}
