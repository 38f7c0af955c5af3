package dev.nodeless.examples.kubelet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nodeless.LogOptions;
import dev.nodeless.PodPhases;
import dev.nodeless.PodRef;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** ConfigMap and Secret references resolved through the API server. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReferenceTest {
  private static final String NODE = "reference-node";

  private TestCluster cluster;
  private Kubelet kubelet;

  @BeforeAll
  void start(@TempDir Path stateDir) {
    cluster = new TestCluster();
    kubelet = cluster.start(NODE, stateDir);
  }

  @AfterAll
  void stop() {
    cluster.close();
  }

  @Test
  void presentReferencesReachTheContainer() {
    cluster
        .client
        .configMaps()
        .inNamespace(TestCluster.NAMESPACE)
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("app-config")
                .endMetadata()
                .addToData("color", "blue")
                .build())
        .create();
    cluster
        .client
        .secrets()
        .inNamespace(TestCluster.NAMESPACE)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("app-secret")
                .endMetadata()
                // The API server stores stringData as data; the mock keeps what it gets.
                .addToData(
                    "PASSWORD",
                    java.util.Base64.getEncoder()
                        .encodeToString("s3cr3t".getBytes(StandardCharsets.UTF_8)))
                .build())
        .create();
    cluster.create(
        cluster
            .pod(
                "configured",
                NODE,
                "echo color=$COLOR; echo password-length=${#PASSWORD}; sleep 1000")
            .editSpec()
            .editFirstContainer()
            .addNewEnv()
            .withName("COLOR")
            .withNewValueFrom()
            .withNewConfigMapKeyRef("color", "app-config", false)
            .endValueFrom()
            .endEnv()
            .addNewEnvFrom()
            .withNewSecretRef("app-secret", false)
            .endEnvFrom()
            .endContainer()
            .endSpec());

    Pod pod = cluster.awaitPhase("configured", PodPhases.RUNNING);

    String log =
        await()
            .atMost(TestCluster.TIMEOUT)
            .until(() -> log(pod), text -> text.contains("password-length"));
    assertThat(log).contains("color=blue").contains("password-length=6");
  }

  @Test
  void missingOptionalConfigMapIsSkippedWithEvent() {
    cluster.create(
        cluster
            .pod("optional-config", NODE, "echo color=[$COLOR]; sleep 1000")
            .editSpec()
            .editFirstContainer()
            .addNewEnv()
            .withName("COLOR")
            .withNewValueFrom()
            .withNewConfigMapKeyRef("color", "absent-optional-config", true)
            .endValueFrom()
            .endEnv()
            .endContainer()
            .endSpec());

    cluster.awaitPhase("optional-config", PodPhases.RUNNING);

    Event event = cluster.awaitEvent("optional-config", "OptionalConfigMapNotFound");
    assertThat(event.getType()).isEqualTo("Warning");
    assertThat(event.getMessage())
        .contains("absent-optional-config")
        .contains("spec.containers[0].env[1].valueFrom.configMapKeyRef");
  }

  @Test
  void missingOptionalSecretIsSkippedWithEvent() {
    cluster.create(
        cluster
            .pod("optional-secret", NODE, "sleep 1000")
            .editSpec()
            .editFirstContainer()
            .addNewEnvFrom()
            .withNewSecretRef("absent-optional-secret", true)
            .endEnvFrom()
            .endContainer()
            .endSpec());

    cluster.awaitPhase("optional-secret", PodPhases.RUNNING);

    Event event = cluster.awaitEvent("optional-secret", "OptionalSecretNotFound");
    assertThat(event.getMessage())
        .contains("absent-optional-secret")
        .contains("spec.containers[0].envFrom[0].secretRef");
  }

  @Test
  void missingConfigMapDelaysLaunch() {
    cluster.create(
        cluster
            .pod("needs-config", NODE, "echo size=$SIZE; sleep 1000")
            .editSpec()
            .addToInitContainers(
                cluster
                    .container("init", "echo init")
                    .addNewEnvFrom()
                    .withNewConfigMapRef("late-config", false)
                    .endEnvFrom()
                    .build())
            .endSpec());

    Event event = cluster.awaitEvent("needs-config", "FailedValidation");
    assertThat(event.getType()).isEqualTo("Warning");
    assertThat(event.getMessage()).contains("late-config").contains("spec.initContainers[0]");
    Pod pending =
        cluster.awaitPod(
            "needs-config",
            pod ->
                pod.getStatus() != null
                    && pod.getStatus().getContainerStatuses() != null
                    && !pod.getStatus().getContainerStatuses().isEmpty());
    assertThat(pending.getStatus().getPhase()).isEqualTo(PodPhases.PENDING);
    ContainerStatus waiting = pending.getStatus().getContainerStatuses().get(0);
    assertThat(waiting.getState().getWaiting().getReason()).isEqualTo(PendingStatus.CONFIG_ERROR);
    assertThat(kubelet.launcher().list()).extracting(PodRef::name).doesNotContain("needs-config");

    cluster
        .client
        .configMaps()
        .inNamespace(TestCluster.NAMESPACE)
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("late-config")
                .endMetadata()
                .addToData("SIZE", "large")
                .build())
        .create();

    cluster.awaitPhase("needs-config", PodPhases.RUNNING);
  }

  @Test
  void missingMandatorySecretKeepsPodPending() {
    cluster.create(
        cluster
            .pod("needs-secret", NODE, "sleep 1000")
            .editSpec()
            .editFirstContainer()
            .addNewEnv()
            .withName("TOKEN")
            .withNewValueFrom()
            .withNewSecretKeyRef("token", "absent-secret", false)
            .endValueFrom()
            .endEnv()
            .endContainer()
            .endSpec());

    Event event = cluster.awaitEvent("needs-secret", "FailedValidation");

    assertThat(event.getMessage()).contains("absent-secret").contains("spec.containers[0].env[1]");
    assertThat(cluster.get("needs-secret").getStatus().getPhase()).isEqualTo(PodPhases.PENDING);
    assertThat(kubelet.launcher().list()).extracting(PodRef::name).doesNotContain("needs-secret");
  }

  @Test
  void configMapAndLabelChangesReachTheVolumes() {
    cluster
        .client
        .configMaps()
        .inNamespace(TestCluster.NAMESPACE)
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("live-config")
                .endMetadata()
                .addToData("mode", "first")
                .build())
        .create();
    cluster.create(
        cluster
            .pod(
                "live",
                NODE,
                "while :; do now=$(cat /etc/live/mode; echo; cat /etc/info/labels);"
                    + " if [ \"$now\" != \"$last\" ]; then echo \"$now\"; last=$now; fi;"
                    + " sleep 0.05; done")
            .editMetadata()
            .addToLabels("stage", "one")
            .endMetadata()
            .editSpec()
            .editFirstContainer()
            .addNewVolumeMount()
            .withName("live")
            .withMountPath("/etc/live")
            .endVolumeMount()
            .addNewVolumeMount()
            .withName("info")
            .withMountPath("/etc/info")
            .endVolumeMount()
            .endContainer()
            .addNewVolume()
            .withName("live")
            .withNewConfigMap()
            .withName("live-config")
            .endConfigMap()
            .endVolume()
            .addNewVolume()
            .withName("info")
            .withNewDownwardAPI()
            .addNewItem()
            .withPath("labels")
            .withNewFieldRef()
            .withFieldPath("metadata.labels")
            .endFieldRef()
            .endItem()
            .endDownwardAPI()
            .endVolume()
            .endSpec());
    Pod pod = cluster.awaitPhase("live", PodPhases.RUNNING);
    await()
        .atMost(TestCluster.TIMEOUT)
        .until(() -> log(pod), text -> text.contains("first\nstage=\"one\""));

    cluster
        .client
        .configMaps()
        .inNamespace(TestCluster.NAMESPACE)
        .withName("live-config")
        .edit(map -> new ConfigMapBuilder(map).addToData("mode", "second").build());
    // Within a pod resync period (1 s here).
    await()
        .atMost(TestCluster.TIMEOUT)
        .until(() -> log(pod), text -> text.contains("second\nstage=\"one\""));

    cluster
        .client
        .pods()
        .inNamespace(TestCluster.NAMESPACE)
        .withName("live")
        .edit(
            current ->
                new PodBuilder(current)
                    .editMetadata()
                    .addToLabels("stage", "two")
                    .endMetadata()
                    .build());
    await()
        .atMost(TestCluster.TIMEOUT)
        .until(() -> log(pod), text -> text.contains("second\nstage=\"two\""));
  }

  private String log(Pod pod) throws Exception {
    try (InputStream in =
        kubelet.launcher().logs(PodRef.of(pod), "main", LogOptions.ofDefaults())) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
