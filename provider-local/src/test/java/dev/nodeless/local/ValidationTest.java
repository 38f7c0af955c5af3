package dev.nodeless.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import dev.nodeless.PodLauncher;
import dev.nodeless.PodValidationException;
import dev.nodeless.ValidationProblem;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class ValidationTest extends LocalTestSupport {

  private List<ValidationProblem> problems(PodLauncher target, Pod pod) {
    CompletionException error =
        catchThrowableOfType(CompletionException.class, () -> target.launch(pod).join());
    assertThat(error).as("launch must be rejected").isNotNull();
    assertThat(error.getCause()).isInstanceOf(PodValidationException.class);
    return ((PodValidationException) error.getCause()).problems();
  }

  @Test
  void containerWithoutCommandIsRejected() {
    Pod pod =
        pod("image-only", new ContainerBuilder().withName("web").withImage("nginx").build())
            .build();

    List<ValidationProblem> problems = problems(launcher, pod);

    assertThat(problems).hasSize(1);
    assertThat(problems.get(0).fieldPath()).isEqualTo("spec.containers[0].command");
    assertThat(problems.get(0).rule()).contains("cannot read the entrypoint of image \"nginx\"");
    assertThat(problems.get(0).fix()).contains("set command");
  }

  @Test
  void unsupportedFeaturesAreRejectedTogether() {
    Pod pod =
        pod(
                "unsupported",
                shell("main", "true")
                    .withLivenessProbe(
                        new ProbeBuilder().withNewGrpc().withPort(2379).endGrpc().build())
                    .withVolumeMounts(
                        new VolumeMountBuilder().withName("data").withMountPath("/data").build())
                    .build())
            .editSpec()
            .withVolumes(
                new VolumeBuilder()
                    .withName("data")
                    .withNewPersistentVolumeClaim()
                    .withClaimName("claim")
                    .endPersistentVolumeClaim()
                    .build())
            .endSpec()
            .build();

    List<ValidationProblem> problems = problems(launcher, pod);

    assertThat(problems)
        .extracting(ValidationProblem::fieldPath)
        .containsExactlyInAnyOrder(
            "spec.volumes[0].persistentVolumeClaim", "spec.containers[0].livenessProbe.grpc");
  }

  @Test
  void knownFieldsThatTheProviderIgnoresAreRejected() {
    Pod pod =
        pod(
                "ignored-fields",
                shell("main", "true")
                    .withNewLifecycle()
                    .withStopSignal("SIGUSR1")
                    .endLifecycle()
                    .addNewRestartPolicyRule()
                    .withAction("Restart")
                    .withNewExitCodes()
                    .withOperator("In")
                    .withValues(42)
                    .endExitCodes()
                    .endRestartPolicyRule()
                    .build())
            .editSpec()
            .withHostnameOverride("custom-host")
            .withNewOs()
            .withName("linux")
            .endOs()
            .endSpec()
            .build();

    List<ValidationProblem> problems = problems(launcher, pod);

    assertThat(problems)
        .extracting(ValidationProblem::fieldPath)
        .contains(
            "spec.hostnameOverride",
            "spec.containers[0].lifecycle.stopSignal",
            "spec.containers[0].restartPolicyRules");
  }

  @Test
  void mountsAreRejectedWithoutNamespaces() {
    PodLauncher restricted = launcher(Map.of(LocalSettings.MOUNT_NAMESPACES, "false"));
    try {
      Pod pod =
          pod(
                  "mounts",
                  shell("main", "true")
                      .withVolumeMounts(
                          new VolumeMountBuilder()
                              .withName("cache")
                              .withMountPath("/cache")
                              .build())
                      .build())
              .editSpec()
              .withVolumes(
                  new VolumeBuilder().withName("cache").withNewEmptyDir().endEmptyDir().build())
              .endSpec()
              .build();

      List<ValidationProblem> problems = problems(restricted, pod);

      assertThat(problems).hasSize(1);
      assertThat(problems.get(0).fieldPath()).isEqualTo("spec.containers[0].volumeMounts[0]");
      assertThat(problems.get(0).value()).isEqualTo("/cache");
      assertThat(problems.get(0).rule())
          .contains("volume \"cache\"")
          .contains("private mount namespace");
    } finally {
      restricted.close();
    }
  }

  @Test
  void hostAliasesNeedValidAddressesNamesAndNamespaces() {
    PodLauncher restricted = launcher(Map.of(LocalSettings.MOUNT_NAMESPACES, "false"));
    try {
      Pod pod =
          pod("aliases", shell("main", "true").build())
              .editSpec()
              .addNewHostAlias()
              .withIp("10.0.0.5")
              .withHostnames("db.internal")
              .endHostAlias()
              .addNewHostAlias()
              .withIp("10.0.0.999")
              .withHostnames("ok", "Not_A_Name")
              .endHostAlias()
              .endSpec()
              .build();

      List<ValidationProblem> problems = problems(restricted, pod);

      assertThat(problems)
          .extracting(ValidationProblem::fieldPath)
          .containsExactlyInAnyOrder(
              "spec.hostAliases", "spec.hostAliases[1].ip", "spec.hostAliases[1].hostnames[1]");
      assertThat(problems)
          .extracting(ValidationProblem::value)
          .contains("10.0.0.999", "Not_A_Name");
    } finally {
      restricted.close();
    }
  }

  @Test
  void subPathExprLeavingTheVolumeIsRejected() {
    Pod pod =
        pod(
                "escape",
                shell("main", "true")
                    .addNewEnv()
                    .withName("DIR")
                    .withValue("../etc")
                    .endEnv()
                    .withVolumeMounts(
                        new VolumeMountBuilder()
                            .withName("data")
                            .withMountPath("/data")
                            .withSubPathExpr("$(DIR)")
                            .build())
                    .build())
            .editSpec()
            .withVolumes(
                new VolumeBuilder().withName("data").withNewEmptyDir().endEmptyDir().build())
            .endSpec()
            .build();

    List<ValidationProblem> problems = problems(launcher, pod);

    assertThat(problems)
        .extracting(ValidationProblem::fieldPath, ValidationProblem::value)
        .containsExactly(tuple("spec.containers[0].volumeMounts[0].subPathExpr", "$(DIR)"));
  }

  @Test
  void missingReferencesAndProviderProblemsComeTogether() {
    Pod pod =
        pod(
                "both",
                new ContainerBuilder()
                    .withName("main")
                    .withImage("busybox")
                    .addNewEnv()
                    .withName("LEVEL")
                    .withNewValueFrom()
                    .withNewConfigMapKeyRef()
                    .withName("no-such-config")
                    .withKey("level")
                    .endConfigMapKeyRef()
                    .endValueFrom()
                    .endEnv()
                    .build())
            .build();

    List<ValidationProblem> problems = problems(launcher, pod);

    assertThat(problems)
        .extracting(ValidationProblem::fieldPath)
        .containsExactlyInAnyOrder(
            "spec.containers[0].env[0].valueFrom.configMapKeyRef", "spec.containers[0].command");
  }
}
