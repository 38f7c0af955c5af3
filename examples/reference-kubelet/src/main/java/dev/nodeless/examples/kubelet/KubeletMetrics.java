package dev.nodeless.examples.kubelet;

import dev.nodeless.PodLauncher;
import dev.nodeless.PodPhases;
import dev.nodeless.PodRef;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The kubelet's Prometheus metrics: pods by phase, launch latency, provider calls and errors, and
 * open log streams. Served by {@code GET /metrics}.
 */
final class KubeletMetrics {
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  private static final List<String> PHASES =
      List.of(
          PodPhases.PENDING,
          PodPhases.RUNNING,
          PodPhases.SUCCEEDED,
          PodPhases.FAILED,
          PodPhases.UNKNOWN);

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Timer launchLatency;
  private final AtomicInteger logStreams = new AtomicInteger();

  KubeletMetrics() {
    launchLatency =
        Timer.builder("nodeless.kubelet.pod.launch.duration")
            .description("Time from the launch request to the pod's first Running status")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(10))
            .maximumExpectedValue(Duration.ofMinutes(10))
            .register(registry);
    for (String operation : List.of("launch", "terminate", "list")) {
      // Registered up front, so that a scrape shows 0 before the first call or error.
      counter("nodeless.kubelet.provider.calls", "Calls to the provider", operation);
      counter("nodeless.kubelet.provider.errors", "Failed calls to the provider", operation);
    }
    Gauge.builder("nodeless.kubelet.log.streams", logStreams, AtomicInteger::get)
        .description("Container log streams being served")
        .register(registry);
  }

  /** Registers one gauge per phase that counts the launcher's pods in that phase. */
  void bindPods(PodLauncher launcher) {
    for (String phase : PHASES) {
      Gauge.builder("nodeless.kubelet.pods", () -> countByPhase(launcher).getOrDefault(phase, 0))
          .description("Pods tracked by the provider, by phase")
          .tag("phase", phase)
          .register(registry);
    }
  }

  private static Map<String, Integer> countByPhase(PodLauncher launcher) {
    Map<String, Integer> counts = new HashMap<>();
    for (PodRef ref : launcher.list()) {
      String phase = launcher.status(ref).map(PodStatus::getPhase).orElse(PodPhases.UNKNOWN);
      counts.merge(phase, 1, Integer::sum);
    }
    return counts;
  }

  void recordLaunch(Duration elapsed) {
    launchLatency.record(elapsed);
  }

  /** Counts one call to the provider, such as {@code launch} or {@code terminate}. */
  void providerCall(String operation) {
    counter("nodeless.kubelet.provider.calls", "Calls to the provider", operation).increment();
  }

  void providerError(String operation) {
    counter("nodeless.kubelet.provider.errors", "Failed calls to the provider", operation)
        .increment();
  }

  double providerCalls(String operation) {
    return counter("nodeless.kubelet.provider.calls", "Calls to the provider", operation).count();
  }

  void logStreamOpened() {
    logStreams.incrementAndGet();
  }

  void logStreamClosed() {
    logStreams.decrementAndGet();
  }

  int openLogStreams() {
    return logStreams.get();
  }

  long launchCount() {
    return launchLatency.count();
  }

  String scrape() {
    return registry.scrape();
  }

  private Counter counter(String name, String description, String operation) {
    return Counter.builder(name)
        .description(description)
        .tag("operation", operation)
        .register(registry);
  }
}
