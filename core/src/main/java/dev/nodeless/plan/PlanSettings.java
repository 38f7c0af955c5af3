package dev.nodeless.plan;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Settings for planning: the region and provider-specific options as string pairs (such as {@code
 * ec2.spot=true} or {@code fargate.platformVersion=1.4.0}). Each provider documents its keys.
 */
public record PlanSettings(String region, Map<String, String> options) {

  public PlanSettings {
    Objects.requireNonNull(region, "region");
    options = Map.copyOf(options);
  }

  public static PlanSettings of(String region) {
    return new PlanSettings(region, Map.of());
  }

  public Optional<String> option(String key) {
    return Optional.ofNullable(options.get(key));
  }
}
