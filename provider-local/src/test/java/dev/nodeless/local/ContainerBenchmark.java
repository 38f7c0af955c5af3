package dev.nodeless.local;

import dev.nodeless.PodLauncher;
import dev.nodeless.PodRef;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark command for the container runtime of the local provider; not a test. It compares the
 * launcher with running the same podman commands directly: (a) launch-to-Running latency of a
 * one-container pod, (b) 100 pods launched, awaited Running and terminated one after another, and
 * (c) counts the containers, pods and volumes left. Run it with the command in {@code
 * docs/benchmarks.md}.
 */
public final class ContainerBenchmark {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final String IMAGE = "busybox:1.28";

  private ContainerBenchmark() {}

  public static void main(String[] args) throws Exception {
    int latencyRuns = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    int churnPods = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    Path root = Files.createTempDirectory("nodeless-container-bench");
    Path stateDir = root.resolve("state");
    Map<String, String> settings = PodmanSupport.settings(stateDir);
    String owner = LocalPodProvider.ownerId(stateDir.toAbsolutePath());
    try (PodLauncher launcher =
        PodLauncher.builder().providerName("local").settings(settings).build()) {
      // Warm up both paths: class loading, JIT, the image lookup and podman's own caches. Then
      // the two paths alternate pod by pod, so that both see the same load of a shared machine.
      for (int i = 0; i < 3; i++) {
        direct(root, true);
        pod(launcher, true);
      }
      List<Long> direct = new ArrayList<>();
      List<Long> pods = new ArrayList<>();
      for (int i = 0; i < latencyRuns; i++) {
        direct.add(direct(root, true));
        pods.add(pod(launcher, true));
      }
      report(direct, pods);

      long directChurn = 0;
      long podChurn = 0;
      for (int i = 0; i < churnPods; i++) {
        directChurn += direct(root, false);
        podChurn += pod(launcher, false);
      }
      System.out.printf(
          Locale.ROOT,
          "churn of %d pods: podman commands %.2f s, launcher %.2f s, ratio %.2f%n",
          churnPods,
          directChurn / 1e9,
          podChurn / 1e9,
          (double) podChurn / directChurn);
    }
    String label = EngineRuntime.OWNER_LABEL + "=" + owner;
    int leaked =
        PodmanSupport.objects("container", label).size()
            + PodmanSupport.objects("pod", label).size()
            + PodmanSupport.objects("volume", label).size();
    System.out.println("leaked containers, pods and volumes: " + leaked);
    PodDirectory.deleteTree(root);
    System.exit(leaked == 0 ? 0 : 1);
  }

  /**
   * Runs the commands that the runtime runs for a pod, directly: create the pod, start the
   * container with the same options; for churn also kill it, read its state and remove the
   * container and the pod. A latency sample ends when {@code run -d} returns, which is after the
   * container started.
   *
   * @return the latency, or for churn the time of the whole cycle, in nanoseconds
   */
  private static long direct(Path root, boolean latencyOnly) throws Exception {
    String name = "nodeless-bench-" + UUID.randomUUID().toString().substring(0, 12);
    Path log = root.resolve(name + ".log");
    long begin = System.nanoTime();
    podman(
        "pod",
        "create",
        "--name",
        name,
        "--infra-name",
        name + "_infra",
        "--label",
        "dev.nodeless.bench=1",
        "--network",
        "none",
        "--hostname",
        "bench",
        "--share=ipc,net,uts");
    podman(
        "run",
        "-d",
        "--name",
        name + "_main",
        "--pod",
        name,
        "--label",
        "dev.nodeless.bench=1",
        "--log-driver",
        "k8s-file",
        "--log-opt",
        "path=" + log,
        "--pull",
        "never",
        "--entrypoint=[\"sleep\",\"1000\"]",
        IMAGE);
    long running = System.nanoTime();
    long sample;
    if (latencyOnly) {
      sample = running - begin;
      podman("pod", "rm", "-f", "-t", "0", name);
    } else {
      podman("kill", "--signal", "KILL", name + "_main");
      podman("wait", name + "_main");
      podman("inspect", "--type", "container", name + "_main");
      podman("rm", "-f", "-t", "0", name + "_main");
      podman("pod", "rm", "-f", "-t", "0", name);
      sample = System.nanoTime() - begin;
    }
    Files.deleteIfExists(log);
    return sample;
  }

  /**
   * Launches one pod, waits until it is Running and terminates it with a zero grace period.
   *
   * @return the launch-to-Running latency, or for churn the time of the whole cycle, in nanoseconds
   */
  private static long pod(PodLauncher launcher, boolean latencyOnly) throws Exception {
    long begin = System.nanoTime();
    PodRef ref = launcher.launch(pod()).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    launcher
        .when(ref, status -> "Running".equals(status.getPhase()))
        .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    long running = System.nanoTime();
    launcher.terminateAndWait(ref, Duration.ZERO, TIMEOUT);
    return (latencyOnly ? running : System.nanoTime()) - begin;
  }

  private static Pod pod() {
    return new PodBuilder()
        .withNewMetadata()
        .withName("bench")
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("main")
        .withImage(IMAGE)
        .withCommand("sleep", "1000")
        .endContainer()
        .withTerminationGracePeriodSeconds(0L)
        .endSpec()
        .build();
  }

  private static void podman(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("podman"));
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException("podman " + String.join(" ", args) + " failed");
    }
  }

  private static void report(List<Long> direct, List<Long> pods) {
    double directMedian = percentile(direct, 50) / 1e6;
    double podMedian = percentile(pods, 50) / 1e6;
    System.out.printf(
        Locale.ROOT,
        "launch->Running latency (ms): podman commands median %.0f p90 %.0f; launcher median %.0f"
            + " p90 %.0f; median ratio %.2f%n",
        directMedian,
        percentile(direct, 90) / 1e6,
        podMedian,
        percentile(pods, 90) / 1e6,
        podMedian / directMedian);
  }

  private static double percentile(List<Long> samples, int percent) {
    List<Long> sorted = new ArrayList<>(samples);
    Collections.sort(sorted);
    int index = Math.min(sorted.size() - 1, (int) Math.ceil(percent / 100.0 * sorted.size()) - 1);
    return sorted.get(Math.max(0, index));
  }
}
