package dev.nodeless.testing;

import dev.nodeless.LogOptions;
import dev.nodeless.PodNotFoundException;
import dev.nodeless.PodRef;
import dev.nodeless.ValidationProblem;
import dev.nodeless.spi.DownwardFacts;
import dev.nodeless.spi.OwnedPod;
import dev.nodeless.spi.PodProvider;
import dev.nodeless.spi.ResolvedPod;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A test double of the provider SPI that starts nothing and records every call, for tests of what
 * the launcher hands to a provider. Thread-safe.
 */
public final class RecordingProvider implements PodProvider {
  private final DownwardFacts facts;
  private final List<ResolvedPod> validated = new CopyOnWriteArrayList<>();
  private final List<ResolvedPod> launched = new CopyOnWriteArrayList<>();
  private final List<Termination> terminated = new CopyOnWriteArrayList<>();
  private final List<OwnedPod> owned = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  public RecordingProvider(DownwardFacts facts) {
    this.facts = facts;
  }

  /**
   * A provider that reports a node name, host and pod addresses, and allocatable 4 cores and 8 GiB.
   */
  public static RecordingProvider withFacts() {
    return new RecordingProvider(
        new DownwardFacts(
            "recording-node",
            "10.0.0.1",
            "10.0.0.2",
            Map.of(
                "cpu", new java.math.BigDecimal("4"),
                "memory", new java.math.BigDecimal(8L << 30))));
  }

  @Override
  public String name() {
    return "recording";
  }

  @Override
  public DownwardFacts downwardFacts() {
    return facts;
  }

  @Override
  public List<ValidationProblem> validate(ResolvedPod pod) {
    validated.add(pod);
    return List.of();
  }

  @Override
  public CompletableFuture<Void> launch(ResolvedPod pod) {
    launched.add(pod);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletableFuture<Void> terminate(PodRef pod, Duration gracePeriod) {
    terminated.add(new Termination(pod, gracePeriod));
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public InputStream logs(PodRef pod, String container, LogOptions options) {
    throw new PodNotFoundException(pod, "the recording provider keeps no logs");
  }

  @Override
  public CompletableFuture<List<OwnedPod>> list() {
    return CompletableFuture.completedFuture(List.copyOf(owned));
  }

  /** Makes {@link #list()} report this pod as already owned, as after a launcher restart. */
  public RecordingProvider own(OwnedPod pod) {
    owned.add(pod);
    return this;
  }

  @Override
  public void close() {
    closed = true;
  }

  /** Pods passed to {@link #validate}, in call order. */
  public List<ResolvedPod> validated() {
    return List.copyOf(validated);
  }

  /** Pods passed to {@link #launch}, in call order. */
  public List<ResolvedPod> launched() {
    return List.copyOf(launched);
  }

  /** Calls of {@link #terminate}, in call order. */
  public List<Termination> terminated() {
    return List.copyOf(terminated);
  }

  /** One recorded {@link #terminate} call. */
  public record Termination(PodRef pod, Duration gracePeriod) {}

  public boolean closed() {
    return closed;
  }
}
