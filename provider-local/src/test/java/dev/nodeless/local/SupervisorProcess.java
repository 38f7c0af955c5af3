package dev.nodeless.local;

import dev.nodeless.PodLauncher;
import dev.nodeless.PodRef;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Quantity;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;

/**
 * A launcher in its own JVM for {@link PersistenceTest}: launches one long-running pod, prints
 * {@code RUNNING <uid>} once its files show it running, and supervises the pod until its standard
 * input closes or it is killed.
 */
public final class SupervisorProcess {
  private SupervisorProcess() {}

  public static void main(String[] args) throws Exception {
    String stateDir = args[0];
    String token = args[1];
    PodLauncher launcher =
        PodLauncher.builder()
            .providerName("local")
            .setting(LocalSettings.STATE_DIR, stateDir)
            .setting(LocalSettings.POLL_INTERVAL, "50ms")
            .build();
    PodRef ref =
        launcher.launchAndWait(
            new PodBuilder()
                .withNewMetadata()
                .withName("supervised")
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("main")
                .withImage("busybox")
                .withCommand("sh", "-c", "echo hello from child; sleep 1000 & wait")
                // A limit gives the instance a cgroup where the host allows it, which the
                // recovery of a crashed supervisor must remove too.
                .withNewResources()
                .addToLimits("memory", new Quantity("256Mi"))
                .endResources()
                .addNewEnv()
                .withName("NODELESS_TEST_TOKEN")
                .withValue(token)
                .endEnv()
                .endContainer()
                .withTerminationGracePeriodSeconds(2L)
                .endSpec()
                .build(),
            Duration.ofSeconds(30));
    launcher.awaitStarted(ref, Duration.ofSeconds(30));
    // Other processes find the pod once its files show Running, slightly after the launcher does.
    PodDirectory dir = new PodDirectory(Path.of(stateDir), ref.uid());
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                dir.readPod().isPresent()
                    && dir.readStatus().map(PodStatus::getPhase).orElse("").equals("Running"));
    System.out.println("RUNNING " + ref.uid());
    System.out.flush();
    while (System.in.read() >= 0) {
      // Supervise until the test closes standard input.
    }
    launcher.close();
  }
}
