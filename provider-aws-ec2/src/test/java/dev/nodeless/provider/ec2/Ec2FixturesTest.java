package dev.nodeless.provider.ec2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeless.PodValidationException;
import dev.nodeless.ValidationProblem;
import dev.nodeless.plan.PlacementQuote;
import dev.nodeless.plan.PlanSettings;
import dev.nodeless.testing.Fixtures;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Plans every fixture manifest on ec2 with the default agent overhead in us-east-1 and checks the
 * outcome per file: the instance type and hourly price, or the field path of the rejection.
 */
class Ec2FixturesTest {
  static final PlanSettings SETTINGS =
      new PlanSettings(
          "us-east-1",
          Map.of(
              "ec2.clusterId", "fixtures",
              "ec2.subnetId", "subnet-0123456789abcdef0",
              "ec2.securityGroupIds", "sg-0123456789abcdef0"));

  /** file -> instance type and USD/h, or "rejected" and the field path of the first problem. */
  static Stream<Arguments> expected() {
    return Stream.of(
        offer("admin/resource/cpu-constraints-pod-4.yaml", "t4g.nano", "0.0042"),
        offer("application/deployment-sidecar.yaml", "t4g.nano", "0.0042"),
        // Core rejects the mounts of the StatefulSet's volumeClaimTemplates, which the template
        // alone does not declare as volumes.
        rejected(
            "application/mysql/mysql-statefulset.yaml",
            "spec.initContainers[1].volumeMounts[0].name"),
        offer("application/wordpress/wordpress-deployment.yaml", "t4g.nano", "0.0042"),
        offer("aws-virtual-kubelet/examples/pods/sample-pod.yaml", "m6g.medium", "0.0385"),
        offer("azure-aci/e2e/fixtures/initcontainers_ordertest_pod.yml", "t4g.small", "0.0468"),
        offer("azure-aci/e2e/fixtures/multi-volume.yml", "a1.xlarge", "0.102"),
        offer("controllers/daemonset.yaml", "t3a.nano", "0.0047"),
        offer("controllers/job-pod-failure-policy-example.yaml", "t4g.nano", "0.0042"),
        offer("controllers/job.yaml", "t4g.nano", "0.0042"),
        offer("controllers/nginx-deployment.yaml", "t4g.nano", "0.0042"),
        offer("pods/commands.yaml", "t4g.nano", "0.0042"),
        offer("pods/config/redis-pod.yaml", "t4g.nano", "0.0042"),
        offer("pods/init-containers.yaml", "t4g.nano", "0.0042"),
        // Core rejects status.podIP, which a VM learns only after it starts.
        rejected(
            "pods/inject/dapi-envars-pod.yaml", "spec.containers[0].env[3].valueFrom.fieldRef"),
        offer("pods/inject/dapi-volume-resources.yaml", "t4g.nano", "0.00545"),
        offer("pods/inject/dapi-volume.yaml", "t4g.nano", "0.0042"),
        offer("pods/inject/dependent-envars.yaml", "t4g.nano", "0.0042"),
        offer("pods/inject/pod-secret-envFrom.yaml", "t4g.nano", "0.0042"),
        offer("pods/inject/secret-pod.yaml", "t4g.nano", "0.0042"),
        offer("pods/lifecycle-events.yaml", "t4g.nano", "0.0042"),
        offer("pods/multi-container/resources.yaml", "t4g.micro", "0.0159"),
        offer("pods/multi-container/shared-volume.yaml", "t4g.nano", "0.0042"),
        offer("pods/pod-configmap-envFrom.yaml", "t4g.nano", "0.0042"),
        offer("pods/pod-configmap-volume-specific-key.yaml", "t4g.nano", "0.0042"),
        offer("pods/pod-multiple-configmap-env-variable.yaml", "t4g.nano", "0.0042"),
        offer("pods/pod-with-affinity-anti-affinity.yaml", "t4g.nano", "0.0042"),
        offer("pods/pod-with-toleration.yaml", "t4g.nano", "0.0042"),
        offer("pods/private-reg-pod.yaml", "t4g.nano", "0.0042"),
        offer("pods/probe/exec-liveness.yaml", "t4g.nano", "0.0042"),
        offer("pods/probe/grpc-liveness.yaml", "t4g.nano", "0.0042"),
        offer("pods/probe/http-liveness.yaml", "t4g.nano", "0.0042"),
        offer("pods/probe/tcp-liveness-readiness.yaml", "t4g.nano", "0.0042"),
        offer("pods/resource/pod-level-memory-request-limit.yaml", "t4g.nano", "0.0042"),
        offer("pods/security/seccomp/ga/fine-pod.yaml", "t4g.nano", "0.0042"),
        offer("pods/security/security-context-4.yaml", "t4g.nano", "0.0042"),
        offer("pods/security/security-context.yaml", "t4g.nano", "0.0042"),
        offer("pods/share-process-namespace.yaml", "t4g.nano", "0.0042"),
        offer("pods/storage/projected.yaml", "t4g.nano", "0.0042"),
        // The pod selects the instance type "systemk", the label of a systemk virtual node.
        rejected(
            "systemk/internal/testdata/provider/hello.yaml",
            "spec.nodeSelector[\"node.kubernetes.io/instance-type\"]"),
        offer("virtual-kubelet-saladcloud/demo/qr.yaml", "m6g.xlarge", "0.154"),
        offer("virtual-kubelet/examples/nginx-pod-probes-named-ports.yaml", "t4g.nano", "0.0042"));
  }

  private final Ec2Translator translator = new Ec2Translator();

  @Test
  void tableListsEveryFixture() {
    List<String> listed =
        expected().map(arguments -> (String) arguments.get()[0]).sorted().toList();
    assertThat(listed).isEqualTo(Fixtures.all());
  }

  @ParameterizedTest(name = "{0} -> {1} {2}")
  @MethodSource("expected")
  void fixturePlansAsExpected(String file, String outcome, String detail) {
    PlacementQuote quote = plan(file);

    if ("rejected".equals(outcome)) {
      assertThat(quote).isInstanceOf(PlacementQuote.Rejected.class);
      List<ValidationProblem> problems = ((PlacementQuote.Rejected) quote).problems();
      assertThat(problems.get(0).fieldPath()).isEqualTo(detail);
      assertThat(problems.get(0).rule()).isNotBlank();
      assertThat(problems.get(0).fix()).isNotBlank();
      return;
    }
    assertThat(quote).isInstanceOf(PlacementQuote.Offer.class);
    PlacementQuote.Offer offer = (PlacementQuote.Offer) quote;
    assertThat(offer.size()).isEqualTo(outcome);
    assertThat(offer.hourlyUsd()).isEqualByComparingTo(new BigDecimal(detail));
    assertThat(offer.priceSource().stale()).isFalse();
    assertThat(offer.requests()).hasSize(1);
    assertThat(offer.requests().get(0).operation()).isEqualTo("RunInstances");
    assertThat(offer.requests().get(0).redactedJson()).doesNotContain(TestPods.CANARY);
    assertThat(offer.requests().get(0).request().toString()).doesNotContain(TestPods.CANARY);
  }

  @Test
  void fixtureOutcomesSummary() {
    Map<String, String> outcomes = new TreeMap<>();
    for (String file : Fixtures.all()) {
      PlacementQuote quote = plan(file);
      outcomes.put(file, quote instanceof PlacementQuote.Offer offer ? offer.size() : "rejected");
    }
    assertThat(outcomes.values()).filteredOn("rejected"::equals).hasSize(3);
  }

  /** Plans the fixture; a pod that core rejects counts as rejected with core's problems. */
  private PlacementQuote plan(String file) {
    try {
      return translator.plan(
          TestPods.resolved(Fixtures.pod(file), TestPods.FIXTURE_OBJECTS), SETTINGS);
    } catch (PodValidationException e) {
      return new PlacementQuote.Rejected("core", e.problems());
    }
  }

  private static Arguments offer(String file, String type, String price) {
    return Arguments.of(file, type, price);
  }

  private static Arguments rejected(String file, String path) {
    return Arguments.of(file, "rejected", path);
  }
}
