package dev.nodeless.examples.kubelet;

import dev.nodeless.PodLauncher;
import dev.nodeless.PodPhases;
import dev.nodeless.PodRef;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Churn benchmark of the reference kubelet: N pods bound to the node, all Running, all deleted,
 * timed against launching and terminating the same pods directly through a {@link PodLauncher} on
 * the local provider. Prints the ratio, the heap per tracked pod and how many pods or processes
 * were left behind.
 *
 * <pre>
 * ./mvnw -B -ntp -q -pl examples/reference-kubelet -am test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/test.classpath -Dmdep.includeScope=test
 * cd examples/reference-kubelet
 * java -Xmx3g -cp target/test-classes:target/classes:$(cat target/test.classpath) \
 *     dev.nodeless.examples.kubelet.ChurnBenchmark 1000
 * </pre>
 *
 * <p>Both runs use the same pod (one container running {@code sleep}), the same provider settings
 * and a grace period of 1 s. The kubelet's time starts before the first pod is created in the API
 * and ends when the API has no pod, the launcher tracks none and no container process is left.
 *
 * <p>The optional second argument sets the number of rounds (default 2). Each round runs the direct
 * and the kubelet churn and prints their ratio. The first round also pays for most of the JIT
 * compilation of the client, server and provider code. The CPU time ratio is printed too, because
 * it stays readable when other jobs load the machine.
 */
public final class ChurnBenchmark {
  private static final String NODE = "churn-node";
  private static final Duration TIMEOUT = Duration.ofMinutes(15);

  private final int pods;
  private final int rounds;
  private final String token = "nodeless-churn-" + UUID.randomUUID();

  private ChurnBenchmark(int pods, int rounds) {
    this.pods = pods;
    this.rounds = rounds;
  }

  public static void main(String[] args) throws Exception {
    int pods = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    new ChurnBenchmark(pods, rounds).run();
    System.exit(0);
  }

  private void run() throws Exception {
    System.out.printf(
        Locale.ROOT, "Churn of %d pods on the local provider, %d rounds%n", pods, rounds);
    for (int round = 1; round <= rounds; round++) {
      Result direct = direct(Files.createTempDirectory("churn-direct"));
      Result kubelet = kubelet(Files.createTempDirectory("churn-kubelet"));
      ApiReplay api = apiRequestsOnly();
      double floor = directBesideApiRequests(Files.createTempDirectory("churn-floor"));
      System.out.printf(Locale.ROOT, "round %d%s:%n", round, round == 1 ? " (cold JVM)" : "");
      report(direct, kubelet, api, floor);
    }
  }

  private void report(Result direct, Result kubelet, ApiReplay api, double floor) throws Exception {
    System.out.printf(
        Locale.ROOT,
        "direct launcher: %.2f s (Running after %.2f s), heap %.1f KiB per pod%n",
        direct.totalSeconds,
        direct.runningSeconds,
        direct.heapPerPodKiB);
    System.out.printf(
        Locale.ROOT,
        "kubelet:         %.2f s (Running after %.2f s), heap %.1f KiB per pod%n",
        kubelet.totalSeconds,
        kubelet.runningSeconds,
        kubelet.heapPerPodKiB);
    System.out.printf(
        Locale.ROOT,
        "ratio kubelet / direct: %.2f (goal <= 1.2); left behind: %d pods, %d processes%n",
        kubelet.totalSeconds / direct.totalSeconds,
        kubelet.leftPods + direct.leftPods,
        kubelet.leftProcesses + direct.leftProcesses);
    System.out.printf(
        Locale.ROOT,
        "CPU time of this JVM and its reaped child processes: direct %.2f s, kubelet %.2f s,"
            + " ratio %.2f%n",
        direct.cpuSeconds,
        kubelet.cpuSeconds,
        kubelet.cpuSeconds / direct.cpuSeconds);
    System.out.printf(
        Locale.ROOT,
        "API server alone, replaying the kubelet run's requests without a kubelet: %.2f s, CPU"
            + " %.2f s (%.0f%% of the direct run's CPU time, where the goal leaves room for 20%%)%n",
        api.seconds,
        api.cpuSeconds,
        100 * api.cpuSeconds / direct.cpuSeconds);
    System.out.printf(
        Locale.ROOT,
        "direct run with the same API requests sent beside it, as if the kubelet cost nothing:"
            + " %.2f s, ratio %.2f to the direct run%n",
        floor,
        floor / direct.totalSeconds);
    System.out.printf(
        Locale.ROOT,
        "pod directories left in the state directories: direct %d, kubelet %d%n",
        direct.leftDirectories(),
        kubelet.leftDirectories());
  }

  private record Result(
      double runningSeconds,
      double totalSeconds,
      double cpuSeconds,
      double heapPerPodKiB,
      int leftPods,
      int leftProcesses,
      long leftDirectories) {}

  private Result direct(Path stateDir) throws Exception {
    try (PodLauncher launcher =
        PodLauncher.builder()
            .providerName("local")
            .settings(TestCluster.config(NODE, stateDir).build().providerSettings())
            .build()) {
      long heapBefore = usedHeap();
      double cpuBefore = cpuSeconds();
      long start = System.nanoTime();
      List<CompletableFuture<PodRef>> launches = new ArrayList<>();
      for (int i = 0; i < pods; i++) {
        launches.add(launcher.launch(pod(i)));
      }
      List<PodRef> refs = new ArrayList<>();
      for (CompletableFuture<PodRef> launch : launches) {
        refs.add(launch.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
      }
      List<CompletableFuture<?>> running = new ArrayList<>();
      for (PodRef ref : refs) {
        running.add(launcher.when(ref, status -> PodPhases.RUNNING.equals(status.getPhase())));
      }
      CompletableFuture.allOf(running.toArray(CompletableFuture[]::new))
          .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      double runningSeconds = seconds(start);
      long heapRunning = usedHeap();
      List<CompletableFuture<Void>> stops = new ArrayList<>();
      for (PodRef ref : refs) {
        stops.add(launcher.terminate(ref, Duration.ofSeconds(1)));
      }
      CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new))
          .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      refs.forEach(launcher::forget);
      waitFor(() -> processes().isEmpty());
      double total = seconds(start);
      double cpu = cpuSeconds() - cpuBefore;
      return new Result(
          runningSeconds,
          total,
          cpu,
          (heapRunning - heapBefore) / 1024.0 / pods,
          launcher.list().size(),
          processes().size(),
          podDirectories(stateDir));
    }
  }

  private Result kubelet(Path stateDir) throws Exception {
    try (DemoApiServer api = DemoApiServer.start(0);
        KubernetesClient client = api.newClient()) {
      Kubelet kubelet =
          Kubelet.start(
              client,
              TestCluster.config(NODE, stateDir)
                  .nodeStatusInterval(Duration.ofSeconds(10))
                  .lease(Duration.ofSeconds(40), Duration.ofSeconds(10))
                  .reconcileInterval(Duration.ofSeconds(30))
                  .podResyncPeriod(Duration.ofMinutes(5))
                  .build());
      try {
        long heapBefore = usedHeap();
        ExecutorService creators = Executors.newFixedThreadPool(4);
        double cpuBefore = cpuSeconds();
        long start = System.nanoTime();
        List<CompletableFuture<Void>> creates = new ArrayList<>();
        for (int i = 0; i < pods; i++) {
          Pod pod = new PodBuilder(pod(i)).editSpec().withNodeName(NODE).endSpec().build();
          creates.add(
              CompletableFuture.runAsync(
                  () -> client.pods().inNamespace("default").resource(pod).create(), creators));
        }
        CompletableFuture.allOf(creates.toArray(CompletableFuture[]::new))
            .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        System.out.printf(
            Locale.ROOT,
            "  kubelet run: %d pods created in the API after %.2f s%n",
            pods,
            seconds(start));
        waitFor(() -> countPhase(kubelet, PodPhases.RUNNING) == pods);
        double runningSeconds = seconds(start);
        long heapRunning = usedHeap();
        List<CompletableFuture<Void>> deletes = new ArrayList<>();
        for (int i = 0; i < pods; i++) {
          String name = "churn-" + i;
          deletes.add(
              CompletableFuture.runAsync(
                  () ->
                      client
                          .pods()
                          .inNamespace("default")
                          .withName(name)
                          .withGracePeriod(1)
                          .delete(),
                  creators));
        }
        CompletableFuture.allOf(deletes.toArray(CompletableFuture[]::new))
            .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        System.out.printf(
            Locale.ROOT,
            "  kubelet run: %d deletions requested after %.2f s%n",
            pods,
            seconds(start));
        // The informer cache mirrors the API without listing 1,000 pods on every poll.
        waitFor(
            () ->
                kubelet.pods().apiPods().isEmpty()
                    && kubelet.launcher().list().isEmpty()
                    && processes().isEmpty());
        double total = seconds(start);
        double cpu = cpuSeconds() - cpuBefore;
        creators.shutdown();
        System.out.printf(
            Locale.ROOT,
            "  kubelet run: %.1f status writes per pod%n",
            (double) kubelet.pods().statusWrites() / pods);
        return new Result(
            runningSeconds,
            total,
            cpu,
            (heapRunning - heapBefore) / 1024.0 / pods,
            client.pods().inNamespace("default").list().getItems().size()
                + kubelet.launcher().list().size(),
            processes().size(),
            podDirectories(stateDir));
      } finally {
        kubelet.close();
      }
    }
  }

  private record ApiReplay(double seconds, double cpuSeconds) {}

  /**
   * Runs the direct churn while another thread replays the kubelet run's API requests. The time
   * until both finish is what a kubelet run would take on this machine if the kubelet itself cost
   * nothing. Its ratio to the direct run is about the lowest ratio any kubelet could reach here.
   */
  private double directBesideApiRequests(Path stateDir) throws Exception {
    long start = System.nanoTime();
    CompletableFuture<ApiReplay> api =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return apiRequestsOnly();
              } catch (Exception e) {
                throw new CompletionException(e);
              }
            },
            task -> new Thread(task, "api-replay").start());
    direct(stateDir);
    api.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    return seconds(start);
  }

  /**
   * Sends the demo API server the requests of a kubelet run, from as many threads, without a
   * kubelet or provider. Per pod these are a create, a status write and an event while it starts,
   * then the graceful delete, an event and the delete with grace period 0. That is no more than a
   * kubelet run sends. The kubelet writes the status 1.3 to 1.6 times per pod and keeps a watch.
   * The elapsed and CPU time show how much of the kubelet run the in-process API server and its
   * clients take at the least.
   */
  private ApiReplay apiRequestsOnly() throws Exception {
    try (DemoApiServer api = DemoApiServer.start(0);
        KubernetesClient client = api.newClient()) {
      ExecutorService threads = Executors.newFixedThreadPool(4);
      PodDeleter deleter = new PodDeleter(client);
      Map<String, Pod> createdPods = new ConcurrentHashMap<>();
      double cpuBefore = cpuSeconds();
      long start = System.nanoTime();
      List<CompletableFuture<Void>> work = new ArrayList<>();
      for (int i = 0; i < pods; i++) {
        Pod pod = new PodBuilder(pod(i)).editSpec().withNodeName(NODE).endSpec().build();
        work.add(
            CompletableFuture.runAsync(
                () -> {
                  Pod created = client.pods().inNamespace("default").resource(pod).create();
                  writeStatus(client, created, PodPhases.RUNNING);
                  writeEvent(client, created, "ProviderCreateSuccess");
                  createdPods.put(created.getMetadata().getName(), created);
                },
                threads));
      }
      CompletableFuture.allOf(work.toArray(CompletableFuture[]::new))
          .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      work.clear();
      for (int i = 0; i < pods; i++) {
        String name = "churn-" + i;
        work.add(
            CompletableFuture.runAsync(
                () -> {
                  client.pods().inNamespace("default").withName(name).withGracePeriod(1).delete();
                  Pod created = createdPods.get(name);
                  writeEvent(client, created, "Killing");
                  deleter.deleteNow(PodRef.of(created));
                },
                threads));
      }
      CompletableFuture.allOf(work.toArray(CompletableFuture[]::new))
          .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      double seconds = seconds(start);
      double cpu = cpuSeconds() - cpuBefore;
      threads.shutdown();
      return new ApiReplay(seconds, cpu);
    }
  }

  private static void writeStatus(KubernetesClient client, Pod pod, String phase) {
    client
        .pods()
        .inNamespace("default")
        .resource(new PodBuilder(pod).withNewStatus().withPhase(phase).endStatus().build())
        .updateStatus();
  }

  private static void writeEvent(KubernetesClient client, Pod pod, String reason) {
    client
        .v1()
        .events()
        .inNamespace("default")
        .resource(
            new io.fabric8.kubernetes.api.model.EventBuilder()
                .withNewMetadata()
                .withName(pod.getMetadata().getName() + "." + reason.toLowerCase(Locale.ROOT))
                .endMetadata()
                .withNewInvolvedObject()
                .withKind("Pod")
                .withName(pod.getMetadata().getName())
                .withUid(pod.getMetadata().getUid())
                .endInvolvedObject()
                .withReason(reason)
                .withType("Normal")
                .build())
        .create();
  }

  private Pod pod(int index) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("churn-" + index)
        .withNamespace("default")
        .endMetadata()
        .withNewSpec()
        .withTerminationGracePeriodSeconds(1L)
        .addNewContainer()
        .withName("main")
        .withImage("busybox")
        .withCommand("sleep", "1000")
        .addNewEnv()
        .withName("NODELESS_BENCH_TOKEN")
        .withValue(token)
        .endEnv()
        .endContainer()
        .endSpec()
        .build();
  }

  private static long countPhase(Kubelet kubelet, String phase) {
    return kubelet.pods().apiPods().stream()
        .filter(pod -> pod.getStatus() != null && phase.equals(pod.getStatus().getPhase()))
        .count();
  }

  private List<Long> processes() {
    return ProcessScan.withToken(token);
  }

  /** Counts the pod directories that the local provider keeps in its state directory. */
  private static long podDirectories(Path stateDir) throws java.io.IOException {
    Path pods = stateDir.resolve("pods");
    if (!Files.isDirectory(pods)) {
      return 0;
    }
    try (java.util.stream.Stream<Path> entries = Files.list(pods)) {
      return entries.count();
    }
  }

  private static void waitFor(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out after " + TIMEOUT);
      }
      Thread.sleep(50);
    }
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  /**
   * Returns the CPU time of this JVM and of the child processes it has reaped, from {@code
   * /proc/self/stat} (utime, stime, cutime and cstime, in units of USER_HZ, which is 100 on Linux).
   * Unlike elapsed time, it leaves out the time spent waiting for a core while other jobs run.
   */
  private static double cpuSeconds() throws java.io.IOException {
    String stat = Files.readString(Path.of("/proc/self/stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long ticks = 0;
    // After the command name, field 3 (state) is at index 0, so fields 14 to 17 are 11 to 14.
    for (int index = 11; index <= 14; index++) {
      ticks += Long.parseLong(fields[index]);
    }
    return ticks / 100.0;
  }

  private static long usedHeap() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
