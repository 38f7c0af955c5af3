package dev.nodeless.provider.fargate;

import static dev.nodeless.provider.fargate.Examples.container;
import static dev.nodeless.provider.fargate.Examples.definition;
import static dev.nodeless.provider.fargate.Examples.pod;
import static dev.nodeless.provider.fargate.Examples.problems;
import static dev.nodeless.provider.fargate.Examples.settings;
import static dev.nodeless.provider.fargate.Examples.translate;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeless.ValidationProblem;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.MountPoint;

class VolumeAndSecretTest {
  private static final String PASSWORD = "s3cr3t-Value!";

  private static final Secret DB =
      new SecretBuilder()
          .withNewMetadata()
          .withName("db")
          .withNamespace("shop")
          .endMetadata()
          .withStringData(Map.of("password", PASSWORD, "user", "app"))
          .build();

  private static final ConfigMap SETTINGS_MAP =
      new ConfigMapBuilder()
          .withNewMetadata()
          .withName("web-config")
          .withNamespace("shop")
          .endMetadata()
          .withData(Map.of("nginx.conf", "worker_processes 1;\n", "empty", ""))
          .build();

  @Test
  void secretEnvReferencesAnSsmParameterByArn() {
    Pod pod =
        pod(container("app")
                .addNewEnv()
                .withName("DB_PASSWORD")
                .withNewValueFrom()
                .withNewSecretKeyRef("password", "db", false)
                .endValueFrom()
                .endEnv()
                .build())
            .build();
    FargateTranslation translation = translate(pod, Examples.SETTINGS, DB);
    ContainerDefinition app = definition(translation, "app");
    assertThat(app.environment()).isEmpty();
    assertThat(app.secrets())
        .singleElement()
        .satisfies(
            secret -> {
              assertThat(secret.name()).isEqualTo("DB_PASSWORD");
              assertThat(secret.valueFrom())
                  .isEqualTo(
                      "arn:aws:ssm:us-east-1:123456789012:parameter/nodeless/test/shop/db/password");
            });
    assertThat(translation.secretParameters())
        .singleElement()
        .satisfies(
            parameter -> {
              assertThat(parameter.name()).isEqualTo("/nodeless/test/shop/db/password");
              assertThat(parameter.perPod()).isFalse();
              assertThat(parameter.encoding()).isEqualTo(SecretParameter.Encoding.TEXT);
              assertThat(parameter.valueIn(TestPods.resolve(pod, List.of(DB)))).isEqualTo(PASSWORD);
            });
    assertThat(translation.registerTaskDefinitionJson()).doesNotContain(PASSWORD);
    assertThat(translation.runTaskJson()).doesNotContain(PASSWORD);
  }

  @Test
  void envFromSecretStripsPrefix() {
    Pod pod =
        pod(container("app")
                .addNewEnvFrom()
                .withPrefix("DB_")
                .withNewSecretRef("db", false)
                .endEnvFrom()
                .build())
            .build();
    FargateTranslation translation = translate(pod, Examples.SETTINGS, DB);
    assertThat(translation.secretParameters())
        .extracting(SecretParameter::name)
        .containsExactlyInAnyOrder(
            "/nodeless/test/shop/db/password", "/nodeless/test/shop/db/user");
  }

  @Test
  void literalThatExpandsASecretIsASecretItself() {
    Pod pod =
        pod(container("app")
                .addNewEnv()
                .withName("DB_PASSWORD")
                .withNewValueFrom()
                .withNewSecretKeyRef("password", "db", false)
                .endValueFrom()
                .endEnv()
                .addNewEnv()
                .withName("DATABASE_URL")
                .withValue("postgres://app:$(DB_PASSWORD)@db:5432/shop")
                .endEnv()
                .build())
            .build();
    FargateTranslation translation = translate(pod, Examples.SETTINGS, DB);
    assertThat(definition(translation, "app").secrets())
        .extracting(secret -> secret.name())
        .containsExactly("DB_PASSWORD", "DATABASE_URL");
    SecretParameter url =
        translation.secretParameters().stream()
            .filter(parameter -> "DATABASE_URL".equals(parameter.variable()))
            .findFirst()
            .orElseThrow();
    assertThat(url.name()).startsWith("/nodeless/test/shop/expanded/");
    assertThat(url.valueIn(TestPods.resolve(pod, List.of(DB))))
        .isEqualTo("postgres://app:" + PASSWORD + "@db:5432/shop");
    assertThat(translation.registerTaskDefinitionJson()).doesNotContain(PASSWORD);
  }

  @Test
  void argsThatExpandASecretAreRejected() {
    Pod pod =
        pod(container("app")
                .addNewEnv()
                .withName("DB_PASSWORD")
                .withNewValueFrom()
                .withNewSecretKeyRef("password", "db", false)
                .endValueFrom()
                .endEnv()
                .withArgs("--password=$(DB_PASSWORD)")
                .build())
            .build();
    List<ValidationProblem> problems = problems(pod, Examples.SETTINGS, DB);
    assertThat(problems)
        .extracting(ValidationProblem::fieldPath)
        .containsExactly("spec.containers[0].args[0]");
    assertThat(problems.get(0).describe()).doesNotContain(PASSWORD);
  }

  @Test
  void secretsNeedAnExecutionRole() {
    Pod pod =
        pod(container("app")
                .addNewEnv()
                .withName("DB_PASSWORD")
                .withNewValueFrom()
                .withNewSecretKeyRef("password", "db", false)
                .endValueFrom()
                .endEnv()
                .build())
            .build();
    assertThat(problems(pod, settings("fargate.executionRoleArn", null), DB))
        .extracting(ValidationProblem::fieldPath)
        .containsExactly("fargate.executionRoleArn");
  }

  @Test
  void emptyDirBecomesASharedBindMount() {
    Pod pod =
        pod(
                container("app")
                    .addNewVolumeMount()
                    .withName("cache")
                    .withMountPath("/cache")
                    .endVolumeMount()
                    .build(),
                container("sidecar")
                    .addNewVolumeMount()
                    .withName("cache")
                    .withMountPath("/data")
                    .withReadOnly(true)
                    .endVolumeMount()
                    .build())
            .editSpec()
            .addNewVolume()
            .withName("cache")
            .withNewEmptyDir()
            .endEmptyDir()
            .endVolume()
            .endSpec()
            .build();
    FargateTranslation translation = translate(pod);
    assertThat(translation.registerTaskDefinition().volumes())
        .singleElement()
        .satisfies(
            volume -> {
              assertThat(volume.name()).isEqualTo("cache");
              assertThat(volume.host()).isNull();
            });
    assertThat(definition(translation, "app").mountPoints())
        .containsExactly(mount("cache", "/cache", false));
    assertThat(definition(translation, "sidecar").mountPoints())
        .containsExactly(mount("cache", "/data", true));
    // Root user: no writer container needed, and a note tells how to get one.
    assertThat(translation.registerTaskDefinition().containerDefinitions()).hasSize(2);
    assertThat(translation.notes())
        .anyMatch(note -> note.startsWith("emptyDir volumes are owned by root"));
  }

  @Test
  void nonRootUserGetsWritableEmptyDir() {
    Pod pod =
        pod(container("app")
                .addNewVolumeMount()
                .withName("cache")
                .withMountPath("/cache")
                .endVolumeMount()
                .build())
            .editSpec()
            .withNewSecurityContext()
            .withRunAsUser(1000L)
            .withFsGroup(2000L)
            .endSecurityContext()
            .addNewVolume()
            .withName("cache")
            .withNewEmptyDir()
            .endEmptyDir()
            .endVolume()
            .endSpec()
            .build();
    FargateTranslation translation = translate(pod);
    ContainerDefinition writer = definition(translation, FileWriter.CONTAINER_NAME);
    assertThat(writer.command().get(0))
        .contains("chmod 0777 '/nodeless/volumes/cache'")
        .contains("chgrp 2000 '/nodeless/volumes/cache'");
    assertThat(definition(translation, "app").user()).isEqualTo("1000");
  }

  @Test
  void fileWriterFillsConfigMapVolume() {
    Pod pod =
        pod(container("app")
                .addNewVolumeMount()
                .withName("config")
                .withMountPath("/etc/nginx")
                .endVolumeMount()
                .build())
            .editSpec()
            .addNewVolume()
            .withName("config")
            .withNewConfigMap()
            .withName("web-config")
            .withDefaultMode(0440)
            .endConfigMap()
            .endVolume()
            .endSpec()
            .build();
    FargateTranslation translation = translate(pod, Examples.SETTINGS, SETTINGS_MAP);
    List<ContainerDefinition> containers =
        translation.registerTaskDefinition().containerDefinitions();
    assertThat(containers)
        .extracting(ContainerDefinition::name)
        .containsExactly(FileWriter.CONTAINER_NAME, "app");
    ContainerDefinition writer = containers.get(0);
    assertThat(writer.essential()).isFalse();
    assertThat(writer.image()).isEqualTo(FargateSettings.DEFAULT_FILE_WRITER_IMAGE);
    assertThat(writer.entryPoint()).containsExactly("sh", "-c");
    assertThat(writer.mountPoints())
        .containsExactly(mount("config", "/nodeless/volumes/config", false));
    String script = writer.command().get(0);
    assertThat(script)
        .contains(
            "printf '%s' \"$NODELESS_FILE_1\" | base64 -d > '/nodeless/volumes/config/nginx.conf'")
        .contains("chmod 0440 '/nodeless/volumes/config/nginx.conf'")
        .contains(": > '/nodeless/volumes/config/empty'");
    assertThat(writer.environment())
        .containsExactly(
            KeyValuePair.builder()
                .name("NODELESS_FILE_1")
                .value(
                    Base64.getEncoder()
                        .encodeToString("worker_processes 1;\n".getBytes(StandardCharsets.UTF_8)))
                .build());
    ContainerDefinition app = containers.get(1);
    assertThat(app.mountPoints()).containsExactly(mount("config", "/etc/nginx", true));
    assertThat(app.dependsOn())
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.containerName()).isEqualTo(FileWriter.CONTAINER_NAME);
              assertThat(d.conditionAsString()).isEqualTo("SUCCESS");
            });
  }

  @Test
  void secretVolumeFilesTravelThroughSsmParameters() {
    Pod pod =
        pod(container("app")
                .addNewVolumeMount()
                .withName("creds")
                .withMountPath("/etc/creds")
                .endVolumeMount()
                .build())
            .editSpec()
            .addNewVolume()
            .withName("creds")
            .withNewSecret()
            .withSecretName("db")
            .endSecret()
            .endVolume()
            .endSpec()
            .build();
    FargateTranslation translation = translate(pod, Examples.SETTINGS, DB);
    ContainerDefinition writer = definition(translation, FileWriter.CONTAINER_NAME);
    assertThat(writer.environment()).isEmpty();
    assertThat(writer.secrets()).hasSize(2);
    assertThat(translation.secretParameters())
        .allSatisfy(
            parameter -> {
              assertThat(parameter.encoding()).isEqualTo(SecretParameter.Encoding.BASE64);
              assertThat(parameter.name()).startsWith("/nodeless/test/shop/files/");
              assertThat(parameter.volumeName()).isEqualTo("creds");
            });
    SecretParameter password =
        translation.secretParameters().stream()
            .filter(parameter -> parameter.path().equals("password"))
            .findFirst()
            .orElseThrow();
    String stored = password.valueIn(TestPods.resolve(pod, List.of(DB)));
    assertThat(new String(Base64.getDecoder().decode(stored), StandardCharsets.UTF_8))
        .isEqualTo(PASSWORD);
    assertThat(translation.registerTaskDefinitionJson())
        .doesNotContain(PASSWORD)
        .doesNotContain(
            Base64.getEncoder().encodeToString(PASSWORD.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void downwardApiFilesTravelInTheOverride() {
    Pod pod =
        pod(container("app")
                .addNewVolumeMount()
                .withName("podinfo")
                .withMountPath("/etc/podinfo")
                .endVolumeMount()
                .build())
            .editSpec()
            .addNewVolume()
            .withName("podinfo")
            .withNewDownwardAPI()
            .addNewItem()
            .withPath("name")
            .withNewFieldRef()
            .withFieldPath("metadata.name")
            .endFieldRef()
            .endItem()
            .endDownwardAPI()
            .endVolume()
            .endSpec()
            .build();
    FargateTranslation translation = translate(pod);
    assertThat(definition(translation, FileWriter.CONTAINER_NAME).environment()).isEmpty();
    assertThat(translation.runTask().overrides().containerOverrides())
        .singleElement()
        .satisfies(
            override -> {
              assertThat(override.name()).isEqualTo(FileWriter.CONTAINER_NAME);
              assertThat(override.environment())
                  .containsExactly(
                      KeyValuePair.builder()
                          .name("NODELESS_FILE_0")
                          .value(
                              Base64.getEncoder()
                                  .encodeToString("web-0".getBytes(StandardCharsets.UTF_8)))
                          .build());
            });
  }

  @Test
  void perPodEnvAndArgsGoToOverride() {
    Pod pod =
        pod(container("app")
                .addNewEnv()
                .withName("POD_NAME")
                .withNewValueFrom()
                .withNewFieldRef()
                .withFieldPath("metadata.name")
                .endFieldRef()
                .endValueFrom()
                .endEnv()
                .addNewEnv()
                .withName("MODE")
                .withValue("fast")
                .endEnv()
                .withArgs("--id=$(POD_NAME)", "--mode=$(MODE)")
                .build())
            .build();
    FargateTranslation translation = translate(pod);
    ContainerDefinition app = definition(translation, "app");
    assertThat(app.environment()).extracting(KeyValuePair::name).containsExactly("MODE");
    assertThat(app.command()).containsExactly("--id=$(POD_NAME)", "--mode=$(MODE)");
    assertThat(translation.runTask().overrides().containerOverrides())
        .singleElement()
        .satisfies(
            override -> {
              assertThat(override.environment())
                  .containsExactly(KeyValuePair.builder().name("POD_NAME").value("web-0").build());
              assertThat(override.command()).containsExactly("--id=web-0", "--mode=fast");
            });
  }

  @Test
  void overridesTooLargeMoveIntoTheDefinition() {
    String big = "x".repeat(9000);
    Pod pod =
        pod(container("app")
                .addNewEnv()
                .withName("POD_NAME")
                .withNewValueFrom()
                .withNewFieldRef()
                .withFieldPath("metadata.name")
                .endFieldRef()
                .endValueFrom()
                .endEnv()
                .addNewEnv()
                .withName("BANNER")
                .withValue(big + "$(POD_NAME)")
                .endEnv()
                .build())
            .build();
    FargateTranslation translation = translate(pod);
    assertThat(translation.runTask().overrides()).isNull();
    assertThat(definition(translation, "app").environment())
        .extracting(KeyValuePair::name)
        .containsExactly("POD_NAME", "BANNER");
    assertThat(translation.notes()).anyMatch(note -> note.contains("8192 characters"));
  }

  @Test
  void unsupportedVolumesAndSubPathAreRejected() {
    Pod pod =
        pod(container("app")
                .addNewVolumeMount()
                .withName("data")
                .withMountPath("/var/lib/mysql")
                .withSubPath("mysql")
                .endVolumeMount()
                .addNewVolumeMount()
                .withName("scratch")
                .withMountPath("/scratch")
                .withSubPath("mysql")
                .endVolumeMount()
                .build())
            .editSpec()
            .addNewVolume()
            .withName("data")
            .withNewPersistentVolumeClaim()
            .withClaimName("data-mysql-0")
            .endPersistentVolumeClaim()
            .endVolume()
            .addNewVolume()
            .withName("scratch")
            .withNewEmptyDir()
            .endEmptyDir()
            .endVolume()
            .endSpec()
            .build();
    List<ValidationProblem> problems = problems(pod);
    assertThat(problems)
        .extracting(ValidationProblem::fieldPath)
        .containsExactly(
            "spec.volumes[0]",
            "spec.containers[0].volumeMounts[0].subPath",
            "spec.containers[0].volumeMounts[1].subPath");
    assertThat(problems.get(0).rule())
        .isEqualTo(
            "Pod not supported on Fargate: volumes not supported: data is of an unsupported volume"
                + " Type");
  }

  private static MountPoint mount(String volume, String path, boolean readOnly) {
    return MountPoint.builder().sourceVolume(volume).containerPath(path).readOnly(readOnly).build();
  }
}
