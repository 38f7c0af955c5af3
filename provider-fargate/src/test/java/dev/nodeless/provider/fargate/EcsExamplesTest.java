package dev.nodeless.provider.fargate;

import static dev.nodeless.provider.fargate.Examples.pod;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.RunTaskRequest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Checks the generated requests against AWS's own ECS examples: the JSON writer reproduces an
 * example request exactly, and a generated request uses the same members, with the same values
 * where the pod means the same thing.
 */
class EcsExamplesTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static JsonNode examples;

  @BeforeAll
  static void readExamples() throws IOException {
    try (InputStream in = EcsExamplesTest.class.getResourceAsStream("/ecs/examples-1.json")) {
      examples = JSON.readTree(in).get("examples");
    }
  }

  private static JsonNode input(String operation) {
    return examples.get(operation).get(0).get("input");
  }

  @Test
  void writerReproducesTheRegisterTaskDefinitionExample() {
    JsonNode example = input("RegisterTaskDefinition");
    RegisterTaskDefinitionRequest request =
        SdkJsonReader.read(example, RegisterTaskDefinitionRequest.builder());
    assertThat(RequestJson.tree(request)).isEqualTo(example);
  }

  @Test
  void writerReproducesTheRunTaskExample() {
    JsonNode example = input("RunTask");
    RunTaskRequest request = SdkJsonReader.read(example, RunTaskRequest.builder());
    tools.jackson.databind.node.ObjectNode written = RequestJson.tree(request);
    // Like the SDK on the wire, the writer fills an unset idempotency token with a random UUID.
    assertThat(written.remove("clientToken").asString())
        .matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    assertThat(written).isEqualTo(example);
  }

  @Test
  void sleepPodMatchesTheExampleContainer() {
    // The example registers busybox running "sleep 360"; in a pod that is args, not command.
    FargateTranslation translation =
        Examples.translate(
            pod(new ContainerBuilder()
                    .withName("sleep")
                    .withImage("busybox")
                    .withArgs("sleep", "360")
                    .build())
                .build());
    JsonNode example = input("RegisterTaskDefinition").get("containerDefinitions").get(0);
    JsonNode generated =
        RequestJson.tree(translation.registerTaskDefinition()).get("containerDefinitions").get(0);
    for (String member : List.of("name", "image", "command", "essential")) {
      assertThat(generated.get(member)).as(member).isEqualTo(example.get(member));
    }
    // The example's cpu and memory (10 units, 10 MiB) are EC2 values; Fargate sizes the task.
    assertThat(example.get("cpu")).isNotNull();
    assertThat(generated.get("cpu")).isNull();
  }

  @Test
  void generatedRequestsReadBackIntoEqualSdkObjects() throws IOException {
    FargateTranslation translation =
        Examples.translate(
            pod(new ContainerBuilder()
                    .withName("web")
                    .withImage("wordpress")
                    .addNewPort()
                    .withContainerPort(80)
                    .endPort()
                    .addNewEnv()
                    .withName("WORDPRESS_DB_HOST")
                    .withValue("mysql")
                    .endEnv()
                    .build())
                .build());
    JsonNode definition = JSON.readTree(translation.registerTaskDefinitionJson());
    assertThat(SdkJsonReader.read(definition, RegisterTaskDefinitionRequest.builder()))
        .isEqualTo(translation.registerTaskDefinition());
    JsonNode runTask = JSON.readTree(translation.runTaskJson());
    assertThat(SdkJsonReader.read(runTask, RunTaskRequest.builder()))
        .isEqualTo(translation.runTask());
  }

  @Test
  void describedContainerUsesTheMembersWeGenerate() {
    // DescribeTaskDefinition returns containers as ECS stores them; ours must use the same names.
    JsonNode described =
        examples.get("DescribeTaskDefinition").get(0).get("output").get("taskDefinition");
    List<String> members = new ArrayList<>();
    described.get("containerDefinitions").get(0).properties().forEach(e -> members.add(e.getKey()));
    List<String> known =
        ContainerDefinition.builder().build().sdkFields().stream()
            .map(f -> f.locationName())
            .toList();
    assertThat(known).containsAll(members);

    FargateTranslation translation =
        Examples.translate(
            pod(new ContainerBuilder()
                    .withName("wordpress")
                    .withImage("wordpress")
                    .addNewPort()
                    .withContainerPort(80)
                    .endPort()
                    .build())
                .build());
    JsonNode generated =
        RequestJson.tree(translation.registerTaskDefinition()).get("containerDefinitions").get(0);
    JsonNode example = described.get("containerDefinitions").get(0);
    assertThat(generated.get("name")).isEqualTo(example.get("name"));
    assertThat(generated.get("image")).isEqualTo(example.get("image"));
    assertThat(generated.get("essential")).isEqualTo(example.get("essential"));
    assertThat(generated.get("portMappings").get(0).get("containerPort"))
        .isEqualTo(example.get("portMappings").get(0).get("containerPort"));
  }
}
