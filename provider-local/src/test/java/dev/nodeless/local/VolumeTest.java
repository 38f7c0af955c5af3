package dev.nodeless.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nodeless.PodRef;
import dev.nodeless.spi.EnvValue;
import dev.nodeless.spi.PodProvider;
import dev.nodeless.spi.ProviderContext;
import dev.nodeless.spi.ResolvedContainer;
import dev.nodeless.spi.ResolvedPod;
import dev.nodeless.spi.ResolvedVolume;
import dev.nodeless.spi.VolumeFile;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class VolumeTest extends LocalTestSupport {

  @Test
  void subPathExprExpandsTheContainersEnvironment() {
    PodRef ref =
        launch(
            pod(
                    "sub-path-expr",
                    shell("main", "cat /all/sub-path-expr/greeting")
                        .withVolumeMounts(
                            new VolumeMountBuilder().withName("logs").withMountPath("/all").build())
                        .build())
                .editSpec()
                .withRestartPolicy("Never")
                .withVolumes(
                    new VolumeBuilder().withName("logs").withNewEmptyDir().endEmptyDir().build())
                .withInitContainers(
                    shell("writer", "echo hi from $POD_NAME > /logs/greeting")
                        .addNewEnv()
                        .withName("POD_NAME")
                        .withNewValueFrom()
                        .withNewFieldRef()
                        .withFieldPath("metadata.name")
                        .endFieldRef()
                        .endValueFrom()
                        .endEnv()
                        .withVolumeMounts(
                            new VolumeMountBuilder()
                                .withName("logs")
                                .withMountPath("/logs")
                                .withSubPathExpr("$(POD_NAME)")
                                .build())
                        .build())
                .endSpec()
                .build());

    awaitPhase(ref, "Succeeded");
    assertThat(logs(ref, "main")).isEqualTo("hi from sub-path-expr\n");
  }

  @Test
  void hostAliasesExtendPodHostsFile() throws Exception {
    String name = "nodeless-" + UUID.randomUUID().toString().substring(0, 8) + ".internal";
    PodRef ref =
        launch(
            pod("aliases", shell("main", "cat /etc/hosts").build())
                .editSpec()
                .withRestartPolicy("Never")
                .addNewHostAlias()
                .withIp("10.1.2.3")
                .withHostnames(name, "db")
                .endHostAlias()
                .endSpec()
                .build());

    awaitPhase(ref, "Succeeded");
    String hosts = logs(ref, "main");
    assertThat(hosts)
        .startsWith(Files.readString(Path.of("/etc/hosts")).strip())
        .contains("# Entries added by HostAliases.\n10.1.2.3\t" + name + "\tdb\n");
    assertThat(Files.readString(Path.of("/etc/hosts"))).doesNotContain(name);
  }

  @Test
  void emptyDirIsSharedAndPrivateToThePod() {
    String top = "/nodeless-data-" + UUID.randomUUID();
    String nested = "/etc/nodeless-" + UUID.randomUUID() + "/conf";
    PodRef ref =
        launch(
            pod(
                    "volumes",
                    shell(
                            "main",
                            "cat "
                                + top
                                + "/greeting; cat "
                                + nested
                                + "/greeting; ls -d /etc/hostname; exec sleep 1000")
                        .withVolumeMounts(
                            new VolumeMountBuilder().withName("shared").withMountPath(top).build(),
                            new VolumeMountBuilder()
                                .withName("shared")
                                .withMountPath(nested)
                                .withReadOnly(true)
                                .build())
                        .build())
                .editSpec()
                .withVolumes(
                    new VolumeBuilder().withName("shared").withNewEmptyDir().endEmptyDir().build())
                .withInitContainers(
                    shell("writer", "echo hi > /work-dir/greeting")
                        .withVolumeMounts(
                            new VolumeMountBuilder()
                                .withName("shared")
                                .withMountPath("/work-dir")
                                .build())
                        .build())
                .endSpec()
                .build());

    awaitPhase(ref, "Running");
    await().atMost(TIMEOUT).until(() -> logs(ref, "main").contains("/etc/hostname"));

    assertThat(logs(ref, "main")).isEqualTo("hi\nhi\n/etc/hostname\n");
    assertThat(Path.of(top)).doesNotExist();
    assertThat(Path.of(nested).getParent()).doesNotExist();
    assertThat(Path.of("/work-dir")).doesNotExist();
  }

  @Test
  void readOnlyMountRejectsWrites() {
    PodRef ref =
        launch(
            pod(
                    "readonly",
                    shell("main", "touch /ro/file 2>/dev/null && echo wrote || echo read-only")
                        .withVolumeMounts(
                            new VolumeMountBuilder()
                                .withName("scratch")
                                .withMountPath("/ro")
                                .withReadOnly(true)
                                .build())
                        .build())
                .editSpec()
                .withRestartPolicy("Never")
                .withVolumes(
                    new VolumeBuilder().withName("scratch").withNewEmptyDir().endEmptyDir().build())
                .endSpec()
                .build());

    awaitPhase(ref, "Succeeded");

    assertThat(logs(ref, "main")).isEqualTo("read-only\n");
  }

  @Test
  void subPathMountsPartOfVolume() {
    PodRef ref =
        launch(
            pod(
                    "subpath",
                    shell("main", "echo inside > /sub/file; ls /whole")
                        .withVolumeMounts(
                            new VolumeMountBuilder()
                                .withName("scratch")
                                .withMountPath("/sub")
                                .withSubPath("part")
                                .build(),
                            new VolumeMountBuilder()
                                .withName("scratch")
                                .withMountPath("/whole")
                                .build())
                        .build())
                .editSpec()
                .withRestartPolicy("Never")
                .withVolumes(
                    new VolumeBuilder().withName("scratch").withNewEmptyDir().endEmptyDir().build())
                .endSpec()
                .build());

    awaitPhase(ref, "Succeeded");

    assertThat(logs(ref, "main")).isEqualTo("part\n");
  }

  @Test
  void secretFilesAreOwnerOnlyAndRemoved() throws Exception {
    ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
    Map<String, PodStatus> statuses = new ConcurrentHashMap<>();
    ProviderContext context =
        new ProviderContext(
            Map.of(LocalSettings.STATE_DIR, stateDir.resolve("direct").toString()),
            (pod, status) -> statuses.put(pod.uid(), status),
            scheduler,
            Clock.systemUTC());
    PodProvider provider = new LocalProviderFactory().create(context);
    try {
      Container container =
          shell("main", "cat /etc/creds/password; echo; exec sleep 1000")
              .withVolumeMounts(
                  new VolumeMountBuilder().withName("creds").withMountPath("/etc/creds").build())
              .build();
      Pod pod =
          pod("secret", container)
              .editMetadata()
              .withUid("secret-uid")
              .withNamespace("default")
              .endMetadata()
              .editSpec()
              .withVolumes(
                  new VolumeBuilder()
                      .withName("creds")
                      .withNewSecret()
                      .withSecretName("db")
                      .endSecret()
                      .build())
              .endSpec()
              .build();
      ResolvedPod resolved =
          new ResolvedPod(
              pod,
              List.of(),
              List.of(
                  new ResolvedContainer(
                      container,
                      "spec.containers[0]",
                      false,
                      container.getCommand(),
                      List.of(),
                      List.of(EnvValue.literal("NODELESS_TEST_TOKEN", token)))),
              Map.of(
                  "creds",
                  new ResolvedVolume(
                      "creds",
                      true,
                      List.of(
                          new VolumeFile(
                              "password",
                              "s3cret".getBytes(StandardCharsets.UTF_8),
                              0644,
                              true)))));

      assertThat(provider.validate(resolved)).isEmpty();
      provider.launch(resolved).get(30, TimeUnit.SECONDS);
      Path file = stateDir.resolve("direct/pods/secret-uid/volumes/creds/password");
      await()
          .atMost(TIMEOUT)
          .until(
              () ->
                  statuses.containsKey("secret-uid")
                      && "Running".equals(statuses.get("secret-uid").getPhase()));
      await()
          .atMost(TIMEOUT)
          .until(
              () ->
                  new String(
                          provider
                              .logs(resolved.ref(), "main", dev.nodeless.LogOptions.ofDefaults())
                              .readAllBytes(),
                          StandardCharsets.UTF_8)
                      .equals("s3cret\n"));

      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
          .isEqualTo("rw-------");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())))
          .isEqualTo("rwx------");

      provider.terminate(resolved.ref(), Duration.ofSeconds(1)).get(30, TimeUnit.SECONDS);
      assertThat(file).doesNotExist();
    } finally {
      provider.close();
      scheduler.shutdownNow();
    }
  }
}
