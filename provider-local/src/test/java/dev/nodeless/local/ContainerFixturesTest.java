package dev.nodeless.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeless.PodLauncher;
import dev.nodeless.PodRef;
import dev.nodeless.testing.Fixtures;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs every fixture manifest in real podman containers ({@code local.runtime=podman}). Images that
 * {@code .ci/setup-podman.sh} builds locally (busybox under the names the fixtures use) run and
 * reach the outcome Kubernetes would give; every other image fails to pull, as on a kubelet without
 * registry access, and its container waits with {@code ErrImagePull} or {@code ImagePullBackOff}.
 * Every registry is blocked in the launcher's registries.conf, so no pull leaves this machine.
 */
class ContainerFixturesTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final String PULL = "ErrImagePull|ImagePullBackOff";

  @TempDir static Path tempDir;
  private static PodLauncher launcher;
  private static Path stateDir;

  private enum Outcome {
    REJECTED,
    SUCCEEDED,
    RUNNING,
    WAITING
  }

  /**
   * What one file must do.
   *
   * @param rejectedPaths for {@code REJECTED}: exactly the field paths of the problems
   * @param container the container whose log, exit code or waiting reason is checked
   * @param waiting for {@code WAITING}: the accepted waiting reasons, separated by {@code |}
   * @param logLines lines its log must contain
   * @param note why the outcome is what it is
   */
  private record Expectation(
      Outcome outcome,
      List<String> rejectedPaths,
      String container,
      String waiting,
      List<String> logLines,
      String note) {}

  private static Expectation rejected(String note, String... paths) {
    return new Expectation(Outcome.REJECTED, List.of(paths), null, null, List.of(), note);
  }

  private static Expectation succeeded(String container, String note, String... lines) {
    return new Expectation(Outcome.SUCCEEDED, List.of(), container, null, List.of(lines), note);
  }

  private static Expectation running(String container, String note, String... lines) {
    return new Expectation(Outcome.RUNNING, List.of(), container, null, List.of(lines), note);
  }

  private static Expectation waiting(String container, String reasons, String note) {
    return new Expectation(Outcome.WAITING, List.of(), container, reasons, List.of(), note);
  }

  private static Expectation notPulled(String container, String image) {
    return waiting(container, PULL, image + " is not built locally and no registry is reachable");
  }

  private static final Map<String, Expectation> TABLE = new LinkedHashMap<>();

  static {
    TABLE.put(
        "admin/resource/cpu-constraints-pod-4.yaml",
        notPulled("constraints-cpu-demo-4-ctr", "vish/stress"));
    TABLE.put(
        "application/deployment-sidecar.yaml",
        running("logshipper", "the native sidecar tails what the app container writes", "logging"));
    TABLE.put(
        "application/mysql/mysql-statefulset.yaml",
        rejected(
            "the data volume comes from volumeClaimTemplates, which a pod alone does not have",
            "spec.initContainers[1].volumeMounts[0].name",
            "spec.containers[0].volumeMounts[0].name",
            "spec.containers[1].volumeMounts[0].name"));
    TABLE.put(
        "application/wordpress/wordpress-deployment.yaml",
        rejected(
            "a persistentVolumeClaim needs a storage provisioner",
            "spec.volumes[0].persistentVolumeClaim"));
    TABLE.put(
        "aws-virtual-kubelet/examples/pods/sample-pod.yaml",
        notPulled("echo", "ealen/echo-server"));
    TABLE.put(
        "azure-aci/e2e/fixtures/initcontainers_ordertest_pod.yml",
        rejected("Azure Files CSI is not available on this host", "spec.volumes[1].csi"));
    TABLE.put(
        "azure-aci/e2e/fixtures/multi-volume.yml",
        notPulled("hpa-example", "registry.k8s.io/hpa-example"));
    TABLE.put(
        "controllers/daemonset.yaml", notPulled("fluentd-elasticsearch", "fluentd-elasticsearch"));
    TABLE.put("controllers/job-pod-failure-policy-example.yaml", notPulled("main", "bash:5"));
    TABLE.put("controllers/job.yaml", notPulled("pi", "perl"));
    TABLE.put("controllers/nginx-deployment.yaml", notPulled("nginx", "nginx:1.14.2"));
    TABLE.put("pods/commands.yaml", notPulled("command-demo-container", "debian"));
    TABLE.put("pods/config/redis-pod.yaml", notPulled("redis", "redis:5"));
    TABLE.put(
        "pods/init-containers.yaml",
        waiting(
            "install",
            "CrashLoopBackOff",
            "the init container's wget finds no network in the pod's private namespace, so it"
                + " fails and restarts; nginx is never reached"));
    TABLE.put(
        "pods/inject/dapi-envars-pod.yaml",
        running(
            "test-container",
            "downward API env: node name, pod name, namespace, pod IP, service account",
            "dapi-envars-fieldref",
            "default"));
    TABLE.put(
        "pods/inject/dapi-volume-resources.yaml",
        running(
            "client-container",
            "busybox sh has [[, so the loop prints the resource files of the downward API volume",
            "250",
            "64"));
    TABLE.put(
        "pods/inject/dapi-volume.yaml",
        running(
            "client-container",
            "labels and annotations from the downward API volume",
            "zone=\"us-est-coast\"",
            "builder=\"john-doe\""));
    TABLE.put(
        "pods/inject/dependent-envars.yaml",
        running(
            "dependent-envars-demo",
            "dependent $(VAR) expansion; a reference to a later variable stays literal",
            "UNCHANGED_REFERENCE=$(PROTOCOL)://172.17.0.1:80",
            "SERVICE_ADDRESS=https://172.17.0.1:80",
            "ESCAPED_REFERENCE=https://172.17.0.1:80"));
    TABLE.put("pods/inject/pod-secret-envFrom.yaml", notPulled("envars-test-container", "nginx"));
    TABLE.put("pods/inject/secret-pod.yaml", notPulled("test-container", "nginx"));
    TABLE.put("pods/lifecycle-events.yaml", notPulled("lifecycle-demo-container", "nginx"));
    TABLE.put("pods/multi-container/resources.yaml", notPulled("app", "nginx:1.29"));
    TABLE.put("pods/multi-container/shared-volume.yaml", notPulled("web", "nginx:1.29"));
    TABLE.put(
        "pods/pod-configmap-envFrom.yaml",
        succeeded(
            "test-container", "envFrom a ConfigMap", "SPECIAL_LEVEL=very", "SPECIAL_TYPE=charm"));
    TABLE.put(
        "pods/pod-configmap-volume-specific-key.yaml",
        succeeded("test-container", "configMap volume item projected to keys", "very"));
    TABLE.put(
        "pods/pod-multiple-configmap-env-variable.yaml",
        succeeded(
            "test-container",
            "configMapKeyRef from two ConfigMaps",
            "SPECIAL_LEVEL_KEY=very",
            "LOG_LEVEL=INFO"));
    TABLE.put(
        "pods/pod-with-affinity-anti-affinity.yaml", notPulled("with-node-affinity", "pause:2.0"));
    TABLE.put("pods/pod-with-toleration.yaml", notPulled("nginx", "nginx"));
    TABLE.put(
        "pods/private-reg-pod.yaml",
        waiting(
            "private-reg-container",
            "InvalidImageName",
            "the image is the placeholder <your-private-image>, which is not a reference"));
    TABLE.put(
        "pods/probe/exec-liveness.yaml",
        running(
            "liveness", "args run through busybox's default command; the probe passes at first"));
    TABLE.put(
        "pods/probe/grpc-liveness.yaml",
        rejected("gRPC probes are not run", "spec.containers[0].livenessProbe.grpc"));
    TABLE.put("pods/probe/http-liveness.yaml", notPulled("liveness", "k8s.gcr.io/liveness"));
    TABLE.put("pods/probe/tcp-liveness-readiness.yaml", notPulled("goproxy", "goproxy:0.1"));
    TABLE.put(
        "pods/resource/pod-level-memory-request-limit.yaml",
        notPulled("memory-demo-ctr", "polinux/stress"));
    TABLE.put(
        "pods/security/seccomp/ga/fine-pod.yaml",
        rejected(
            "Localhost seccomp profiles are not loaded",
            "spec.securityContext.seccompProfile.type"));
    TABLE.put("pods/security/security-context-4.yaml", notPulled("sec-ctx-4", "hello-app:2.0"));
    TABLE.put("pods/security/security-context.yaml", notPulled("sec-ctx-demo", "node-hello:1.0"));
    TABLE.put("pods/share-process-namespace.yaml", notPulled("nginx", "nginx"));
    TABLE.put(
        "pods/storage/projected.yaml",
        running("test-projected-volume", "args run through busybox's default command"));
    TABLE.put(
        "systemk/internal/testdata/provider/hello.yaml",
        waiting(
            "bash",
            "InvalidImageName",
            "systemk names a host program as the image, which is not an image reference"));
    TABLE.put(
        "virtual-kubelet-saladcloud/demo/qr.yaml", notPulled("qr-code", "stable-fast-qr-code"));
    TABLE.put(
        "virtual-kubelet/examples/nginx-pod-probes-named-ports.yaml", notPulled("nginx", "nginx"));
  }

  @BeforeAll
  static void openLauncher() throws IOException {
    PodmanSupport.requirePodman();
    stateDir = tempDir.resolve("state");
    Map<String, String> settings = new HashMap<>(PodmanSupport.settings(stateDir));
    // The kubelet shows CrashLoopBackOff only while the back-off outlasts the time from an exit
    // to its detection. That time grows to seconds when podman commands run slowly under load,
    // so the 2 s of PodmanSupport is too short. 10 s is the kubelet's own initial back-off.
    settings.put(LocalSettings.BACK_OFF_INITIAL, "10s");
    settings.put(LocalSettings.BACK_OFF_MAX, "10s");
    launcher =
        PodLauncher.builder()
            .providerName("local")
            .settings(settings)
            .resolver(LocalTestSupport.fixtureResolver())
            .build();
  }

  @AfterAll
  static void closeLauncher() {
    if (launcher != null) {
      launcher.close();
      PodmanSupport.assertNothingLeft(
          EngineRuntime.OWNER_LABEL + "=" + LocalPodProvider.ownerId(stateDir.toAbsolutePath()));
    }
  }

  @Test
  void everyFixtureHasAnExpectation() {
    assertThat(TABLE.keySet()).containsExactlyInAnyOrderElementsOf(Fixtures.all());
  }

  @TestFactory
  Stream<DynamicTest> fixtures() {
    return Fixtures.all().stream()
        .map(file -> DynamicTest.dynamicTest(file, () -> check(file, TABLE.get(file))));
  }

  private static void check(String file, Expectation expected) {
    assertThat(expected).as("expectation for " + file).isNotNull();
    Pod pod = LocalTestSupport.fixturePod(file);
    if (expected.outcome() == Outcome.REJECTED) {
      LocalTestSupport.assertRejected(
          launcher, file, pod, expected.note(), expected.rejectedPaths());
      return;
    }
    PodRef ref = launcher.launchAndWait(pod, TIMEOUT);
    try {
      switch (expected.outcome()) {
        case SUCCEEDED -> {
          PodStatus status = launcher.awaitCompletion(ref, TIMEOUT);
          assertThat(status.getPhase()).as(file).isEqualTo("Succeeded");
          assertThat(
                  LocalTestSupport.container(status, expected.container())
                      .getState()
                      .getTerminated()
                      .getExitCode())
              .as(file)
              .isZero();
        }
        case RUNNING -> {
          PodStatus status =
              launcher
                  .when(ref, found -> !"Pending".equals(found.getPhase()))
                  .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
          assertThat(status.getPhase()).as(file).isEqualTo("Running");
        }
        default -> {
          List<String> reasons = List.of(expected.waiting().split("\\|"));
          PodStatus status =
              launcher
                  .when(ref, found -> reasons.contains(waitingReason(found, expected.container())))
                  .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
          assertThat(status.getPhase()).as(file).isEqualTo("Pending");
        }
      }
      LocalTestSupport.awaitLogLines(
          launcher, file, ref, expected.container(), expected.logLines(), TIMEOUT);
    } catch (Exception e) {
      throw new AssertionError(file + ": " + e, e);
    } finally {
      launcher.terminateAndWait(ref, Duration.ZERO, TIMEOUT);
    }
  }

  private static String waitingReason(PodStatus status, String container) {
    return LocalTestSupport.waitingReason(status, container);
  }
}
