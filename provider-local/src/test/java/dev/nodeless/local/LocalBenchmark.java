package dev.nodeless.local;

import dev.nodeless.PodLauncher;
import dev.nodeless.PodRef;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark command for the local provider; not a test. It prints (a) the launch-to-Running latency
 * of a one-container pod against starting the same process with {@link ProcessBuilder}, (b) the
 * time to launch and terminate 1,000 pods one after another against starting and destroying the
 * process directly, and (c) how many processes leaked. Run it with the command in {@code
 * docs/benchmarks.md}.
 */
public final class LocalBenchmark {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  /** Runs of one path before the other path takes its turn, so that both see the same load. */
  private static final int BLOCK = 100;

  private static final int WARM_UP_BLOCK = 500;

  private LocalBenchmark() {}

  public static void main(String[] args) throws Exception {
    int latencyRuns = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    int churnPods = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
    int warmUps = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
    int maxWarmUps = args.length > 3 ? Integer.parseInt(args[3]) : 30_000;
    String token = "nodeless-bench-" + UUID.randomUUID();
    Path stateDir = Files.createTempDirectory("nodeless-bench");
    try (PodLauncher launcher =
        PodLauncher.builder()
            .providerName("local")
            .setting(LocalSettings.STATE_DIR, stateDir.toString())
            .build()) {
      warmUp(launcher, token, warmUps, maxWarmUps);

      long compiling = compileMillis();
      List<Long> direct = new ArrayList<>();
      List<Long> pods = new ArrayList<>();
      for (int done = 0; done < latencyRuns; done += BLOCK) {
        int runs = Math.min(BLOCK, latencyRuns - done);
        direct.addAll(measureDirect(runs, token));
        pods.addAll(measurePods(launcher, runs, token));
      }
      report("launch->Running latency (ms)", direct, pods);
      System.out.printf(
          Locale.ROOT, "  JIT compilation meanwhile: %d ms%n", compileMillis() - compiling);

      compiling = compileMillis();
      long directChurn = 0;
      long podChurn = 0;
      for (int done = 0; done < churnPods; done += BLOCK) {
        int runs = Math.min(BLOCK, churnPods - done);
        directChurn += churnDirect(runs, token);
        podChurn += churnPods(launcher, runs, token);
      }
      System.out.printf(
          Locale.ROOT,
          "churn of %d: direct %.2f s, pods %.2f s, ratio %.2f%n",
          churnPods,
          directChurn / 1e9,
          podChurn / 1e9,
          (double) podChurn / directChurn);
      System.out.printf(
          Locale.ROOT, "  JIT compilation meanwhile: %d ms%n", compileMillis() - compiling);
    }
    List<Long> leaked = LocalTestSupport.processesOf(token);
    System.out.println("leaked processes: " + leaked.size());
    PodDirectory.deleteTree(stateDir);
    System.exit(leaked.isEmpty() ? 0 : 1);
  }

  /**
   * Runs both paths at least {@code minimum} times each, then in blocks until the JIT compiler has
   * settled: two blocks in a row in which it compiled for less than 1 % of the block's time. The
   * launch path runs through enough Java code, mostly the fabric8 model's builders and Jackson,
   * that C2 keeps compiling big methods for several thousand launches. On a machine with two cores
   * that compilation competes with the launches themselves, so measuring before it settles measures
   * the compiler, not the launcher.
   */
  private static void warmUp(PodLauncher launcher, String token, int minimum, int maximum)
      throws Exception {
    long begin = System.nanoTime();
    measureDirect(minimum, token);
    measurePods(launcher, minimum, token);
    int done = minimum;
    int quietBlocks = 0;
    while (quietBlocks < 2 && done < maximum) {
      long compiling = compileMillis();
      long blockBegin = System.nanoTime();
      measureDirect(WARM_UP_BLOCK, token);
      measurePods(launcher, WARM_UP_BLOCK, token);
      done += WARM_UP_BLOCK;
      long blockMillis = (System.nanoTime() - blockBegin) / 1_000_000;
      quietBlocks = (compileMillis() - compiling) * 100 < blockMillis ? quietBlocks + 1 : 0;
    }
    System.out.printf(
        Locale.ROOT,
        "warm-up: %d runs of each path in %.1f s; JIT compiler %s%n",
        done,
        (System.nanoTime() - begin) / 1e9,
        quietBlocks == 2
            ? "settled"
            : done > minimum ? "still busy at the limit of " + maximum : "not checked");
  }

  /** Returns the JIT compilers' total time so far, in milliseconds. */
  private static long compileMillis() {
    return ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
  }

  private static ProcessBuilder sleeper(String token) {
    ProcessBuilder builder = new ProcessBuilder("sleep", "1000");
    builder.environment().put("NODELESS_TEST_TOKEN", token);
    builder.redirectErrorStream(true);
    return builder;
  }

  private static Pod pod(String token) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("bench")
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("main")
        .withImage("busybox")
        .withCommand("sleep", "1000")
        .addNewEnv()
        .withName("NODELESS_TEST_TOKEN")
        .withValue(token)
        .endEnv()
        .endContainer()
        .withTerminationGracePeriodSeconds(5L)
        .endSpec()
        .build();
  }

  /** Time until {@link ProcessBuilder#start()} returns, which is after the exec. */
  private static List<Long> measureDirect(int runs, String token)
      throws IOException, InterruptedException {
    ProcessBuilder sleeper = sleeper(token);
    List<Long> samples = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      long begin = System.nanoTime();
      Process process = sleeper.start();
      samples.add(System.nanoTime() - begin);
      process.destroyForcibly();
      process.waitFor();
    }
    return samples;
  }

  /** Time from {@code launch} until the launcher reports the pod Running. */
  private static List<Long> measurePods(PodLauncher launcher, int runs, String token)
      throws Exception {
    // Launch copies the pod and gives the copy a new UID, so one manifest serves every run, as
    // one ProcessBuilder could on the direct path.
    Pod pod = pod(token);
    List<Long> samples = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      long begin = System.nanoTime();
      PodRef ref = launcher.launch(pod).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      CompletableFuture<?> running =
          launcher.when(ref, status -> "Running".equals(status.getPhase()));
      running.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      samples.add(System.nanoTime() - begin);
      launcher.terminateAndWait(ref, Duration.ofSeconds(5), TIMEOUT);
    }
    return samples;
  }

  private static long churnDirect(int count, String token)
      throws IOException, InterruptedException {
    ProcessBuilder sleeper = sleeper(token);
    long begin = System.nanoTime();
    for (int i = 0; i < count; i++) {
      Process process = sleeper.start();
      process.destroy();
      process.waitFor();
    }
    return System.nanoTime() - begin;
  }

  private static long churnPods(PodLauncher launcher, int count, String token) throws Exception {
    Pod pod = pod(token);
    long begin = System.nanoTime();
    for (int i = 0; i < count; i++) {
      PodRef ref = launcher.launch(pod).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      launcher
          .when(ref, status -> "Running".equals(status.getPhase()))
          .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      launcher.terminateAndWait(ref, Duration.ofSeconds(5), TIMEOUT);
    }
    return System.nanoTime() - begin;
  }

  private static void report(String what, List<Long> direct, List<Long> pods) {
    double directMedian = percentile(direct, 50) / 1e6;
    double podMedian = percentile(pods, 50) / 1e6;
    System.out.printf(
        Locale.ROOT,
        "%s: direct median %.2f p90 %.2f; pod median %.2f p90 %.2f; median ratio %.2f%n",
        what,
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
