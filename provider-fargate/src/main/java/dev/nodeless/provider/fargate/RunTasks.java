package dev.nodeless.provider.fargate;

import dev.nodeless.PodRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.ecs.model.AssignPublicIp;
import software.amazon.awssdk.services.ecs.model.AwsVpcConfiguration;
import software.amazon.awssdk.services.ecs.model.CapacityProviderStrategyItem;
import software.amazon.awssdk.services.ecs.model.PropagateTags;
import software.amazon.awssdk.services.ecs.model.RunTaskRequest;
import software.amazon.awssdk.services.ecs.model.Tag;
import software.amazon.awssdk.services.ecs.model.TaskOverride;

/**
 * The RunTask request and the tags of task definitions and tasks.
 *
 * <p>Tags: the task definition carries the owner tags ({@code nodeless.dev/managed-by} and {@code
 * nodeless.dev/cluster-id}), which RunTask copies onto the task ({@code propagateTags
 * TASK_DEFINITION}); RunTask adds the pod's namespace, name and UID and its labels. ECS allows 50
 * tags per resource, keys up to 128 and values up to 256 characters, and reserves the {@code aws:}
 * prefix; labels that do not fit are left out with a note.
 */
final class RunTasks {
  static final String MANAGED_BY = "nodeless.dev/managed-by";
  static final String CLUSTER_ID = "nodeless.dev/cluster-id";
  static final String POD_NAMESPACE = "nodeless.dev/pod-namespace";
  static final String POD_NAME = "nodeless.dev/pod-name";
  static final String POD_UID = "nodeless.dev/pod-uid";

  static final int MAX_TAGS = 50;
  static final int MAX_TAG_KEY = 128;
  static final int MAX_TAG_VALUE = 256;
  static final int MAX_CLIENT_TOKEN = 64;
  static final int MAX_STARTED_BY = 36;

  private static final Pattern STARTED_BY = Pattern.compile("[A-Za-z0-9/_-]{1,36}");
  private static final Pattern CLIENT_TOKEN = Pattern.compile("[\\x21-\\x7e]{1,64}");

  private RunTasks() {}

  /** Tags of the task definition, shared by every pod that uses it. */
  static List<Tag> definitionTags(Context context) {
    String clusterId = context.settings.clusterId();
    if (clusterId.length() > MAX_TAG_VALUE) {
      context.problem(
          FargateSettings.CLUSTER_ID,
          clusterId,
          "ECS tag values hold at most " + MAX_TAG_VALUE + " characters",
          "use a shorter cluster id");
    }
    return List.of(tag(MANAGED_BY, "nodeless"), tag(CLUSTER_ID, clusterId));
  }

  /** Tags that RunTask sets on the task, next to the two it copies from the definition. */
  static List<Tag> taskTags(Context context) {
    PodRef ref = context.pod.ref();
    List<Tag> tags = new ArrayList<>();
    tags.add(tag(POD_NAMESPACE, ref.namespace()));
    tags.add(tag(POD_NAME, ref.name()));
    tags.add(tag(POD_UID, ref.uid()));
    Map<String, String> labels = context.pod.pod().getMetadata().getLabels();
    if (labels == null) {
      return tags;
    }
    int room = MAX_TAGS - definitionTags(context).size() - tags.size();
    List<String> skipped = new ArrayList<>();
    for (Map.Entry<String, String> label : new TreeMap<>(labels).entrySet()) {
      String key = label.getKey();
      String value = label.getValue() == null ? "" : label.getValue();
      boolean reserved =
          key.toLowerCase(Locale.ROOT).startsWith("aws:") || key.startsWith("nodeless.dev/");
      if (reserved || key.length() > MAX_TAG_KEY || value.length() > MAX_TAG_VALUE || room == 0) {
        skipped.add(key);
        continue;
      }
      tags.add(tag(key, value));
      room--;
    }
    if (!skipped.isEmpty()) {
      context.note(
          "labels not copied to task tags (reserved prefix, too long, or beyond ECS's "
              + MAX_TAGS
              + " tags): "
              + String.join(", ", skipped));
    }
    return tags;
  }

  static RunTaskRequest request(
      String family, PlatformVersion platformVersion, TaskOverride overrides, Context context) {
    FargateSettings settings = context.settings;
    AwsVpcConfiguration.Builder network =
        AwsVpcConfiguration.builder()
            .subnets(settings.subnetIds())
            .assignPublicIp(
                settings.assignPublicIp() ? AssignPublicIp.ENABLED : AssignPublicIp.DISABLED);
    if (!settings.securityGroupIds().isEmpty()) {
      network.securityGroups(settings.securityGroupIds());
    } else {
      context.note(
          FargateSettings.SECURITY_GROUP_IDS
              + " is not set: the task gets the VPC's default"
              + " security group");
    }
    RunTaskRequest.Builder request =
        RunTaskRequest.builder()
            .cluster(settings.cluster())
            .taskDefinition(family)
            .count(1)
            .capacityProviderStrategy(
                CapacityProviderStrategyItem.builder()
                    .capacityProvider(settings.spot() ? "FARGATE_SPOT" : "FARGATE")
                    .weight(1)
                    .build())
            .platformVersion(platformVersion.text())
            .networkConfiguration(n -> n.awsvpcConfiguration(network.build()))
            .clientToken(clientToken(context.pod.ref().uid()))
            .startedBy(startedBy(context.pod.ref().uid()))
            .tags(taskTags(context))
            .propagateTags(PropagateTags.TASK_DEFINITION)
            .enableECSManagedTags(true)
            .enableExecuteCommand(false);
    if (overrides != null) {
      request.overrides(overrides);
    }
    return request.build();
  }

  /**
   * Returns the pod UID when it is a valid token, else a digest of it, so RunTask retries stay
   * idempotent.
   */
  static String clientToken(String uid) {
    return CLIENT_TOKEN.matcher(uid).matches() ? uid : Hashes.sha256(MAX_CLIENT_TOKEN, uid);
  }

  /** Returns the pod UID when ECS accepts it as {@code startedBy}, else a digest of it. */
  static String startedBy(String uid) {
    return STARTED_BY.matcher(uid).matches() ? uid : Hashes.sha256(MAX_STARTED_BY, uid);
  }

  private static Tag tag(String key, String value) {
    return Tag.builder().key(key).value(value).build();
  }
}
