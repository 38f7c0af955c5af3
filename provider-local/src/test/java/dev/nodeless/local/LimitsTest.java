package dev.nodeless.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nodeless.PodRef;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Quantity;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LimitsTest extends LocalTestSupport {

  @Test
  void memoryLimitKillsWithOomKilled() {
    assumeTrue(Cgroups.detect().isPresent(), "this host gives no writable cgroups");
    PodRef ref =
        launch(
            pod(
                    "hungry",
                    shell("main", "head -c 200m /dev/zero | tail > /dev/null")
                        .withNewResources()
                        .addToLimits("memory", new Quantity("32Mi"))
                        .addToLimits("cpu", new Quantity("500m"))
                        .endResources()
                        .build())
                .editSpec()
                .withRestartPolicy("Never")
                .endSpec()
                .build());

    PodStatus status = awaitPhase(ref, "Failed");

    ContainerStateTerminated terminated = container(status, "main").getState().getTerminated();
    assertThat(terminated.getReason()).isEqualTo("OOMKilled");
    assertThat(terminated.getExitCode()).isEqualTo(137);
    assertThat(status.getQosClass()).isEqualTo("Guaranteed");
  }

  @Test
  void execProbeRunsInContainerCgroup(@TempDir Path out) throws Exception {
    assumeTrue(Cgroups.detect().isPresent(), "this host gives no writable cgroups");
    Path main = out.resolve("main");
    Path probe = out.resolve("probe");
    PodRef ref =
        launch(
            pod(
                    "probed",
                    shell("main", "cat /proc/self/cgroup > " + main + "; exec sleep 1000")
                        .withNewResources()
                        .addToLimits("memory", new Quantity("64Mi"))
                        .endResources()
                        .withNewReadinessProbe()
                        .withNewExec()
                        .withCommand("sh", "-c", "cat /proc/self/cgroup > " + probe)
                        .endExec()
                        .withPeriodSeconds(1)
                        .endReadinessProbe()
                        .build())
                .build());

    awaitStatus(ref, status -> findContainer(status, "main").map(c -> c.getReady()).orElse(false));

    assertThat(Files.readString(probe)).contains("nodeless-").isEqualTo(Files.readString(main));
  }

  @Test
  void limitsBeyondTheHostAreNotWritten() {
    PodRef ref =
        launch(
            pod(
                    "huge",
                    shell("main", "echo fits")
                        .withNewResources()
                        .addToLimits("memory", new Quantity("8Ei"))
                        .addToLimits("cpu", new Quantity("1e9"))
                        .endResources()
                        .build())
                .editSpec()
                .withRestartPolicy("Never")
                .endSpec()
                .build());

    PodStatus status = awaitPhase(ref, "Succeeded");

    assertThat(logs(ref, "main")).isEqualTo("fits\n");
    assertThat(status.getQosClass()).isEqualTo("Guaranteed");
  }

  @Test
  void missingCommandReportsStartError() {
    PodRef ref =
        launch(
            pod("missing", shell("main", "").withCommand("no-such-program-xyz").build())
                .editSpec()
                .withRestartPolicy("Never")
                .endSpec()
                .build());

    PodStatus status = awaitPhase(ref, "Failed");

    ContainerStateTerminated terminated = container(status, "main").getState().getTerminated();
    assertThat(terminated.getReason()).isEqualTo("StartError");
    assertThat(terminated.getExitCode()).isEqualTo(128);
    assertThat(terminated.getMessage()).contains("executable file not found in $PATH");
  }
}
