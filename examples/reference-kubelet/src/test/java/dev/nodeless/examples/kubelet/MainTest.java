package dev.nodeless.examples.kubelet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.nodeless.PodPhases;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class MainTest {

  @Test
  void flagsBecomeConfiguration() {
    Main main =
        parse(
            "--node-name",
            "edge-1",
            "--provider",
            "local",
            "--provider-setting",
            "local.stateDir=/tmp/x",
            "--capacity",
            "cpu=4",
            "--taint",
            "dedicated=ci:NoExecute",
            "--internal-ip",
            "10.0.0.5",
            "--port",
            "10255",
            "--lease-duration",
            "20s",
            "--lease-renew-interval",
            "500ms",
            "--anonymous-auth");

    KubeletConfig config = main.config();

    assertThat(config.nodeName()).isEqualTo("edge-1");
    assertThat(config.providerName()).hasValue("local");
    assertThat(config.providerSettings()).containsEntry("local.stateDir", "/tmp/x");
    assertThat(config.capacity()).containsEntry("cpu", new Quantity("4"));
    assertThat(config.taintKey()).isEqualTo("dedicated");
    assertThat(config.taintValue()).hasValue("ci");
    assertThat(config.taintEffect()).isEqualTo("NoExecute");
    assertThat(config.internalIp()).isEqualTo("10.0.0.5");
    assertThat(config.port()).isEqualTo(10255);
    assertThat(config.leaseDuration()).isEqualTo(Duration.ofSeconds(20));
    assertThat(config.leaseRenewInterval()).isEqualTo(Duration.ofMillis(500));
    assertThat(config.anonymousAuth()).isTrue();
  }

  @Test
  void malformedTaintIsRejected() {
    assertThatThrownBy(() -> parse("--taint", "no-effect").config())
        .hasMessageContaining("--taint = \"no-effect\"");
  }

  @Test
  void badDurationIsRejectedByParser() {
    assertThat(new CommandLine(new Main()).execute("--lease-duration", "forever")).isEqualTo(2);
  }

  @Test
  void demoModeRunsPodFromManifest(@TempDir Path dir) throws Exception {
    Path manifest =
        Files.writeString(
            dir.resolve("pod.yaml"),
            String.join(
                "\n",
                "apiVersion: v1",
                "kind: Pod",
                "metadata:",
                "  name: hello",
                "spec:",
                "  terminationGracePeriodSeconds: 1",
                "  containers:",
                "  - name: hello",
                "    image: busybox",
                "    command: [sh, -c, 'echo hello from demo; sleep 1000']",
                ""));
    Path kubeconfig = dir.resolve("demo.kubeconfig");
    Main main =
        parse(
            "--demo",
            "--port",
            "0",
            "--demo-kubeconfig",
            kubeconfig.toString(),
            "--demo-apply",
            manifest.toString(),
            "--provider-setting",
            "local.stateDir=" + dir.resolve("state"));

    try (Main.Running running = main.launch();
        KubernetesClient client =
            new KubernetesClientBuilder()
                .withConfig(Config.fromKubeconfig(Files.readString(kubeconfig)))
                .build()) {
      Pod pod =
          await()
              .atMost(TestCluster.TIMEOUT)
              .until(
                  () -> client.pods().inNamespace("default").withName("hello").get(),
                  found ->
                      found != null
                          && found.getStatus() != null
                          && PodPhases.RUNNING.equals(found.getStatus().getPhase()));
      assertThat(pod.getSpec().getNodeName()).isEqualTo("nodeless-demo");
      assertThat(client.nodes().withName("nodeless-demo").get()).isNotNull();
      assertThat(running.kubelet.get().port()).isPositive();
    }
  }

  private static Main parse(String... args) {
    Main main = new Main();
    new CommandLine(main).parseArgs(args);
    return main;
  }
}
