package dev.nodeless.provider.ec2;

import dev.nodeless.PodRef;
import dev.nodeless.provider.ec2.internal.Burstable;
import dev.nodeless.provider.ec2.internal.InstanceType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.ec2.model.BlockDeviceMapping;
import software.amazon.awssdk.services.ec2.model.CreditSpecificationRequest;
import software.amazon.awssdk.services.ec2.model.EbsBlockDevice;
import software.amazon.awssdk.services.ec2.model.HttpTokensState;
import software.amazon.awssdk.services.ec2.model.IamInstanceProfileSpecification;
import software.amazon.awssdk.services.ec2.model.InstanceInterruptionBehavior;
import software.amazon.awssdk.services.ec2.model.InstanceMarketOptionsRequest;
import software.amazon.awssdk.services.ec2.model.InstanceMetadataEndpointState;
import software.amazon.awssdk.services.ec2.model.InstanceMetadataOptionsRequest;
import software.amazon.awssdk.services.ec2.model.InstanceNetworkInterfaceSpecification;
import software.amazon.awssdk.services.ec2.model.MarketType;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.RunInstancesRequest;
import software.amazon.awssdk.services.ec2.model.SpotInstanceType;
import software.amazon.awssdk.services.ec2.model.SpotMarketOptions;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;
import software.amazon.awssdk.services.ec2.model.VolumeType;

/** Assembles the RunInstances request of one pod from choices already made. */
final class LaunchRequests {
  /** EC2 accepts client tokens of up to 64 ASCII characters. */
  static final int MAX_CLIENT_TOKEN_LENGTH = 64;

  private static final String TOKEN_PREFIX = "nodeless-";
  private static final Pattern TOKEN_SAFE = Pattern.compile("[A-Za-z0-9-]+");

  private LaunchRequests() {}

  /** Choices that go into the request. */
  record Launch(
      PodRef pod,
      InstanceType type,
      String imageId,
      Optional<String> subnetId,
      int rootVolumeGiB,
      boolean unlimitedCredits,
      List<Tag> tags) {}

  static RunInstancesRequest runInstances(Launch launch, Ec2Settings settings) {
    InstanceNetworkInterfaceSpecification.Builder network =
        InstanceNetworkInterfaceSpecification.builder()
            .deviceIndex(0)
            .associatePublicIpAddress(settings.associatePublicIp())
            .deleteOnTermination(true);
    launch.subnetId().ifPresent(network::subnetId);
    if (!settings.securityGroupIds().isEmpty()) {
      network.groups(settings.securityGroupIds());
    }

    RunInstancesRequest.Builder request =
        RunInstancesRequest.builder()
            .clientToken(clientToken(launch.pod().uid()))
            .minCount(1)
            .maxCount(1)
            .imageId(launch.imageId())
            .instanceType(launch.type().name())
            .networkInterfaces(network.build())
            .metadataOptions(
                InstanceMetadataOptionsRequest.builder()
                    .httpEndpoint(InstanceMetadataEndpointState.ENABLED)
                    .httpTokens(HttpTokensState.REQUIRED)
                    .httpPutResponseHopLimit(1)
                    .build())
            .blockDeviceMappings(
                BlockDeviceMapping.builder()
                    .deviceName(settings.rootDeviceName())
                    .ebs(
                        EbsBlockDevice.builder()
                            .volumeSize(launch.rootVolumeGiB())
                            .volumeType(VolumeType.GP3)
                            .encrypted(true)
                            .deleteOnTermination(true)
                            .build())
                    .build())
            .tagSpecifications(
                tagged(ResourceType.INSTANCE, launch.tags()),
                tagged(ResourceType.VOLUME, launch.tags()),
                tagged(ResourceType.NETWORK_INTERFACE, launch.tags()));

    settings.instanceProfile().ifPresent(profile -> request.iamInstanceProfile(profile(profile)));
    if (Burstable.isBurstable(launch.type())) {
      request.creditSpecification(
          CreditSpecificationRequest.builder()
              .cpuCredits(launch.unlimitedCredits() ? "unlimited" : "standard")
              .build());
    }
    if (settings.spot()) {
      request.instanceMarketOptions(
          InstanceMarketOptionsRequest.builder()
              .marketType(MarketType.SPOT)
              .spotOptions(
                  SpotMarketOptions.builder()
                      .spotInstanceType(SpotInstanceType.ONE_TIME)
                      .instanceInterruptionBehavior(InstanceInterruptionBehavior.TERMINATE)
                      .build())
              .build());
    }
    return request.build();
  }

  /**
   * Derives the idempotency token from the pod UID: {@code nodeless-<uid>} when the UID is short
   * and made of letters, digits and dashes (every Kubernetes UID is), else {@code nodeless-} and
   * the first 55 hex digits of the UID's SHA-256.
   */
  static String clientToken(String uid) {
    // TODO: add the launch attempt once the EC2 provider retries with another type, because EC2
    // rejects a reused token whose parameters differ (IdempotentParameterMismatch).
    if (TOKEN_SAFE.matcher(uid).matches()
        && TOKEN_PREFIX.length() + uid.length() <= MAX_CLIENT_TOKEN_LENGTH) {
      return TOKEN_PREFIX + uid;
    }
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(uid.getBytes(StandardCharsets.UTF_8));
      String hex = HexFormat.of().formatHex(digest);
      return TOKEN_PREFIX + hex.substring(0, MAX_CLIENT_TOKEN_LENGTH - TOKEN_PREFIX.length());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private static IamInstanceProfileSpecification profile(String profile) {
    IamInstanceProfileSpecification.Builder builder = IamInstanceProfileSpecification.builder();
    return (profile.contains(":") ? builder.arn(profile) : builder.name(profile)).build();
  }

  private static TagSpecification tagged(ResourceType type, List<Tag> tags) {
    return TagSpecification.builder().resourceType(type).tags(tags).build();
  }
}
