package dev.nodeless.provider.ec2;

import dev.nodeless.plan.PlacementQuote;
import dev.nodeless.plan.PlanSettings;
import dev.nodeless.spi.ResolvedPod;
import dev.nodeless.testing.Fixtures;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Measures the EC2 translation of a fixture pod next to parsing the same fixture's YAML with
 * fabric8, and prints their ratio (the goal is at most 1). Run it with the {@code jmh} profile of
 * this module; {@code docs/benchmarks.md} has the command and the last numbers.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class Ec2TranslationBenchmark {

  @Param({
    "pods/multi-container/resources.yaml",
    "aws-virtual-kubelet/examples/pods/sample-pod.yaml",
    "application/deployment-sidecar.yaml"
  })
  public String fixture;

  private String yaml;
  private ResolvedPod pod;
  private KubernetesSerialization serialization;
  private final Ec2Translator translator = new Ec2Translator();
  private final PlanSettings settings =
      new PlanSettings(
          "us-east-1",
          Map.of(
              "ec2.clusterId",
              "bench",
              "ec2.subnetId",
              "subnet-0a",
              "ec2.securityGroupIds",
              "sg-0a"));

  @Setup
  public void setUp() throws IOException {
    yaml = Files.readString(Fixtures.path(fixture));
    serialization = new KubernetesSerialization();
    pod = TestPods.resolved(Fixtures.pod(fixture), TestPods.FIXTURE_OBJECTS);
    if (!(translator.plan(pod, settings) instanceof PlacementQuote.Offer)) {
      throw new IllegalStateException(fixture + " does not translate");
    }
  }

  @Benchmark
  public PlacementQuote translate() {
    return translator.plan(pod, settings);
  }

  @Benchmark
  public Object parseYaml() {
    return serialization.unmarshal(yaml);
  }

  /** Runs both benchmarks with the JMH options given and prints translate/parse per fixture. */
  public static void main(String[] args) throws RunnerException, CommandLineOptionException {
    CommandLineOptions cli = new CommandLineOptions(args);
    Collection<RunResult> results =
        new Runner(
                new OptionsBuilder()
                    .parent(cli)
                    .include(Ec2TranslationBenchmark.class.getSimpleName())
                    .build())
            .run();
    Map<String, double[]> byFixture = new TreeMap<>();
    for (RunResult result : results) {
      String fixture = result.getParams().getParam("fixture");
      boolean translate = result.getParams().getBenchmark().endsWith(".translate");
      byFixture.computeIfAbsent(fixture, key -> new double[2])[translate ? 0 : 1] =
          result.getPrimaryResult().getScore();
    }
    System.out.println();
    System.out.println("fixture | translate (us/op) | parse YAML (us/op) | ratio");
    byFixture.forEach(
        (fixture, scores) ->
            System.out.println(
                String.format(
                    Locale.ROOT,
                    "%s | %.1f | %.1f | %.2f",
                    fixture,
                    scores[0],
                    scores[1],
                    scores[0] / scores[1])));
  }
}
