package dev.nodeless.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeless.PodRef;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.PodStatus;
import org.junit.jupiter.api.Test;

class RestartTest extends LocalTestSupport {

  @Test
  void alwaysRestartsAndKeepsLastState() {
    PodRef ref = launch(pod("always", shell("main", "echo run; exit 3").build()).build());

    PodStatus status = awaitStatus(ref, s -> restartCount(s, "main") >= 2);

    ContainerStatus main = container(status, "main");
    assertThat(status.getPhase()).isEqualTo("Running");
    assertThat(main.getLastState().getTerminated().getExitCode()).isEqualTo(3);
    assertThat(main.getLastState().getTerminated().getReason()).isEqualTo("Error");
  }

  @Test
  void crashLoopShowsBackOffWaiting() {
    PodRef ref = launch(pod("crash", shell("main", "exit 2").build()).build());

    PodStatus status = awaitStatus(ref, s -> waitingReason(s, "main").equals("CrashLoopBackOff"));

    ContainerStatus main = container(status, "main");
    assertThat(main.getState().getWaiting().getMessage())
        .startsWith("back-off 500ms restarting failed container=main pod=crash_default(");
    assertThat(main.getLastState().getTerminated().getExitCode()).isEqualTo(2);
    assertThat(main.getRestartCount()).isEqualTo(1);
    assertThat(status.getPhase()).isEqualTo("Running");
    assertThat(condition(status, "Ready").getStatus()).isEqualTo("False");
  }

  @Test
  void onFailureRestartsUntilSuccess() {
    String marker = stateDir.resolve("attempted").toString();
    PodRef ref =
        launch(
            pod(
                    "onfailure",
                    shell(
                            "main",
                            "if [ -e "
                                + marker
                                + " ]; then exit 0; fi; touch "
                                + marker
                                + "; exit 1")
                        .build())
                .editSpec()
                .withRestartPolicy("OnFailure")
                .endSpec()
                .build());

    PodStatus status = awaitPhase(ref, "Succeeded");

    ContainerStatus main = container(status, "main");
    assertThat(main.getRestartCount()).isEqualTo(1);
    assertThat(main.getLastState().getTerminated().getExitCode()).isEqualTo(1);
    assertThat(main.getState().getTerminated().getReason()).isEqualTo("Completed");
  }

  @Test
  void initFailureUnderNeverFailsPod() {
    PodRef ref =
        launch(
            pod("init-fails", shell("main", "echo never").build())
                .editSpec()
                .withRestartPolicy("Never")
                .withInitContainers(
                    shell("setup", "echo setting up; exit 7").build(),
                    shell("later", "true").build())
                .endSpec()
                .build());

    PodStatus status = awaitPhase(ref, "Failed");

    assertThat(container(status, "setup").getState().getTerminated().getExitCode()).isEqualTo(7);
    assertThat(container(status, "later").getState().getWaiting().getReason())
        .isEqualTo("PodInitializing");
    assertThat(container(status, "main").getState().getWaiting().getReason())
        .isEqualTo("PodInitializing");
    assertThat(condition(status, "Initialized").getStatus()).isEqualTo("False");
    assertThat(condition(status, "Initialized").getMessage())
        .isEqualTo("containers with incomplete status: [setup later]");
    assertThat(logs(ref, "setup")).isEqualTo("setting up\n");
  }

  @Test
  void initContainersRunInOrderBeforeApps() {
    String file = stateDir.resolve("order.txt").toString();
    PodRef ref =
        launch(
            pod("ordered", shell("main", "echo main >> " + file + "; cat " + file).build())
                .editSpec()
                .withRestartPolicy("Never")
                .withInitContainers(
                    shell("first", "sleep 0.2; echo first >> " + file).build(),
                    shell("second", "echo second >> " + file).build())
                .endSpec()
                .build());

    PodStatus status = awaitPhase(ref, "Succeeded");

    assertThat(logs(ref, "main")).isEqualTo("first\nsecond\nmain\n");
    assertThat(container(status, "first").getReady()).isTrue();
    assertThat(condition(status, "Initialized").getStatus()).isEqualTo("True");
  }

  @Test
  void sidecarRunsAlongsideAndStopsAfterApps() {
    String file = stateDir.resolve("sidecar.txt").toString();
    PodRef ref =
        launch(
            pod("sidecar", shell("main", "sleep 0.5; cat " + file).build())
                .editSpec()
                .withRestartPolicy("Never")
                .withInitContainers(
                    shell("logger", "echo sidecar-up > " + file + "; exec sleep 1000")
                        .withRestartPolicy("Always")
                        .build())
                .endSpec()
                .build());

    PodStatus running = awaitStatus(ref, s -> isRunning(s, "main"));
    assertThat(container(running, "logger").getState().getRunning()).isNotNull();
    assertThat(container(running, "logger").getStarted()).isTrue();

    PodStatus status = awaitPhase(ref, "Succeeded");

    assertThat(logs(ref, "main")).isEqualTo("sidecar-up\n");
    assertThat(container(status, "logger").getState().getTerminated()).isNotNull();
  }
}
