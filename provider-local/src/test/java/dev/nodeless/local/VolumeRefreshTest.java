package dev.nodeless.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nodeless.PodLauncher;
import dev.nodeless.PodNotFoundException;
import dev.nodeless.PodRef;
import dev.nodeless.PodValidationException;
import dev.nodeless.ValidationProblem;
import dev.nodeless.testing.ChangingResolver;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link PodLauncher#refreshVolumes} on real processes: what the containers see change. */
class VolumeRefreshTest extends LocalTestSupport {
  /**
   * Prints the volumes' contents each time they differ from the last print, so that the log
   * contains every state the container saw.
   */
  private static final String WATCH =
      "while :; do"
          + " now=$(ls /etc/app; cat /etc/app/greeting; echo; cat /etc/info/labels; echo;"
          + " cat /var/run/creds/password; echo; cat /var/run/creds/token);"
          + " if [ \"$now\" != \"$last\" ]; then echo \"---\"; echo \"$now\"; last=$now; fi;"
          + " sleep 0.05; done";

  private final ChangingResolver resolver = new ChangingResolver();
  private final MovableClock clock = new MovableClock();

  @BeforeEach
  void launcherWithResolver() {
    launcher.close();
    launcher = launcher(Map.of(), PodLauncher.builder().resolver(resolver).clock(clock));
    resolver.put(configMap(Map.of("greeting", "hello", "extra", "x")), secret("s3cret-1"));
  }

  @Test
  void containersSeeNewContentAfterRefresh() throws Exception {
    Pod pod = watchingPod("one");
    PodRef ref = launch(pod);
    awaitPhase(ref, "Running");
    await()
        .atMost(TIMEOUT)
        .until(() -> logs(ref, "main").contains("extra\ngreeting\nhello\napp=\"one\"\ns3cret-1"));
    assertThat(logs(ref, "main")).contains("token-1");

    resolver.put(configMap(Map.of("greeting", "bye", "added", "y")), secret("s3cret-2"));
    assertThat(launcher.refreshVolumes(withLabel(pod, "two")).get()).isTrue();

    await()
        .atMost(TIMEOUT)
        .until(() -> logs(ref, "main").contains("added\ngreeting\nbye\napp=\"two\"\ns3cret-2"));
    // The token is not issued again before 80 % of its 600 s lifetime.
    assertThat(resolver.tokensIssued()).isEqualTo(1);
    assertThat(launcher.refreshVolumes(withLabel(pod, "two")).get()).isFalse();
    assertThat(leftovers(ref)).isEmpty();

    clock.advance(Duration.ofSeconds(481));
    assertThat(launcher.refreshVolumes(withLabel(pod, "two")).get()).isTrue();
    assertThat(resolver.tokensIssued()).isEqualTo(2);
    await().atMost(TIMEOUT).until(() -> logs(ref, "main").contains("token-2"));
  }

  @Test
  void missingReferenceKeepsFiles() throws Exception {
    Pod pod = watchingPod("one");
    PodRef ref = launch(pod);
    awaitPhase(ref, "Running");
    resolver.removeConfigMap("settings");

    Throwable failure = catchThrowable(() -> launcher.refreshVolumes(pod).join());

    assertThat(failure).isInstanceOf(CompletionException.class);
    assertThat(failure.getCause())
        .isInstanceOf(PodValidationException.class)
        .satisfies(
            cause ->
                assertThat(((PodValidationException) cause).problems())
                    .extracting(ValidationProblem::fieldPath)
                    .containsExactly("spec.volumes[0].configMap.name"));
    Path greeting = new PodDirectory(stateDir, ref.uid()).volume("config").resolve("greeting");
    assertThat(greeting).hasContent("hello");
  }

  @Test
  void unknownOrTerminatedPodNotRefreshed() throws Exception {
    Pod pod = watchingPod("one");
    Pod unknown = new PodBuilder(pod).editMetadata().withUid("not-launched").endMetadata().build();
    assertThat(catchThrowable(() -> launcher.refreshVolumes(unknown).join()))
        .hasCauseInstanceOf(PodNotFoundException.class);
    Pod withoutUid = new PodBuilder(pod).editMetadata().withUid(null).endMetadata().build();
    assertThat(catchThrowable(() -> launcher.refreshVolumes(withoutUid).join()))
        .hasCauseInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("metadata.uid");

    PodRef ref = launch(pod);
    awaitPhase(ref, "Running");
    launcher.terminateAndWait(ref, Duration.ZERO, TIMEOUT);

    assertThat(launcher.refreshVolumes(pod).get()).isFalse();
  }

  @Test
  void secretReaderKeepsAccessAfterRefresh() throws Exception {
    assumeTrue(LocalValidator.isRoot(), "only a root launcher can change users");
    Pod pod =
        pod(
                "reader",
                shell(
                        "main",
                        "while :; do now=$(cat /var/run/creds/password 2>&1);"
                            + " if [ \"$now\" != \"$last\" ]; then echo \"$now\"; last=$now; fi;"
                            + " sleep 0.05; done")
                    .withSecurityContext(new SecurityContextBuilder().withRunAsUser(1000L).build())
                    .withVolumeMounts(
                        new VolumeMountBuilder()
                            .withName("creds")
                            .withMountPath("/var/run/creds")
                            .build())
                    .build())
            .editMetadata()
            .withUid(UUID.randomUUID().toString())
            .endMetadata()
            .editSpec()
            .withTerminationGracePeriodSeconds(0L)
            .addNewVolume()
            .withName("creds")
            .withNewSecret()
            .withSecretName("creds")
            .endSecret()
            .endVolume()
            .endSpec()
            .build();
    PodRef ref = launch(pod);
    await().atMost(TIMEOUT).until(() -> logs(ref, "main").contains("s3cret-1"));

    resolver.put(secret("s3cret-2"));
    assertThat(launcher.refreshVolumes(pod).get()).isTrue();

    await().atMost(TIMEOUT).until(() -> logs(ref, "main").contains("s3cret-2"));
    assertThat(logs(ref, "main")).doesNotContain("denied");
    Path file = new PodDirectory(stateDir, ref.uid()).volume("creds").resolve("password");
    assertThat(Files.getAttribute(file, "unix:uid")).isEqualTo(1000);
    assertThat(Files.getPosixFilePermissions(file))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
  }

  private Pod watchingPod(String label) {
    return pod(
            "refresh",
            shell("main", WATCH)
                .withVolumeMounts(
                    new VolumeMountBuilder().withName("config").withMountPath("/etc/app").build(),
                    new VolumeMountBuilder().withName("info").withMountPath("/etc/info").build(),
                    new VolumeMountBuilder()
                        .withName("creds")
                        .withMountPath("/var/run/creds")
                        .build())
                .build())
        .editMetadata()
        .withUid(UUID.randomUUID().toString())
        .addToLabels("app", label)
        .endMetadata()
        .editSpec()
        .withTerminationGracePeriodSeconds(0L)
        .withVolumes(
            new VolumeBuilder()
                .withName("config")
                .withNewConfigMap()
                .withName("settings")
                .endConfigMap()
                .build(),
            new VolumeBuilder()
                .withName("info")
                .withNewDownwardAPI()
                .addNewItem()
                .withPath("labels")
                .withNewFieldRef()
                .withFieldPath("metadata.labels")
                .endFieldRef()
                .endItem()
                .endDownwardAPI()
                .build(),
            new VolumeBuilder()
                .withName("creds")
                .withNewProjected()
                .addNewSource()
                .withNewSecret()
                .withName("creds")
                .addNewItem()
                .withKey("password")
                .withPath("password")
                .endItem()
                .endSecret()
                .endSource()
                .addNewSource()
                .withNewServiceAccountToken()
                .withPath("token")
                .withExpirationSeconds(600L)
                .endServiceAccountToken()
                .endSource()
                .endProjected()
                .build())
        .endSpec()
        .build();
  }

  private static Pod withLabel(Pod pod, String label) {
    return new PodBuilder(pod).editMetadata().addToLabels("app", label).endMetadata().build();
  }

  private static ConfigMap configMap(Map<String, String> data) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName("settings")
        .endMetadata()
        .withData(data)
        .build();
  }

  private static Secret secret(String password) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName("creds")
        .endMetadata()
        .withData(
            Map.of(
                "password",
                Base64.getEncoder().encodeToString(password.getBytes(StandardCharsets.UTF_8))))
        .build();
  }

  /** Temporary files of a refresh left in the pod's volumes. */
  private List<Path> leftovers(PodRef ref) throws Exception {
    try (Stream<Path> paths = Files.walk(new PodDirectory(stateDir, ref.uid()).volumesDir())) {
      return paths.filter(path -> path.getFileName().toString().startsWith(".nodeless-")).toList();
    }
  }

  /** The system clock, moved forward by the test to age tokens. */
  private static final class MovableClock extends Clock {
    private volatile Duration offset = Duration.ZERO;

    void advance(Duration by) {
      offset = offset.plus(by);
    }

    @Override
    public ZoneId getZone() {
      return ZoneId.of("UTC");
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Instant instant() {
      return Instant.now().plus(offset);
    }
  }
}
