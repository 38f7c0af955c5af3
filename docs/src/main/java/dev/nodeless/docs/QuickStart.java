package dev.nodeless.docs;

// The README shows the lines between the quick-start markers; QuickStartTest keeps them equal.
// quick-start:begin
import dev.nodeless.LogOptions;
import dev.nodeless.PodLauncher;
import dev.nodeless.PodRef;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.io.InputStream;
import java.time.Duration;

public final class QuickStart {
  public static void main(String[] args) throws Exception {
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName("hello")
            .endMetadata()
            .withNewSpec()
            .withRestartPolicy("Never")
            .addNewContainer()
            .withName("greeter")
            .withImage("busybox")
            .withCommand("sh", "-c", "echo hello from a pod")
            .endContainer()
            .endSpec()
            .build();

    // The local provider runs the containers as processes on this machine.
    try (PodLauncher launcher = PodLauncher.builder().providerName("local").build()) {
      PodRef ref = launcher.launchAndWait(pod, Duration.ofSeconds(30));
      PodStatus status = launcher.awaitCompletion(ref, Duration.ofMinutes(1));
      System.out.println("pod " + ref.name() + " finished: " + status.getPhase());
      try (InputStream log = launcher.logs(ref, "greeter", LogOptions.ofDefaults())) {
        log.transferTo(System.out);
      }
    }
  }
}
// quick-start:end
