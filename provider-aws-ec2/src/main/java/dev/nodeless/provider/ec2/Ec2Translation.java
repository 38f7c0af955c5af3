package dev.nodeless.provider.ec2;

import dev.nodeless.plan.PriceSource;
import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;
import software.amazon.awssdk.services.ec2.model.RunInstancesRequest;

/**
 * A pod translated into one EC2 launch.
 *
 * @param request the RunInstances request; it has no user data, which the EC2 provider adds at
 *     launch
 * @param redactedJson the request as JSON, with any secret member replaced by {@code <redacted>}
 * @param region the region priced
 * @param instanceType the chosen type, such as {@code m7g.large}
 * @param spot whether the request asks for spot capacity
 * @param hourlyUsd the estimated price per hour: the spot or on-demand price plus, for a burstable
 *     type, the surplus-credit charge at the pod's CPU request
 * @param priceSource where the price came from
 * @param notes choices, roundings and fallbacks a user should read
 */
public record Ec2Translation(
    RunInstancesRequest request,
    String redactedJson,
    String region,
    String instanceType,
    boolean spot,
    BigDecimal hourlyUsd,
    PriceSource priceSource,
    List<String> notes) {

  public Ec2Translation {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(redactedJson, "redactedJson");
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(instanceType, "instanceType");
    Objects.requireNonNull(hourlyUsd, "hourlyUsd");
    Objects.requireNonNull(priceSource, "priceSource");
    notes = List.copyOf(notes);
  }
}
