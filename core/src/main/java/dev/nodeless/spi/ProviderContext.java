package dev.nodeless.spi;

import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What the launcher gives a provider it creates. The launcher owns the scheduler and shuts it down
 * after closing the provider; a provider must not shut it down itself.
 *
 * @param settings provider settings as string key/value pairs, such as {@code
 *     local.stateDir=/tmp/nodeless}
 * @param statusSink where the provider reports status changes
 * @param scheduler a small shared scheduler for timers (probes, back-off, grace periods); blocking
 *     work must run elsewhere
 * @param clock the clock for every timestamp the provider writes
 */
public record ProviderContext(
    Map<String, String> settings,
    StatusSink statusSink,
    ScheduledExecutorService scheduler,
    Clock clock) {

  public ProviderContext {
    settings = Map.copyOf(settings);
    Objects.requireNonNull(statusSink, "statusSink");
    Objects.requireNonNull(scheduler, "scheduler");
    Objects.requireNonNull(clock, "clock");
  }

  public Optional<String> setting(String key) {
    return Optional.ofNullable(settings.get(key));
  }
}
