package dev.nodeless.provider.fargate;

import static dev.nodeless.provider.fargate.Examples.container;
import static dev.nodeless.provider.fargate.Examples.pod;
import static dev.nodeless.provider.fargate.Examples.problems;
import static dev.nodeless.provider.fargate.Examples.settings;
import static dev.nodeless.provider.fargate.Examples.translate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nodeless.PodValidationException;
import dev.nodeless.ValidationProblem;
import dev.nodeless.plan.PlacementChooser;
import dev.nodeless.plan.PlacementPlanner;
import dev.nodeless.plan.PlanSettings;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.AwsVpcConfiguration;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.RunTaskRequest;
import software.amazon.awssdk.services.ecs.model.Tag;

class RunTaskTest {

  @Test
  void runTaskCarriesIdempotencyAndNetwork() {
    FargateTranslation translation = translate(pod(container("app").build()).build());
    RunTaskRequest runTask = translation.runTask();
    assertThat(runTask.cluster()).isEqualTo("pods");
    assertThat(runTask.taskDefinition()).isEqualTo(translation.family());
    assertThat(runTask.count()).isEqualTo(1);
    assertThat(runTask.clientToken()).isEqualTo("0b7e1f7c-1d2e-4c55-9a0e-5d3f2b1a9c11");
    assertThat(runTask.startedBy()).isEqualTo("0b7e1f7c-1d2e-4c55-9a0e-5d3f2b1a9c11");
    assertThat(runTask.launchType()).isNull();
    assertThat(runTask.capacityProviderStrategy())
        .singleElement()
        .satisfies(item -> assertThat(item.capacityProvider()).isEqualTo("FARGATE"));
    assertThat(runTask.platformVersion()).isEqualTo("1.4.0");
    assertThat(runTask.enableExecuteCommand()).isFalse();
    assertThat(runTask.propagateTagsAsString()).isEqualTo("TASK_DEFINITION");
    AwsVpcConfiguration network = runTask.networkConfiguration().awsvpcConfiguration();
    assertThat(network.subnets()).containsExactly("subnet-0a1b2c3d", "subnet-4e5f6a7b");
    assertThat(network.securityGroups()).containsExactly("sg-0a1b2c3d");
    assertThat(network.assignPublicIpAsString()).isEqualTo("DISABLED");
  }

  @Test
  void taskDefinitionIsFargateAwsvpcWithRoles() {
    RegisterTaskDefinitionRequest definition =
        translate(
                pod(container("app").build()).build(),
                settings("fargate.taskRoleArn", "arn:aws:iam::123456789012:role/app"))
            .registerTaskDefinition();
    assertThat(definition.networkModeAsString()).isEqualTo("awsvpc");
    assertThat(definition.requiresCompatibilitiesAsStrings()).containsExactly("FARGATE");
    assertThat(definition.executionRoleArn()).isEqualTo(Examples.EXECUTION_ROLE);
    assertThat(definition.taskRoleArn()).isEqualTo("arn:aws:iam::123456789012:role/app");
    assertThat(definition.runtimePlatform().operatingSystemFamilyAsString()).isEqualTo("LINUX");
    assertThat(definition.cpu()).isEqualTo("256");
    assertThat(definition.memory()).isEqualTo("512");
    assertThat(definition.family()).matches("nodeless-test-app-[0-9a-f]{16}");
  }

  @Test
  void publicIpSpotAndPlatformVersionFollowSettings() {
    RunTaskRequest runTask =
        translate(
                pod(container("app").build()).build(),
                settings(
                    "fargate.assignPublicIp", "true",
                    "fargate.spot", "true",
                    "fargate.platformVersion", "LATEST",
                    "fargate.securityGroupIds", null))
            .runTask();
    assertThat(runTask.networkConfiguration().awsvpcConfiguration().assignPublicIpAsString())
        .isEqualTo("ENABLED");
    assertThat(runTask.networkConfiguration().awsvpcConfiguration().hasSecurityGroups()).isFalse();
    assertThat(runTask.capacityProviderStrategy().get(0).capacityProvider())
        .isEqualTo("FARGATE_SPOT");
    assertThat(runTask.platformVersion()).isEqualTo("LATEST");
  }

  @Test
  void tagsNameOwnerPodAndLabels() {
    Pod pod =
        pod(container("app").build())
            .editMetadata()
            .addToLabels("app.kubernetes.io/name", "web")
            .endMetadata()
            .build();
    FargateTranslation translation = translate(pod);
    assertThat(translation.registerTaskDefinition().tags())
        .extracting(Tag::key, Tag::value)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("nodeless.dev/managed-by", "nodeless"),
            org.assertj.core.groups.Tuple.tuple("nodeless.dev/cluster-id", "test"));
    assertThat(translation.runTask().tags())
        .extracting(Tag::key, Tag::value)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("nodeless.dev/pod-namespace", "shop"),
            org.assertj.core.groups.Tuple.tuple("nodeless.dev/pod-name", "web-0"),
            org.assertj.core.groups.Tuple.tuple(
                "nodeless.dev/pod-uid", "0b7e1f7c-1d2e-4c55-9a0e-5d3f2b1a9c11"),
            org.assertj.core.groups.Tuple.tuple("app", "web"),
            org.assertj.core.groups.Tuple.tuple("app.kubernetes.io/name", "web"));
  }

  @Test
  void labelsBeyondTagLimitAreNoted() {
    Map<String, String> labels = new HashMap<>();
    for (int i = 0; i < 60; i++) {
      labels.put(String.format("label-%02d", i), "v");
    }
    labels.put("nodeless.dev/pod-uid", "spoofed");
    Pod pod = pod(container("app").build()).editMetadata().withLabels(labels).endMetadata().build();
    FargateTranslation translation = translate(pod);
    List<Tag> tags = translation.runTask().tags();
    assertThat(tags).hasSize(48);
    assertThat(tags)
        .filteredOn(tag -> tag.key().equals("nodeless.dev/pod-uid"))
        .extracting(Tag::value)
        .containsExactly("0b7e1f7c-1d2e-4c55-9a0e-5d3f2b1a9c11");
    assertThat(translation.notes())
        .anyMatch(
            note -> note.startsWith("labels not copied to task tags") && note.contains("label-59"));
  }

  @Test
  void longUidBecomesADigestWithinEcsLimits() {
    String uid = "u".repeat(80);
    Pod pod = pod(container("app").build()).editMetadata().withUid(uid).endMetadata().build();
    RunTaskRequest runTask = translate(pod).runTask();
    assertThat(runTask.clientToken()).hasSize(64).matches("[0-9a-f]+");
    assertThat(runTask.startedBy()).hasSize(36).matches("[0-9a-f]+");
  }

  @Test
  void familyFitsEcsRulesForAnyClusterId() {
    Pod pod = pod(container("a".repeat(63)).build()).build();
    String family =
        translate(pod, settings("fargate.clusterId", "Prod EU/1 " + "x".repeat(200))).family();
    assertThat(family).hasSize(255).matches("[A-Za-z0-9_-]+");
  }

  @Test
  void invalidSettingsAreAllReported() {
    PlanSettings settings =
        new PlanSettings(
            "us-east-1",
            Map.of(
                "fargate.assignPublicIp", "maybe",
                "fargate.spot", "yes",
                "fargate.platformVersion", "1.4",
                "fargate.executionRoleArn", "role/exec",
                "fargate.sizing", "big",
                "fargate.securityGroupIds", "default",
                "fargate.subnetId", "subnet-1"));
    List<ValidationProblem> problems = problems(pod(container("app").build()).build(), settings);
    assertThat(problems)
        .extracting(ValidationProblem::fieldPath)
        .containsExactlyInAnyOrder(
            "fargate.assignPublicIp",
            "fargate.spot",
            "fargate.platformVersion",
            "fargate.executionRoleArn",
            "fargate.sizing",
            "fargate.subnetIds",
            "fargate.securityGroupIds",
            "fargate.subnetId");
    assertThatThrownBy(() -> FargateSettings.from(settings))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("fargate.subnetId = \"subnet-1\": is not a Fargate setting");
  }

  @Test
  void settingsParseIntoTypedValues() {
    FargateSettings settings = FargateSettings.from(Examples.SETTINGS);
    assertThat(settings.subnetIds()).containsExactly("subnet-0a1b2c3d", "subnet-4e5f6a7b");
    assertThat(settings.cluster()).isEqualTo("pods");
    assertThat(settings.clusterId()).isEqualTo("test");
    assertThat(settings.assignPublicIp()).isFalse();
    assertThat(settings.spot()).isFalse();
    assertThat(settings.sizing()).isEqualTo(FargateSettings.Sizing.EKS);
  }

  @Test
  void translateThrowsWithEveryProblem() {
    Pod pod = pod(container("app").build()).editSpec().withHostNetwork(true).endSpec().build();
    assertThatThrownBy(() -> translate(pod, settings("fargate.subnetIds", null)))
        .isInstanceOf(PodValidationException.class)
        .hasMessageContaining("spec.hostNetwork")
        .hasMessageContaining("fargate.subnetIds");
  }

  @Test
  void logGroupEnablesAwslogs() {
    FargateTranslation translation =
        translate(
            pod(container("app").build()).build(), settings("fargate.logGroup", "/nodeless/pods"));
    var logs = Examples.definition(translation, "app").logConfiguration();
    assertThat(logs.logDriverAsString()).isEqualTo("awslogs");
    assertThat(logs.options())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "awslogs-group", "/nodeless/pods",
                "awslogs-region", "us-east-1",
                "awslogs-stream-prefix", "nodeless"));
  }

  @Test
  void plannerIsFoundByServiceLoader() {
    PlacementChooser chooser = PlacementChooser.discover();
    assertThat(chooser.planners()).extracting(PlacementPlanner::provider).contains("fargate");
  }
}
