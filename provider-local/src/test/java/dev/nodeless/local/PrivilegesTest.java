package dev.nodeless.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nodeless.PodLauncher;
import dev.nodeless.PodRef;
import dev.nodeless.PodValidationException;
import dev.nodeless.ValidationProblem;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** allowPrivilegeEscalation and capabilities, applied with setpriv to real processes. */
class PrivilegesTest extends LocalTestSupport {
  /** Prints the process's no_new_privs flag and its bounding and effective capability sets. */
  private static final String SHOW = "grep -E '^(NoNewPrivs|CapBnd|CapEff):' /proc/self/status";

  /** CAP_NET_BIND_SERVICE is capability 10. */
  private static final String NET_BIND_SERVICE_ONLY = "0000000000000400";

  private static Volume secretVolume() {
    return new VolumeBuilder()
        .withName("secret")
        .withNewSecret()
        .withSecretName("test-secret")
        .endSecret()
        .build();
  }

  private static SecurityContext restricted() {
    return new SecurityContextBuilder()
        .withAllowPrivilegeEscalation(false)
        .withNewCapabilities()
        .withDrop("ALL")
        .withAdd("NET_BIND_SERVICE")
        .endCapabilities()
        .build();
  }

  @ParameterizedTest(name = "local.posixSpawn={0}")
  @ValueSource(strings = {"true", "false"})
  void restrictedContainerRunsWithoutPrivileges(String posixSpawn) {
    assumeTrue(LocalValidator.isRoot(), "only a root launcher can change the bounding set");
    launcher.close();
    launcher = launcher(Map.of(LocalSettings.POSIX_SPAWN, posixSpawn));

    PodRef ref =
        launch(
            pod("restricted", shell("main", SHOW).withSecurityContext(restricted()).build())
                .editSpec()
                .withRestartPolicy("Never")
                .endSpec()
                .build());

    awaitPhase(ref, "Succeeded");
    assertThat(logs(ref, "main").lines())
        .containsExactlyInAnyOrder(
            "NoNewPrivs:\t1",
            "CapEff:\t" + NET_BIND_SERVICE_ONLY,
            "CapBnd:\t" + NET_BIND_SERVICE_ONLY);
  }

  @Test
  void mountedContainerAndProbeAreRestricted() {
    assumeTrue(LocalValidator.isRoot(), "only a root launcher can change the bounding set");
    // The emptyDir mount makes the container start through the mount namespace's start script.
    ContainerBuilder main =
        shell("main", SHOW + "; exec sleep 1000")
            .withSecurityContext(restricted())
            .withVolumeMounts(
                new VolumeMountBuilder().withName("scratch").withMountPath("/scratch").build())
            .withReadinessProbe(
                new ProbeBuilder()
                    .withNewExec()
                    .withCommand(
                        "sh",
                        "-c",
                        "grep -q '^CapBnd:.*" + NET_BIND_SERVICE_ONLY + "' /proc/self/status")
                    .endExec()
                    .withPeriodSeconds(1)
                    .build());
    PodRef ref =
        launch(
            pod("restricted-mounts", main.build())
                .editSpec()
                .withVolumes(
                    new VolumeBuilder().withName("scratch").withNewEmptyDir().endEmptyDir().build())
                .endSpec()
                .build());

    awaitStatus(ref, status -> conditionTrue(status, "Ready"));
    awaitLogLines(
        launcher,
        "restricted-mounts",
        ref,
        "main",
        List.of(
            "NoNewPrivs:\t1",
            "CapEff:\t" + NET_BIND_SERVICE_ONLY,
            "CapBnd:\t" + NET_BIND_SERVICE_ONLY),
        TIMEOUT);
  }

  @Test
  void noNewPrivsAloneKeepsTheLaunchersCapabilities() throws Exception {
    PodRef ref =
        launch(
            pod(
                    "no-new-privs",
                    shell("main", SHOW)
                        .withSecurityContext(
                            new SecurityContextBuilder()
                                .withAllowPrivilegeEscalation(false)
                                .build())
                        .build())
                .editSpec()
                .withRestartPolicy("Never")
                .endSpec()
                .build());

    awaitPhase(ref, "Succeeded");
    String own =
        Files.readAllLines(Path.of("/proc/self/status")).stream()
            .filter(line -> line.startsWith("CapBnd:"))
            .findFirst()
            .orElseThrow();
    assertThat(logs(ref, "main").lines()).contains("NoNewPrivs:\t1", own);
  }

  @Test
  void missingCommandIsStillAStartError() {
    PodRef ref =
        launch(
            pod(
                    "missing",
                    new ContainerBuilder()
                        .withName("main")
                        .withImage("busybox")
                        .withCommand("nodeless-no-such-command")
                        .withSecurityContext(restricted())
                        .build())
                .editSpec()
                .withRestartPolicy("Never")
                .endSpec()
                .build());

    PodStatus status = awaitPhase(ref, "Failed");
    assertThat(container(status, "main").getState().getTerminated().getReason())
        .isEqualTo("StartError");
    assertThat(container(status, "main").getState().getTerminated().getMessage())
        .contains("nodeless-no-such-command");
  }

  @Test
  void unknownCapabilityNamesAreRejectedWithTheirPaths() {
    Pod pod =
        pod(
                "typo",
                shell("main", "true")
                    .withSecurityContext(
                        new SecurityContextBuilder()
                            .withNewCapabilities()
                            .withAdd("CAP_NET_BIND_SERVICE", "NET_BIND")
                            .withDrop("all", "SYS_ADMN")
                            .endCapabilities()
                            .build())
                    .build())
            .build();

    CompletionException error =
        catchThrowableOfType(CompletionException.class, () -> launcher.launch(pod).join());

    assertThat(error).isNotNull();
    List<ValidationProblem> problems = ((PodValidationException) error.getCause()).problems();
    assertThat(problems)
        .extracting(ValidationProblem::fieldPath)
        .containsExactlyInAnyOrder(
            "spec.containers[0].securityContext.capabilities.add[1]",
            "spec.containers[0].securityContext.capabilities.drop[1]");
    assertThat(problems).extracting(ValidationProblem::value).contains("NET_BIND", "SYS_ADMN");
    assertThat(problems.get(0).fix()).contains("NET_BIND_SERVICE");
  }

  @Test
  void podRunsAsItsUserAndGroups() {
    assumeTrue(LocalValidator.isRoot(), "only a root launcher can change users");
    launcher.close();
    launcher =
        PodLauncher.builder()
            .providerName("local")
            .setting(LocalSettings.STATE_DIR, stateDir.toString())
            .setting(ContainerSettings.RUNTIME, ContainerSettings.PROCESS)
            .resolver(fixtureResolver())
            .build();
    String script =
        "id -u; id -g; id -G; touch /data/made && stat -c %g /data/made; cat /secret/username;"
            + " echo; grep -E '^CapEff:' /proc/self/status";
    Pod pod =
        pod(
                "run-as",
                shell("main", script)
                    .withVolumeMounts(
                        new VolumeMountBuilder().withName("data").withMountPath("/data").build(),
                        new VolumeMountBuilder()
                            .withName("secret")
                            .withMountPath("/secret")
                            .build())
                    .withSecurityContext(
                        new SecurityContextBuilder()
                            .withRunAsGroup(3000L)
                            .withNewCapabilities()
                            .withDrop("ALL")
                            .withAdd("NET_BIND_SERVICE")
                            .endCapabilities()
                            .build())
                    .build())
            .editSpec()
            .withRestartPolicy("Never")
            .withNewSecurityContext()
            .withRunAsUser(1000L)
            .withRunAsNonRoot(true)
            .withSupplementalGroups(4000L)
            .withFsGroup(2000L)
            .endSecurityContext()
            .withVolumes(
                new VolumeBuilder().withName("data").withNewEmptyDir().endEmptyDir().build(),
                secretVolume())
            .endSpec()
            .build();

    PodRef ref = launch(pod);
    // id -G prints the group, then the kernel's sorted supplementary list without it. User 1000
    // also gets the groups that list it in this host's /etc/group.
    TreeSet<Long> supplementary = new TreeSet<>(List.of(2000L, 4000L));
    supplementary.addAll(Privileges.HostUser.of(1000).memberOf());
    supplementary.remove(3000L);
    String groups =
        "3000 " + String.join(" ", supplementary.stream().map(String::valueOf).toList());

    awaitPhase(ref, "Succeeded");
    assertThat(logs(ref, "main").lines())
        .containsExactly(
            "1000", "3000", groups, "2000", "my-app", "CapEff:\t" + NET_BIND_SERVICE_ONLY);
  }

  @Test
  void invalidUserChangesAreRejected() {
    assumeTrue(LocalValidator.isRoot(), "a launcher that is not root rejects every user change");
    Pod pod =
        pod(
                "bad-users",
                shell("a", "true")
                    .withVolumeMounts(
                        new VolumeMountBuilder().withName("secret").withMountPath("/s").build())
                    .withSecurityContext(new SecurityContextBuilder().withRunAsUser(1001L).build())
                    .build(),
                shell("b", "true")
                    .withVolumeMounts(
                        new VolumeMountBuilder().withName("secret").withMountPath("/s").build())
                    .withSecurityContext(
                        new SecurityContextBuilder()
                            .withRunAsUser(0L)
                            .withRunAsNonRoot(true)
                            .withRunAsGroup(-5L)
                            .build())
                    .build(),
                // Runs as the pod's user 1002, so two users other than root read the secret.
                shell("c", "true")
                    .withVolumeMounts(
                        new VolumeMountBuilder().withName("secret").withMountPath("/s").build())
                    .build())
            .editSpec()
            .withNewSecurityContext()
            .withRunAsUser(1002L)
            .withSupplementalGroups(7L, 4_294_967_296L)
            .endSecurityContext()
            .withVolumes(secretVolume())
            .endSpec()
            .build();
    PodLauncher resolving =
        PodLauncher.builder()
            .providerName("local")
            .setting(LocalSettings.STATE_DIR, stateDir.resolve("other").toString())
            .setting(ContainerSettings.RUNTIME, ContainerSettings.PROCESS)
            .resolver(fixtureResolver())
            .build();
    try {
      CompletionException error =
          catchThrowableOfType(CompletionException.class, () -> resolving.launch(pod).join());

      assertThat(error).isNotNull();
      assertThat(((PodValidationException) error.getCause()).problems())
          .extracting(ValidationProblem::fieldPath)
          .containsExactlyInAnyOrder(
              "spec.securityContext.supplementalGroups[1]",
              "spec.containers[1].securityContext.runAsGroup",
              "spec.containers[1].securityContext.runAsNonRoot",
              "spec.volumes[0]");
    } finally {
      resolving.close();
    }
  }
}
