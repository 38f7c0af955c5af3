package dev.nodeless.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nodeless.NoProviderException;
import dev.nodeless.PodLauncher;
import dev.nodeless.spi.ResolvedContainer;
import dev.nodeless.spi.ResolvedPod;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the local provider picks the runtime of a pod from {@code local.runtime}. */
class RuntimeChoiceTest {
  @TempDir Path stateDir;

  @Test
  void invalidRuntimeIsRejected() {
    assertThatThrownBy(() -> ContainerSettings.parse(Map.of(ContainerSettings.RUNTIME, "lxc")))
        .hasMessageContaining("local.runtime = \"lxc\" is invalid")
        .hasMessageContaining("auto, process, podman or docker");
  }

  @Test
  void misspelledAndInvalidSettingsAreRejectedTogether() {
    assertThatThrownBy(
            () ->
                PodLauncher.builder()
                    .providerName("local")
                    .setting(LocalSettings.STATE_DIR, stateDir.toString())
                    .setting("local.runtme", "process")
                    .setting(LocalSettings.BACK_OFF_MAX, "abc")
                    .setting(ContainerSettings.RUNTIME, "lxc")
                    .build())
        .isInstanceOf(NoProviderException.class)
        .hasMessageContaining("unknown setting local.runtme; did you mean local.runtime?")
        .hasMessageContaining(LocalSettings.BACK_OFF_MAX)
        .hasMessageContaining("lxc");
  }

  @Test
  void unusableExplicitEngineNamesWhatWasTried() {
    Path missing = stateDir.resolve("no-such-docker");
    assertThatThrownBy(
            () ->
                PodLauncher.builder()
                    .providerName("local")
                    .setting(LocalSettings.STATE_DIR, stateDir.toString())
                    .setting(ContainerSettings.RUNTIME, ContainerSettings.DOCKER)
                    .setting(ContainerSettings.ENGINE_COMMAND, missing.toString())
                    .build())
        .isInstanceOf(NoProviderException.class)
        .hasMessageContaining("local.engineCommand")
        .hasMessageContaining(missing.toString());
    assertThatThrownBy(
            () ->
                PodLauncher.builder()
                    .providerName("local")
                    .setting(LocalSettings.STATE_DIR, stateDir.toString())
                    .setting(ContainerSettings.RUNTIME, ContainerSettings.DOCKER)
                    .setting(ContainerSettings.ENGINE_COMMAND, "/bin/false")
                    .build())
        .isInstanceOf(NoProviderException.class)
        .hasMessageContaining("local.runtime = \"docker\" cannot be used: docker: /bin/false")
        .hasMessageContaining("set local.runtime=process");
  }

  @Test
  void processRuntimeNeedsNoEngine() {
    RuntimeChoice choice =
        RuntimeChoice.choose(
            ContainerSettings.parse(Map.of(ContainerSettings.RUNTIME, ContainerSettings.PROCESS)));
    assertThat(choice.engine()).isNull();
    assertThat(choice.tried()).isEmpty();
    assertThat(choice.containers(pod(List.of("sleep", "1")))).isFalse();
    assertThat(choice.containers(pod(List.of()))).isFalse();
  }

  @Test
  void autoWithoutEngineFallsBackToProcesses() {
    RuntimeChoice choice =
        RuntimeChoice.choose(
            ContainerSettings.parse(Map.of(ContainerSettings.ENGINE_COMMAND, "/bin/false")));
    assertThat(choice.engine()).isNull();
    assertThat(choice.tried()).hasSize(2);
    assertThat(choice.tried().get(0)).startsWith("podman: /bin/false is installed but");
    assertThat(choice.tried().get(1)).startsWith("docker: /bin/false is installed but");
    assertThat(choice.containers(pod(List.of()))).isFalse();
    assertThat(choice.describe())
        .startsWith("host processes; no container engine answered (podman: /bin/false");
  }

  @Test
  void autoSendsOnlyImageCommandPodsToTheEngine() {
    PodmanSupport.requirePodman();
    RuntimeChoice choice = RuntimeChoice.choose(ContainerSettings.parse(Map.of()));
    assertThat(choice.engine()).isNotNull();
    assertThat(choice.engine().kind()).isEqualTo(ContainerEngine.Kind.PODMAN);
    assertThat(choice.containers(pod(List.of("perl", "-e", "1")))).isFalse();
    assertThat(choice.containers(pod(List.of()))).isTrue();
    assertThat(choice.describe()).contains("podman").contains("host processes for the others");
  }

  @Test
  void explicitPodmanRunsEveryPodInContainers() {
    PodmanSupport.requirePodman();
    RuntimeChoice choice =
        RuntimeChoice.choose(
            ContainerSettings.parse(Map.of(ContainerSettings.RUNTIME, ContainerSettings.PODMAN)));
    assertThat(choice.containers(pod(List.of("perl", "-e", "1")))).isTrue();
    assertThat(choice.containers(pod(List.of()))).isTrue();
  }

  @Test
  void defaultPullPolicyFollowsTheTag() {
    assertThat(EngineRuntime.defaultPullPolicy("busybox")).isEqualTo("Always");
    assertThat(EngineRuntime.defaultPullPolicy("busybox:latest")).isEqualTo("Always");
    assertThat(EngineRuntime.defaultPullPolicy("localhost:5000/app")).isEqualTo("Always");
    assertThat(EngineRuntime.defaultPullPolicy("localhost:5000/app:1.0")).isEqualTo("IfNotPresent");
    assertThat(EngineRuntime.defaultPullPolicy("busybox@sha256:" + "a".repeat(64)))
        .isEqualTo("IfNotPresent");
  }

  private static ResolvedPod pod(List<String> command) {
    var container =
        new ContainerBuilder().withName("main").withImage("busybox").withCommand(command).build();
    var pod =
        new PodBuilder()
            .withNewMetadata()
            .withName("choice")
            .withNamespace("default")
            .withUid("choice-uid")
            .endMetadata()
            .withNewSpec()
            .withContainers(container)
            .endSpec()
            .build();
    return new ResolvedPod(
        pod,
        List.of(),
        List.of(
            new ResolvedContainer(
                container, "spec.containers[0]", false, command, List.of(), List.of())),
        Map.of());
  }
}
