package dev.nodeless.local;

import dev.nodeless.PodLauncher;
import dev.nodeless.PodRef;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A launcher in its own JVM for {@link ContainerCrashTest}: runs one long-running pod in podman
 * containers, with a memory-backed emptyDir, prints {@code RUNNING <uid>} and supervises the pod
 * until it is killed.
 */
public final class ContainerSupervisorProcess {
  private ContainerSupervisorProcess() {}

  public static void main(String[] args) throws Exception {
    PodLauncher launcher =
        PodLauncher.builder()
            .providerName("local")
            .settings(PodmanSupport.settings(Path.of(args[0])))
            .build();
    PodRef ref =
        launcher.launchAndWait(
            new PodBuilder()
                .withNewMetadata()
                .withName("crashing-supervisor")
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("main")
                .withImage("busybox:1.28")
                .withArgs("sleep", "3600")
                .addNewVolumeMount()
                .withName("scratch")
                .withMountPath("/scratch")
                .endVolumeMount()
                .endContainer()
                .addNewVolume()
                .withName("scratch")
                .withNewEmptyDir()
                .withMedium("Memory")
                .endEmptyDir()
                .endVolume()
                .endSpec()
                .build(),
            Duration.ofSeconds(60));
    launcher.awaitStarted(ref, Duration.ofSeconds(60));
    System.out.println("RUNNING " + ref.uid());
    System.out.flush();
    while (System.in.read() >= 0) {
      // Supervise until killed.
    }
    launcher.close();
  }
}
