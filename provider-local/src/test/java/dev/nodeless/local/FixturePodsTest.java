package dev.nodeless.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nodeless.PodLauncher;
import dev.nodeless.PodRef;
import dev.nodeless.testing.Fixtures;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.nio.file.Path;
import java.time.Duration;
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
 * Runs every fixture manifest through a {@link PodLauncher} on the local provider's process
 * runtime. Each file either reaches the outcome Kubernetes would give it or is rejected with the
 * expected field paths; the table below names the outcome of every file, with the reason where the
 * local provider differs.
 */
class FixturePodsTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final String COMMAND = "spec.containers[0].command";

  @TempDir static Path stateDir;
  private static PodLauncher launcher;

  private enum Outcome {
    REJECTED,
    SUCCEEDED,
    FAILED,
    RUNNING
  }

  /**
   * What one file must do.
   *
   * @param outcome the end state checked
   * @param rejectedPaths for {@code REJECTED}: exactly the field paths of the problems
   * @param container the container whose log and exit code are checked
   * @param exitCode the exit code of that container for {@code SUCCEEDED} and {@code FAILED}
   * @param logLines lines its log must contain
   * @param note why the outcome is what it is
   */
  private record Expectation(
      Outcome outcome,
      List<String> rejectedPaths,
      String container,
      Integer exitCode,
      List<String> logLines,
      String note) {}

  private static Expectation rejected(String note, String... paths) {
    return new Expectation(Outcome.REJECTED, List.of(paths), null, null, List.of(), note);
  }

  private static Expectation finished(
      Outcome outcome, String container, int exitCode, String note, String... lines) {
    return new Expectation(outcome, List.of(), container, exitCode, List.of(lines), note);
  }

  private static Expectation running(String container, String note, String... lines) {
    return new Expectation(Outcome.RUNNING, List.of(), container, null, List.of(lines), note);
  }

  private static final Map<String, Expectation> TABLE = new LinkedHashMap<>();

  static {
    String noEntrypoint = "the image's entrypoint is unknown to a process runtime";
    String dash =
        "DIFFERS from Kubernetes: the host's /bin/sh (dash) has no [[ test, which busybox sh has,"
            + " so the loop never prints the downward API files";
    String args = "args without command rely on the image's entrypoint";
    TABLE.put("admin/resource/cpu-constraints-pod-4.yaml", rejected(noEntrypoint, COMMAND));
    TABLE.put(
        "application/deployment-sidecar.yaml",
        running("logshipper", "the native sidecar tails what the app container writes", "logging"));
    TABLE.put(
        "application/mysql/mysql-statefulset.yaml",
        rejected(
            "the data volume comes from volumeClaimTemplates, which a pod alone does not have; core"
                + " validation stops there, before the missing mysql command is reported",
            "spec.initContainers[1].volumeMounts[0].name",
            "spec.containers[0].volumeMounts[0].name",
            "spec.containers[1].volumeMounts[0].name"));
    TABLE.put(
        "application/wordpress/wordpress-deployment.yaml",
        rejected(
            "no command, and a persistentVolumeClaim needs a storage provisioner",
            "spec.volumes[0].persistentVolumeClaim",
            COMMAND));
    TABLE.put("aws-virtual-kubelet/examples/pods/sample-pod.yaml", rejected(noEntrypoint, COMMAND));
    TABLE.put(
        "azure-aci/e2e/fixtures/initcontainers_ordertest_pod.yml",
        rejected("Azure Files CSI is not available on this host", "spec.volumes[1].csi"));
    TABLE.put(
        "azure-aci/e2e/fixtures/multi-volume.yml",
        rejected("the hpa-example image's entrypoint is unknown", "spec.containers[1].command"));
    TABLE.put("controllers/daemonset.yaml", rejected(noEntrypoint, COMMAND));
    TABLE.put(
        "controllers/job-pod-failure-policy-example.yaml",
        finished(
            Outcome.FAILED, "main", 42, "the script exits with 42 on purpose", "Hello world!"));
    TABLE.put(
        "controllers/job.yaml",
        finished(
            Outcome.SUCCEEDED,
            "pi",
            0,
            "needs perl with bignum on the host",
            "3.14159265358979323846264338327950288419716939937510"));
    TABLE.put("controllers/nginx-deployment.yaml", rejected(noEntrypoint, COMMAND));
    TABLE.put(
        "pods/commands.yaml",
        running(
            "command-demo-container",
            "DIFFERS from Kubernetes: the local provider sets no KUBERNETES_* service variables, so"
                + " printenv KUBERNETES_PORT exits 1 and OnFailure restarts it; Kubernetes prints"
                + " both and succeeds",
            "command-demo"));
    TABLE.put("pods/config/redis-pod.yaml", rejected(noEntrypoint, COMMAND));
    TABLE.put(
        "pods/init-containers.yaml",
        rejected(
            "nginx has no command; the rejection also keeps its wget from reaching the internet",
            COMMAND));
    TABLE.put(
        "pods/inject/dapi-envars-pod.yaml",
        running(
            "test-container",
            "downward API env: node name, pod name, namespace, pod IP, service account",
            "dapi-envars-fieldref",
            "default",
            "127.0.0.1"));
    TABLE.put(
        "pods/inject/dapi-volume-resources.yaml",
        running("client-container", dash, "[[: not found"));
    TABLE.put("pods/inject/dapi-volume.yaml", running("client-container", dash, "[[: not found"));
    TABLE.put(
        "pods/inject/dependent-envars.yaml",
        running(
            "dependent-envars-demo",
            "dependent $(VAR) expansion; a reference to a later variable stays literal",
            "UNCHANGED_REFERENCE=$(PROTOCOL)://172.17.0.1:80",
            "SERVICE_ADDRESS=https://172.17.0.1:80",
            "ESCAPED_REFERENCE=https://172.17.0.1:80"));
    TABLE.put("pods/inject/pod-secret-envFrom.yaml", rejected(noEntrypoint, COMMAND));
    TABLE.put("pods/inject/secret-pod.yaml", rejected(noEntrypoint, COMMAND));
    TABLE.put("pods/lifecycle-events.yaml", rejected(noEntrypoint, COMMAND));
    TABLE.put("pods/multi-container/resources.yaml", rejected(noEntrypoint, COMMAND));
    TABLE.put("pods/multi-container/shared-volume.yaml", rejected(noEntrypoint, COMMAND));
    TABLE.put(
        "pods/pod-configmap-envFrom.yaml",
        finished(
            Outcome.SUCCEEDED,
            "test-container",
            0,
            "envFrom a ConfigMap",
            "SPECIAL_LEVEL=very",
            "SPECIAL_TYPE=charm"));
    TABLE.put(
        "pods/pod-configmap-volume-specific-key.yaml",
        finished(
            Outcome.SUCCEEDED,
            "test-container",
            0,
            "configMap volume item projected to keys",
            "very"));
    TABLE.put(
        "pods/pod-multiple-configmap-env-variable.yaml",
        finished(
            Outcome.SUCCEEDED,
            "test-container",
            0,
            "configMapKeyRef from two ConfigMaps",
            "SPECIAL_LEVEL_KEY=very",
            "LOG_LEVEL=INFO"));
    TABLE.put("pods/pod-with-affinity-anti-affinity.yaml", rejected(noEntrypoint, COMMAND));
    TABLE.put("pods/pod-with-toleration.yaml", rejected(noEntrypoint, COMMAND));
    TABLE.put(
        "pods/private-reg-pod.yaml",
        rejected(noEntrypoint + "; the placeholder image is never pulled", COMMAND));
    TABLE.put("pods/probe/exec-liveness.yaml", rejected(args, COMMAND));
    TABLE.put(
        "pods/probe/grpc-liveness.yaml",
        rejected("gRPC probes are not run", "spec.containers[0].livenessProbe.grpc"));
    TABLE.put("pods/probe/http-liveness.yaml", rejected(args, COMMAND));
    TABLE.put("pods/probe/tcp-liveness-readiness.yaml", rejected(noEntrypoint, COMMAND));
    TABLE.put(
        "pods/resource/pod-level-memory-request-limit.yaml",
        running(
            "memory-demo-ctr",
            "DIFFERS from Kubernetes: the stress program is not on this host, so every start fails"
                + " with StartError and restartPolicy Always retries with back-off"));
    TABLE.put(
        "pods/security/seccomp/ga/fine-pod.yaml",
        rejected(
            "seccomp profiles cannot be applied, and " + args,
            "spec.securityContext.seccompProfile.type",
            COMMAND));
    TABLE.put(
        "pods/security/security-context-4.yaml",
        LocalValidator.isRoot()
            ? rejected(
                noEntrypoint + "; a root launcher's processes have every capability", COMMAND)
            : rejected(
                "a launcher that is not root cannot give its processes capabilities",
                COMMAND,
                "spec.containers[0].securityContext.capabilities"));
    TABLE.put(
        "pods/security/security-context.yaml",
        LocalValidator.isRoot()
            ? rejected(noEntrypoint + "; a root launcher runs it as user 1000", COMMAND)
            : rejected(
                "a launcher that is not root runs processes as its own user",
                "spec.securityContext.runAsUser",
                "spec.securityContext.fsGroup",
                COMMAND));
    TABLE.put("pods/share-process-namespace.yaml", rejected(noEntrypoint, COMMAND));
    TABLE.put("pods/storage/projected.yaml", rejected(args, COMMAND));
    TABLE.put(
        "systemk/internal/testdata/provider/hello.yaml",
        running("bash", "a host-process pod as systemk runs it; date prints the UTC zone", "UTC"));
    TABLE.put("virtual-kubelet-saladcloud/demo/qr.yaml", rejected(noEntrypoint, COMMAND));
    TABLE.put(
        "virtual-kubelet/examples/nginx-pod-probes-named-ports.yaml",
        rejected(noEntrypoint, COMMAND));
  }

  @BeforeAll
  static void openLauncher() {
    launcher =
        PodLauncher.builder()
            .providerName("local")
            .setting(LocalSettings.STATE_DIR, stateDir.toString())
            .setting(LocalSettings.BACK_OFF_INITIAL, "500ms")
            .setting(LocalSettings.BACK_OFF_MAX, "1s")
            .setting(ContainerSettings.RUNTIME, ContainerSettings.PROCESS)
            .resolver(LocalTestSupport.fixtureResolver())
            .build();
  }

  @AfterAll
  static void closeLauncher() {
    launcher.close();
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
      PodStatus status;
      switch (expected.outcome()) {
        case SUCCEEDED, FAILED -> {
          String phase = expected.outcome() == Outcome.SUCCEEDED ? "Succeeded" : "Failed";
          status = launcher.awaitCompletion(ref, TIMEOUT);
          assertThat(status.getPhase()).as(file).isEqualTo(phase);
          ContainerStatus container = LocalTestSupport.container(status, expected.container());
          assertThat(container.getState().getTerminated().getExitCode())
              .as(file)
              .isEqualTo(expected.exitCode());
        }
        default -> {
          status =
              launcher
                  .when(ref, found -> !"Pending".equals(found.getPhase()))
                  .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
          assertThat(status.getPhase()).as(file).isEqualTo("Running");
        }
      }
      LocalTestSupport.awaitLogLines(
          launcher, file, ref, expected.container(), expected.logLines(), TIMEOUT);
      if (file.equals("pods/commands.yaml")) {
        await()
            .atMost(TIMEOUT)
            .until(
                () ->
                    LocalTestSupport.container(
                                launcher.status(ref).orElseThrow(), expected.container())
                            .getRestartCount()
                        >= 1);
      }
      if (file.equals("pods/resource/pod-level-memory-request-limit.yaml")) {
        await()
            .atMost(TIMEOUT)
            .untilAsserted(
                () ->
                    assertThat(
                            LocalTestSupport.container(
                                    launcher.status(ref).orElseThrow(), expected.container())
                                .getLastState()
                                .getTerminated()
                                .getReason())
                        .isEqualTo("StartError"));
      }
    } catch (Exception e) {
      throw new AssertionError(file + ": " + e, e);
    } finally {
      launcher.terminateAndWait(ref, Duration.ofSeconds(1), TIMEOUT);
    }
  }
}
