package dev.nodeless.provider.fargate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeless.testing.Fixtures;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Compares the requests for three fixture pods with reviewed JSON under {@code
 * src/test/resources/golden}: a native sidecar sharing an emptyDir, a secret volume written by the
 * file writer, and downward API files sent in the RunTask override. After an intended change,
 * regenerate with {@code -Dgolden.update=true}, review the diff and commit it.
 */
class GoldenRequestsTest {
  private static final Path GOLDEN = Path.of("src/test/resources/golden");
  private static final JsonMapper PRETTY =
      JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  @ParameterizedTest
  @ValueSource(
      strings = {
        "application/deployment-sidecar.yaml",
        "pods/inject/secret-pod.yaml",
        "pods/inject/dapi-volume.yaml"
      })
  void requestsMatchTheReviewedJson(String fixture) throws IOException {
    Pod pod = Fixtures.pod(fixture);
    FargateTranslation translation =
        Examples.TRANSLATOR.translate(
            TestPods.resolve(pod, FargateFixturesTest.OBJECTS), Examples.SETTINGS);
    String name = fixture.substring(fixture.lastIndexOf('/') + 1).replace(".yaml", "");
    check(
        GOLDEN.resolve(name + ".register-task-definition.json"),
        translation.registerTaskDefinitionJson());
    check(GOLDEN.resolve(name + ".run-task.json"), translation.runTaskJson());
  }

  /** Compares indented JSON, so that the files stay readable and diffs stay small. */
  private static void check(Path file, String actual) throws IOException {
    String json = PRETTY.writeValueAsString(PRETTY.readTree(actual)) + "\n";
    if (Boolean.getBoolean("golden.update")) {
      Files.writeString(file, json, StandardCharsets.UTF_8);
    }
    assertThat(json).as(file.toString()).isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
  }
}
