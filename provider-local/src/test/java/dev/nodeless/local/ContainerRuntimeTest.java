package dev.nodeless.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.nodeless.LogOptions;
import dev.nodeless.PodLauncher;
import dev.nodeless.PodRef;
import dev.nodeless.PodValidationException;
import dev.nodeless.ReferenceResolver;
import dev.nodeless.ValidationProblem;
import dev.nodeless.spi.ResolvedContainer;
import dev.nodeless.spi.ResolvedPod;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs pods in real podman containers: entrypoint rules, the shared network namespace, volumes,
 * limits, probes, image pulls and clean-up. Each test checks that no container, pod or volume of
 * its launcher is left.
 */
class ContainerRuntimeTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final String ENTRYPOINT_IMAGE =
      "localhost/nodeless-test/entrypoint:" + UUID.randomUUID().toString().substring(0, 8);

  @TempDir Path tempDir;
  private Path stateDir;
  private PodLauncher launcher;

  @BeforeAll
  static void buildImage() {
    PodmanSupport.requirePodman();
    String builder = "nodeless-test-build-" + UUID.randomUUID();
    assertThat(PodmanSupport.run(List.of("podman", "create", "--name", builder, "busybox:1.28")))
        .isZero();
    try {
      assertThat(
              PodmanSupport.run(
                  List.of(
                      "podman",
                      "commit",
                      "--quiet",
                      "--change",
                      "ENTRYPOINT [\"echo\", \"entry\"]",
                      "--change",
                      "CMD [\"cmd\"]",
                      builder,
                      ENTRYPOINT_IMAGE)))
          .isZero();
    } finally {
      PodmanSupport.run(List.of("podman", "rm", "-f", builder));
    }
  }

  @AfterAll
  static void removeImage() {
    PodmanSupport.run(List.of("podman", "rmi", "-f", ENTRYPOINT_IMAGE));
  }

  @BeforeEach
  void openLauncher() throws IOException {
    stateDir = tempDir.resolve("state");
    launcher =
        PodLauncher.builder()
            .providerName("local")
            .settings(PodmanSupport.settings(stateDir))
            .resolver(
                ReferenceResolver.of(
                    List.of(
                        new ConfigMapBuilder()
                            .withNewMetadata()
                            .withName("app-config")
                            .endMetadata()
                            .withData(Map.of("app.properties", "color=blue", "other", "x"))
                            .build())))
            .build();
  }

  @AfterEach
  void closeLauncher() {
    launcher.close();
    PodmanSupport.assertNothingLeft(
        EngineRuntime.OWNER_LABEL + "=" + LocalPodProvider.ownerId(stateDir.toAbsolutePath()));
  }

  @Test
  void commandReplacesTheEntrypointAndArgsReplaceTheCommand() {
    Pod pod =
        pod(
                "entrypoint",
                container("image-defaults").build(),
                container("command-only").withCommand("echo", "command-only").build(),
                container("args-only").withArgs("args-only").build(),
                container("both").withCommand("echo", "both").withArgs("and-args").build())
            .editSpec()
            .withRestartPolicy("Never")
            .endSpec()
            .build();
    PodRef ref = launcher.launchAndWait(pod, TIMEOUT);
    PodStatus status = launcher.awaitCompletion(ref, TIMEOUT);
    assertThat(status.getPhase()).isEqualTo("Succeeded");
    assertThat(logs(ref, "image-defaults")).isEqualTo("entry cmd\n");
    assertThat(logs(ref, "command-only")).isEqualTo("command-only\n");
    assertThat(logs(ref, "args-only")).isEqualTo("entry args-only\n");
    assertThat(logs(ref, "both")).isEqualTo("both and-args\n");
    ContainerStatus both = container(status, "both");
    assertThat(both.getContainerID()).startsWith("podman://");
    assertThat(both.getImageID()).contains("sha256:");
  }

  @Test
  void containersShareLocalhostAndProbesReachIt() {
    Container server =
        new ContainerBuilder()
            .withName("server")
            .withImage("busybox:1.28")
            .withCommand(
                "sh",
                "-c",
                "mkdir /www && echo served-by-server > /www/index.html"
                    + " && exec httpd -f -p 8080 -h /www")
            .withNewReadinessProbe()
            .withNewHttpGet()
            .withPath("/index.html")
            .withPort(new IntOrString(8080))
            .endHttpGet()
            .withPeriodSeconds(1)
            .endReadinessProbe()
            .build();
    Container client =
        new ContainerBuilder()
            .withName("client")
            .withImage("busybox:1.28")
            .withCommand(
                "sh",
                "-c",
                "until wget -q -O - http://localhost:8080/index.html; do sleep 0.2; done;"
                    + " exec sleep 3600")
            .withNewReadinessProbe()
            .withNewTcpSocket()
            .withPort(new IntOrString(8080))
            .endTcpSocket()
            .withPeriodSeconds(1)
            .endReadinessProbe()
            .build();
    PodRef ref = launcher.launchAndWait(pod("shared-net", server, client).build(), TIMEOUT);
    PodStatus ready = awaitStatus(ref, status -> conditionTrue(status, "Ready"));
    assertThat(container(ready, "server").getReady()).isTrue();
    await()
        .atMost(TIMEOUT)
        .untilAsserted(() -> assertThat(logs(ref, "client")).contains("served-by-server"));
    launcher.terminateAndWait(ref, Duration.ZERO, TIMEOUT);
  }

  @Test
  void emptyDirInMemoryIsSharedAndConfigMapItemsKeepTheirModes() {
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName("volumes")
            .endMetadata()
            .withNewSpec()
            .withRestartPolicy("Never")
            .addNewInitContainer()
            .withName("writer")
            .withImage("busybox:1.28")
            .withCommand("sh", "-c", "echo written-by-init > /cache/note")
            .addNewVolumeMount()
            .withName("cache")
            .withMountPath("/cache")
            .endVolumeMount()
            .endInitContainer()
            .addNewContainer()
            .withName("reader")
            .withImage("busybox:1.28")
            .withCommand(
                "sh",
                "-c",
                "cat /cache/note; grep ' /cache ' /proc/mounts | cut -d' ' -f3;"
                    + " stat -c '%a %n' /etc/app/conf/app.properties; cat /etc/app/conf/app.properties;"
                    + " echo; ls /etc/app; touch /etc/app/new 2>/dev/null || echo config-read-only")
            .addNewVolumeMount()
            .withName("cache")
            .withMountPath("/cache")
            .endVolumeMount()
            .addNewVolumeMount()
            .withName("config")
            .withMountPath("/etc/app")
            .endVolumeMount()
            .endContainer()
            .addNewVolume()
            .withName("cache")
            .withNewEmptyDir()
            .withMedium("Memory")
            .withSizeLimit(new Quantity("16Mi"))
            .endEmptyDir()
            .endVolume()
            .addNewVolume()
            .withName("config")
            .withNewConfigMap()
            .withName("app-config")
            .withDefaultMode(0444)
            .addNewItem()
            .withKey("app.properties")
            .withPath("conf/app.properties")
            .withMode(0640)
            .endItem()
            .endConfigMap()
            .endVolume()
            .endSpec()
            .build();
    PodRef ref = launcher.launchAndWait(pod, TIMEOUT);
    assertThat(launcher.awaitCompletion(ref, TIMEOUT).getPhase()).isEqualTo("Succeeded");
    assertThat(logs(ref, "reader"))
        .isEqualTo(
            "written-by-init\ntmpfs\n640 /etc/app/conf/app.properties\ncolor=blue\nconf\n"
                + "config-read-only\n");
  }

  @Test
  void readOnlyRootFilesystemRejectsWrites() {
    Pod pod =
        pod(
                "read-only",
                new ContainerBuilder()
                    .withName("main")
                    .withImage("busybox:1.28")
                    .withCommand("sh", "-c", "touch /new-file")
                    .withNewSecurityContext()
                    .withReadOnlyRootFilesystem(true)
                    .withRunAsUser(1000L)
                    .withRunAsNonRoot(true)
                    .endSecurityContext()
                    .build())
            .editSpec()
            .withRestartPolicy("Never")
            .endSpec()
            .build();
    PodRef ref = launcher.launchAndWait(pod, TIMEOUT);
    PodStatus status = launcher.awaitCompletion(ref, TIMEOUT);
    assertThat(status.getPhase()).isEqualTo("Failed");
    assertThat(container(status, "main").getState().getTerminated().getExitCode()).isEqualTo(1);
    assertThat(logs(ref, "main")).contains("Read-only file system");
  }

  @Test
  void memoryLimitEndsInOomKilledWithExitCode137() {
    Pod pod =
        pod(
                "oom",
                new ContainerBuilder()
                    .withName("hog")
                    .withImage("busybox:1.28")
                    .withCommand("sh", "-c", "tail /dev/zero")
                    .withNewResources()
                    .addToLimits("memory", new Quantity("24Mi"))
                    .endResources()
                    .build())
            .editSpec()
            .withRestartPolicy("Never")
            .endSpec()
            .build();
    PodRef ref = launcher.launchAndWait(pod, TIMEOUT);
    PodStatus status = launcher.awaitCompletion(ref, TIMEOUT);
    assertThat(status.getPhase()).isEqualTo("Failed");
    var terminated = container(status, "hog").getState().getTerminated();
    assertThat(terminated.getReason()).isEqualTo("OOMKilled");
    assertThat(terminated.getExitCode()).isEqualTo(137);
  }

  @Test
  void failingLivenessProbeRestartsTheContainer() {
    Pod pod =
        pod(
                "liveness",
                new ContainerBuilder()
                    .withName("main")
                    .withImage("busybox:1.28")
                    .withArgs(
                        "sh",
                        "-c",
                        "echo started; touch /tmp/healthy; sleep 1; rm /tmp/healthy; sleep 600")
                    .withNewLivenessProbe()
                    .withNewExec()
                    .withCommand("cat", "/tmp/healthy")
                    .endExec()
                    .withPeriodSeconds(1)
                    .withFailureThreshold(1)
                    .endLivenessProbe()
                    .build())
            .editSpec()
            .withTerminationGracePeriodSeconds(1L)
            .endSpec()
            .build();
    PodRef ref = launcher.launchAndWait(pod, TIMEOUT);
    PodStatus restarted = awaitStatus(ref, status -> restartCount(status, "main") >= 1);
    var last = container(restarted, "main").getLastState().getTerminated();
    assertThat(last.getExitCode()).isEqualTo(137);
    assertThat(logs(ref, "main", LogOptions.builder().previous(true).build()))
        .isEqualTo("started\n");
    launcher.terminateAndWait(ref, Duration.ZERO, TIMEOUT);
  }

  @Test
  void logTimestampsAndFollow() throws IOException {
    Pod pod =
        pod(
                "follow",
                new ContainerBuilder()
                    .withName("main")
                    .withImage("busybox:1.28")
                    .withCommand("sh", "-c", "echo first; sleep 1; echo second >&2")
                    .build())
            .editSpec()
            .withRestartPolicy("Never")
            .endSpec()
            .build();
    Instant before = Instant.now();
    PodRef ref = launcher.launchAndWait(pod, TIMEOUT);
    launcher.awaitStarted(ref, TIMEOUT);
    try (InputStream in = launcher.logs(ref, "main", LogOptions.builder().follow(true).build())) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
          .isEqualTo("first\nsecond\n");
    }
    assertThat(launcher.awaitCompletion(ref, TIMEOUT).getPhase()).isEqualTo("Succeeded");
    String[] lines = logs(ref, "main", LogOptions.builder().timestamps(true).build()).split("\n");
    assertThat(lines).hasSize(2);
    String[] first = lines[0].split(" ", 2);
    assertThat(Instant.parse(first[0])).isAfter(before).isBefore(Instant.now());
    assertThat(first[1]).isEqualTo("first");
    assertThat(lines[1]).endsWith("Z second");
  }

  @Test
  void securityContextSetsIdsAndCapabilities() {
    Pod pod =
        pod(
                "security",
                new ContainerBuilder()
                    .withName("ids")
                    .withImage("busybox:1.28")
                    .withCommand("sh", "-c", "id -u; id -g; id -G")
                    .withNewSecurityContext()
                    .withRunAsUser(1234L)
                    .withRunAsGroup(5678L)
                    .endSecurityContext()
                    .build(),
                new ContainerBuilder()
                    .withName("caps")
                    .withImage("busybox:1.28")
                    .withCommand("sh", "-c", "grep CapEff /proc/self/status")
                    .withNewSecurityContext()
                    .withNewCapabilities()
                    .withDrop("ALL")
                    .withAdd("CHOWN", "KILL")
                    .endCapabilities()
                    .endSecurityContext()
                    .build())
            .editSpec()
            .withRestartPolicy("Never")
            .withNewSecurityContext()
            .withSupplementalGroups(4000L)
            .endSecurityContext()
            .endSpec()
            .build();
    PodRef ref = launcher.launchAndWait(pod, TIMEOUT);
    assertThat(launcher.awaitCompletion(ref, TIMEOUT).getPhase()).isEqualTo("Succeeded");
    assertThat(logs(ref, "ids")).isEqualTo("1234\n5678\n5678 4000\n");
    // CAP_CHOWN is bit 0 and CAP_KILL bit 5.
    assertThat(logs(ref, "caps")).isEqualTo("CapEff:\t0000000000000021\n");
  }

  @Test
  void runAsNonRootRejectsRootImage() {
    Pod pod =
        pod(
                "non-root",
                new ContainerBuilder()
                    .withName("main")
                    .withImage("busybox:1.28")
                    .withCommand("sleep", "600")
                    .withNewSecurityContext()
                    .withRunAsNonRoot(true)
                    .endSecurityContext()
                    .build())
            .build();
    PodRef ref = launcher.launchAndWait(pod, TIMEOUT);
    PodStatus status =
        awaitStatus(
            ref, found -> waitingReason(found, "main").equals("CreateContainerConfigError"));
    assertThat(status.getPhase()).isEqualTo("Pending");
    assertThat(container(status, "main").getState().getWaiting().getMessage())
        .startsWith("container has runAsNonRoot and image will run as root");
    assertThat(PodmanSupport.objects("container", EngineRuntime.POD_UID_LABEL + "=" + ref.uid()))
        .as("only the infra container exists")
        .hasSize(1);
    launcher.terminateAndWait(ref, Duration.ZERO, TIMEOUT);
  }

  @Test
  void privilegedIsRejectedUnlessAllowed() {
    Pod pod =
        pod(
                "privileged",
                new ContainerBuilder()
                    .withName("main")
                    .withImage("busybox:1.28")
                    .withCommand("sleep", "600")
                    .withNewSecurityContext()
                    .withPrivileged(true)
                    .endSecurityContext()
                    .build())
            .build();
    CompletionException error =
        catchThrowableOfType(CompletionException.class, () -> launcher.launch(pod).join());
    assertThat(error).isNotNull();
    assertThat(error.getCause()).isInstanceOf(PodValidationException.class);
    assertThat(((PodValidationException) error.getCause()).problems())
        .extracting(ValidationProblem::fieldPath)
        .containsExactly("spec.containers[0].securityContext.privileged");
    assertThat(error.getCause().getMessage()).contains(ContainerSettings.ALLOW_PRIVILEGED);

    ResolvedPod resolved =
        new ResolvedPod(
            new PodBuilder(pod)
                .editMetadata()
                .withNamespace("default")
                .withUid("privileged-uid")
                .endMetadata()
                .build(),
            List.of(),
            List.of(
                new ResolvedContainer(
                    pod.getSpec().getContainers().get(0),
                    "spec.containers[0]",
                    false,
                    List.of("sleep", "600"),
                    List.of(),
                    List.of())),
            Map.of());
    ContainerSettings allowed =
        ContainerSettings.parse(Map.of(ContainerSettings.ALLOW_PRIVILEGED, "true"));
    assertThat(ContainerValidator.validate(resolved, allowed, ContainerEngine.Kind.PODMAN))
        .isEmpty();
  }

  @Test
  void unpullableImageShowsErrImagePullThenImagePullBackOff() {
    Pod pod =
        pod(
                "unpullable",
                new ContainerBuilder()
                    .withName("main")
                    .withImage("docker.io/nodeless-test/does-not-exist:1.0")
                    .build())
            .build();
    PodRef ref = launcher.launchAndWait(pod, TIMEOUT);
    PodStatus pulling =
        awaitStatus(ref, status -> waitingReason(status, "main").equals("ErrImagePull"));
    assertThat(pulling.getPhase()).isEqualTo("Pending");
    assertThat(container(pulling, "main").getState().getWaiting().getMessage())
        .contains("does-not-exist:1.0");
    PodStatus backOff =
        awaitStatus(ref, status -> waitingReason(status, "main").equals("ImagePullBackOff"));
    assertThat(backOff.getPhase()).isEqualTo("Pending");
    assertThat(container(backOff, "main").getRestartCount()).isZero();
    launcher.terminateAndWait(ref, Duration.ZERO, TIMEOUT);
  }

  @Test
  void imagePullSecretsAuthenticateThePull() throws Exception {
    List<String> authorizations = new CopyOnWriteArrayList<>();
    HttpServer registry =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    registry.createContext(
        "/",
        exchange -> {
          String authorization = exchange.getRequestHeaders().getFirst("Authorization");
          if (authorization == null) {
            exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"nodeless-test\"");
            exchange.sendResponseHeaders(401, -1);
          } else if (exchange.getRequestURI().getPath().equals("/v2/")) {
            authorizations.add(authorization);
            exchange.sendResponseHeaders(200, -1);
          } else {
            authorizations.add(authorization);
            byte[] body =
                "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"manifest unknown\"}]}"
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(404, body.length);
            exchange.getResponseBody().write(body);
          }
          exchange.close();
        });
    registry.start();
    Path otherState = tempDir.resolve("pull-secrets").resolve("state");
    Files.createDirectories(otherState.getParent());
    Map<String, String> settings = PodmanSupport.settings(otherState);
    String host = "127.0.0.1:" + registry.getAddress().getPort();
    Files.writeString(
        Path.of(settings.get(ContainerSettings.REGISTRIES_CONF)),
        "\n[[registry]]\nlocation = \"" + host + "\"\ninsecure = true\n",
        StandardOpenOption.APPEND);
    String dockerConfig =
        "{\"auths\":{\"" + host + "\":{\"username\":\"puller\",\"password\":\"s3cret\"}}}";
    Secret secret =
        new SecretBuilder()
            .withNewMetadata()
            .withName("regcred")
            .endMetadata()
            .withType("kubernetes.io/dockerconfigjson")
            .withData(
                Map.of(
                    ".dockerconfigjson",
                    Base64.getEncoder()
                        .encodeToString(dockerConfig.getBytes(StandardCharsets.UTF_8))))
            .build();
    try (PodLauncher withSecret =
        PodLauncher.builder()
            .providerName("local")
            .settings(settings)
            .resolver(ReferenceResolver.of(List.of(secret)))
            .build()) {
      Pod pod =
          pod(
                  "private-image",
                  new ContainerBuilder()
                      .withName("main")
                      .withImage(host + "/private/app:1.0")
                      .build())
              .editSpec()
              .addNewImagePullSecret("regcred")
              .endSpec()
              .build();
      PodRef ref = withSecret.launchAndWait(pod, TIMEOUT);
      PodStatus pulling =
          withSecret
              .when(ref, status -> waitingReason(status, "main").equals("ErrImagePull"))
              .orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS)
              .join();
      assertThat(container(pulling, "main").getState().getWaiting().getMessage())
          .contains("manifest unknown");
      String expected =
          "Basic "
              + Base64.getEncoder()
                  .encodeToString("puller:s3cret".getBytes(StandardCharsets.UTF_8));
      assertThat(authorizations).contains(expected);
      withSecret.terminateAndWait(ref, Duration.ZERO, TIMEOUT);
    } finally {
      registry.stop(0);
    }
    PodmanSupport.assertNothingLeft(
        EngineRuntime.OWNER_LABEL + "=" + LocalPodProvider.ownerId(otherState.toAbsolutePath()));
  }

  // ---- helpers -------------------------------------------------------------------------------

  private ContainerBuilder container(String name) {
    return new ContainerBuilder().withName(name).withImage(ENTRYPOINT_IMAGE);
  }

  private static PodBuilder pod(String name, Container... containers) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .withContainers(containers)
        .withTerminationGracePeriodSeconds(2L)
        .endSpec();
  }

  private PodStatus awaitStatus(PodRef ref, Predicate<PodStatus> condition) {
    return launcher.when(ref, condition).orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
  }

  private String logs(PodRef ref, String container) {
    return logs(ref, container, LogOptions.ofDefaults());
  }

  private String logs(PodRef ref, String container, LogOptions options) {
    try (InputStream in = launcher.logs(ref, container, options)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ContainerStatus container(PodStatus status, String name) {
    return LocalTestSupport.container(status, name);
  }

  private static int restartCount(PodStatus status, String name) {
    return LocalTestSupport.restartCount(status, name);
  }

  private static String waitingReason(PodStatus status, String name) {
    return LocalTestSupport.waitingReason(status, name);
  }

  private static boolean conditionTrue(PodStatus status, String type) {
    return LocalTestSupport.conditionTrue(status, type);
  }
}
