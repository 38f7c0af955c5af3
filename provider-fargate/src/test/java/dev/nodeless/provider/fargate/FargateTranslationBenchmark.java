package dev.nodeless.provider.fargate;

import dev.nodeless.plan.PlacementQuote;
import dev.nodeless.spi.ResolvedPod;
import dev.nodeless.testing.Fixtures;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Time to translate a resolved pod for Fargate (both requests, their JSON and the price) against
 * the time fabric8 takes to parse the same pod from YAML. The goal is a ratio of at most 1:
 * planning on Fargate should cost no more than reading the pod did.
 *
 * <p>Run with {@code ./mvnw -B -ntp -pl provider-fargate -am -Pfargate-bench verify -DskipTests};
 * {@link #main} prints the ratio per pod after JMH's own table.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 10, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class FargateTranslationBenchmark {
  private static final KubernetesSerialization YAML = new KubernetesSerialization();

  @Param({
    "pods/inject/secret-pod.yaml",
    "application/deployment-sidecar.yaml",
    "virtual-kubelet-saladcloud/demo/qr.yaml"
  })
  public String fixture;

  private String yaml;
  private ResolvedPod resolved;
  private FargateTranslator translator;

  @Setup
  public void setUp() {
    Pod pod = TestPods.withIdentity(Fixtures.pod(fixture));
    yaml = YAML.asYaml(pod);
    resolved = TestPods.resolve(pod, FargateFixturesTest.OBJECTS);
    translator = new FargateTranslator();
    if (!(translator.plan(resolved, Examples.SETTINGS) instanceof PlacementQuote.Offer)) {
      throw new IllegalStateException(fixture + " is not translatable, so it cannot be timed");
    }
  }

  @Benchmark
  public PlacementQuote translate() {
    return translator.plan(resolved, Examples.SETTINGS);
  }

  @Benchmark
  public Pod parseYaml() {
    return YAML.unmarshal(yaml, Pod.class);
  }

  /**
   * Runs both benchmarks with JMH and prints translation time divided by YAML parse time per pod,
   * then measures the same ratio in thread CPU time. CPU time leaves out the time a thread waits
   * for a core, so it stays meaningful on a machine that other jobs keep busy, where JMH's wall
   * clock scores vary more than they differ. {@code -Dbench.jmh=false} skips the JMH part.
   */
  public static void main(String[] args) throws RunnerException {
    if (Boolean.parseBoolean(System.getProperty("bench.jmh", "true"))) {
      runJmh();
    }
    runCpuTime();
  }

  private static void runJmh() throws RunnerException {
    Collection<RunResult> results =
        new Runner(
                new OptionsBuilder()
                    .include(FargateTranslationBenchmark.class.getName() + "\\.")
                    .build())
            .run();
    Map<String, double[]> byFixture = new TreeMap<>();
    for (RunResult result : results) {
      String pod = result.getParams().getParam("fixture");
      String benchmark = result.getParams().getBenchmark();
      double micros = result.getPrimaryResult().getScore();
      double[] pair = byFixture.computeIfAbsent(pod, key -> new double[2]);
      pair[benchmark.endsWith("translate") ? 0 : 1] = micros;
    }
    System.out.println();
    System.out.println("JMH average time (wall clock)");
    print(byFixture);
  }

  /**
   * Measures both operations in alternating rounds over every pod, after warm-up rounds over every
   * pod, and compares the median CPU time per call.
   */
  private static void runCpuTime() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    int warmups = Integer.getInteger("bench.warmups", 10);
    int rounds = Integer.getInteger("bench.rounds", 15);
    int calls = Integer.getInteger("bench.calls", 2000);
    List<FargateTranslationBenchmark> states = new ArrayList<>();
    for (String fixture : FIXTURES) {
      FargateTranslationBenchmark state = new FargateTranslationBenchmark();
      state.fixture = fixture;
      state.setUp();
      states.add(state);
    }

    double[][] translate = new double[states.size()][rounds];
    double[][] parse = new double[states.size()][rounds];
    long[][] allocated = new long[states.size()][2];
    for (int round = -warmups; round < rounds; round++) {
      for (int pod = 0; pod < states.size(); pod++) {
        FargateTranslationBenchmark state = states.get(pod);
        long startBytes = allocatedBytes(threads);
        long start = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < calls; i++) {
          state.translate();
        }
        long middle = threads.getCurrentThreadCpuTime();
        long middleBytes = allocatedBytes(threads);
        for (int i = 0; i < calls; i++) {
          state.parseYaml();
        }
        long end = threads.getCurrentThreadCpuTime();
        long endBytes = allocatedBytes(threads);
        if (round >= 0) {
          translate[pod][round] = (middle - start) / 1000.0 / calls;
          parse[pod][round] = (end - middle) / 1000.0 / calls;
          allocated[pod][0] += (middleBytes - startBytes) / calls;
          allocated[pod][1] += (endBytes - middleBytes) / calls;
        }
      }
    }

    Map<String, double[]> byFixture = new TreeMap<>();
    for (int pod = 0; pod < states.size(); pod++) {
      byFixture.put(FIXTURES[pod], new double[] {median(translate[pod]), median(parse[pod])});
    }
    System.out.println();
    System.out.println(
        "Thread CPU time, median of "
            + rounds
            + " rounds of "
            + calls
            + " calls each, after "
            + warmups
            + " warm-up rounds");
    print(byFixture);
    System.out.println();
    System.out.println("pod | translate (bytes allocated per call) | parse YAML (bytes per call)");
    for (int pod = 0; pod < states.size(); pod++) {
      System.out.println(
          FIXTURES[pod] + " | " + allocated[pod][0] / rounds + " | " + allocated[pod][1] / rounds);
    }
  }

  /** Bytes this thread has allocated so far, or 0 where the JVM cannot tell. */
  private static long allocatedBytes(ThreadMXBean threads) {
    return threads instanceof com.sun.management.ThreadMXBean hotspot
        ? hotspot.getCurrentThreadAllocatedBytes()
        : 0;
  }

  private static final String[] FIXTURES = {
    "pods/inject/secret-pod.yaml",
    "application/deployment-sidecar.yaml",
    "virtual-kubelet-saladcloud/demo/qr.yaml"
  };

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  private static void print(Map<String, double[]> byFixture) {
    System.out.println("pod | translate (us) | parse YAML (us) | ratio");
    byFixture.forEach(
        (pod, pair) ->
            System.out.println(
                String.format(
                    Locale.ROOT,
                    "%s | %.1f | %.1f | %.2f",
                    pod,
                    pair[0],
                    pair[1],
                    pair[0] / pair[1])));
  }
}
