package dev.nodeless.provider.aci;

import dev.nodeless.plan.PlacementQuote;
import dev.nodeless.plan.PlanSettings;
import dev.nodeless.spi.ResolvedPod;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Measures the ACI translation of a resolved pod (model, price and redacted JSON) against parsing
 * the same pod's YAML with fabric8, and prints their ratio. The goal is a ratio of at most 1. Run
 * it with {@code ./mvnw -B -ntp -q -pl provider-aci -am verify -Pbench -DskipTests}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class AciTranslationBenchmark {
  private final KubernetesSerialization serialization = new KubernetesSerialization();
  private final AciTranslator translator = new AciTranslator();
  private final PlanSettings settings = PlanSettings.of("eastus");
  private String yaml;
  private ResolvedPod pod;

  @Setup
  public void setUp() {
    yaml = resource("/bench/storefront.yaml");
    KubernetesList objects =
        serialization.unmarshal(resource("/bench/storefront-objects.yaml"), KubernetesList.class);
    List<HasMetadata> items = objects.getItems();
    pod = new TestResolver(items).resolve(serialization.unmarshal(yaml, Pod.class));
    if (!(translator.plan(pod, settings) instanceof PlacementQuote.Offer)) {
      throw new IllegalStateException("the benchmark pod must translate to an offer");
    }
  }

  /** Translates the resolved pod, as the placement chooser does for every pod. */
  @Benchmark
  public PlacementQuote translate() {
    return translator.plan(pod, settings);
  }

  /** Parses the pod's YAML with fabric8, the baseline every caller pays before planning. */
  @Benchmark
  public Pod parseYaml() {
    return serialization.unmarshal(yaml, Pod.class);
  }

  private static String resource(String name) {
    try (InputStream in = AciTranslationBenchmark.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs both benchmarks and prints the translation-to-parse ratio. */
  public static void main(String[] args) throws RunnerException {
    var options =
        new OptionsBuilder().include(AciTranslationBenchmark.class.getName() + "\\.").build();
    double translate = Double.NaN;
    double parse = Double.NaN;
    for (RunResult result : new Runner(options).run()) {
      String label = result.getPrimaryResult().getLabel();
      double score = result.getPrimaryResult().getScore();
      if (label.equals("translate")) {
        translate = score;
      } else if (label.equals("parseYaml")) {
        parse = score;
      }
    }
    System.out.printf(
        Locale.ROOT,
        "ACI translation %.1f us/op, fabric8 YAML parse %.1f us/op, ratio %.2f (goal <= 1)%n",
        translate,
        parse,
        translate / parse);
  }
}
