package dev.nodeless.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.nodeless.LogOptions;
import dev.nodeless.PodLauncher;
import dev.nodeless.PodRef;
import dev.nodeless.PodValidationException;
import dev.nodeless.ReferenceResolver;
import dev.nodeless.ValidationProblem;
import dev.nodeless.testing.Fixtures;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starts a launcher on the local provider with a private state directory and short back-off, and
 * checks after each test that no process of the test outlived {@code close()}.
 */
abstract class LocalTestSupport {
  static final Duration TIMEOUT = Duration.ofSeconds(30);

  @TempDir Path stateDir;
  PodLauncher launcher;

  /** Appears in the command line of every test container, to find leaked processes. */
  final String token = "nodeless-test-" + UUID.randomUUID();

  @BeforeEach
  void openLauncher() {
    launcher = launcher(Map.of());
  }

  @AfterEach
  void closeLauncher() {
    launcher.close();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(processesOf(token)).as("leaked processes").isEmpty());
  }

  PodLauncher launcher(Map<String, String> extra) {
    return launcher(extra, PodLauncher.builder());
  }

  /** Builds a launcher on the local provider from a builder that may carry a resolver or clock. */
  PodLauncher launcher(Map<String, String> extra, PodLauncher.Builder builder) {
    Map<String, String> settings = new HashMap<>();
    settings.put(LocalSettings.STATE_DIR, stateDir.toString());
    settings.put(LocalSettings.BACK_OFF_INITIAL, "500ms");
    settings.put(LocalSettings.BACK_OFF_MAX, "2s");
    settings.put(LocalSettings.POLL_INTERVAL, "50ms");
    // These tests describe the process runtime; ContainerRuntimeTest covers containers.
    settings.put(ContainerSettings.RUNTIME, ContainerSettings.PROCESS);
    settings.putAll(extra);
    return builder.providerName("local").settings(settings).build();
  }

  /** Processes whose environment holds the token; it survives {@code exec}, unlike argv. */
  static List<Long> processesOf(String token) {
    byte[] needle = token.getBytes(StandardCharsets.US_ASCII);
    List<Long> found = new java.util.ArrayList<>();
    try (java.nio.file.DirectoryStream<Path> entries =
        java.nio.file.Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path entry : entries) {
        try {
          byte[] environ = java.nio.file.Files.readAllBytes(entry.resolve("environ"));
          if (indexOf(environ, needle) >= 0) {
            found.add(Long.parseLong(entry.getFileName().toString()));
          }
        } catch (IOException e) {
          // The process ended while reading.
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return found;
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** A container that runs {@code script} with {@code sh -c}. */
  ContainerBuilder shell(String name, String script) {
    return new ContainerBuilder()
        .withName(name)
        .withImage("busybox")
        .withCommand("sh", "-c", script)
        .addNewEnv()
        .withName("NODELESS_TEST_TOKEN")
        .withValue(token)
        .endEnv();
  }

  static PodBuilder pod(String name, Container... containers) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .withContainers(containers)
        .withTerminationGracePeriodSeconds(5L)
        .endSpec();
  }

  PodRef launch(Pod pod) {
    return launcher.launchAndWait(pod, TIMEOUT);
  }

  PodStatus awaitStatus(PodRef ref, Predicate<PodStatus> condition) {
    return launcher
        .when(ref, condition)
        .orTimeout(TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)
        .join();
  }

  PodStatus awaitPhase(PodRef ref, String phase) {
    return awaitStatus(ref, status -> phase.equals(status.getPhase()));
  }

  String logs(PodRef ref, String container) {
    return logs(ref, container, LogOptions.ofDefaults());
  }

  String logs(PodRef ref, String container, LogOptions options) {
    try (InputStream in = launcher.logs(ref, container, options)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Returns the status of a container and fails the test when it has none. Not for predicates. */
  static ContainerStatus container(PodStatus status, String name) {
    return findContainer(status, name)
        .orElseThrow(() -> new AssertionError("no status for container " + name));
  }

  /**
   * Returns the status of a container, or empty while the launcher has not reported it. Predicates
   * of {@code when} use this and the helpers below, which never throw. The launcher calls
   * predicates on its event thread, which only prints a thrown error, and that status never
   * matches.
   */
  static Optional<ContainerStatus> findContainer(PodStatus status, String name) {
    return java.util.stream.Stream.concat(
            status.getInitContainerStatuses().stream(), status.getContainerStatuses().stream())
        .filter(found -> name.equals(found.getName()))
        .findFirst();
  }

  /** Returns the container's restart count, or 0 while it has no status. */
  static int restartCount(PodStatus status, String name) {
    return findContainer(status, name)
        .map(ContainerStatus::getRestartCount)
        .filter(Objects::nonNull)
        .orElse(0);
  }

  /** Returns why the container is waiting, or "" when it is not waiting or has no status. */
  static String waitingReason(PodStatus status, String name) {
    return findContainer(status, name)
        .map(ContainerStatus::getState)
        .filter(state -> state.getWaiting() != null)
        .map(state -> Objects.toString(state.getWaiting().getReason(), ""))
        .orElse("");
  }

  /** Returns whether the container is running, false while it has no status. */
  static boolean isRunning(PodStatus status, String name) {
    return findContainer(status, name)
        .map(ContainerStatus::getState)
        .map(state -> state.getRunning() != null)
        .orElse(false);
  }

  /** Loads the single pod of a fixture file with a fresh UID, so that every launch is a new pod. */
  static Pod fixturePod(String file) {
    List<Pod> pods = Fixtures.pods(file);
    assertThat(pods).as(file).hasSize(1);
    return new PodBuilder(pods.get(0))
        .editMetadata()
        .withUid(UUID.randomUUID().toString())
        .endMetadata()
        .build();
  }

  /** Checks that the launch fails validation with problems at exactly these field paths. */
  static void assertRejected(
      PodLauncher launcher, String file, Pod pod, String note, List<String> fieldPaths) {
    CompletionException error =
        catchThrowableOfType(CompletionException.class, () -> launcher.launch(pod).join());
    assertThat(error).as(file + " must be rejected: " + note).isNotNull();
    assertThat(error.getCause()).isInstanceOf(PodValidationException.class);
    List<ValidationProblem> problems = ((PodValidationException) error.getCause()).problems();
    assertThat(problems)
        .as(file + ": " + error.getCause().getMessage())
        .extracting(ValidationProblem::fieldPath)
        .containsExactlyInAnyOrderElementsOf(fieldPaths);
  }

  /**
   * Waits until the container's log contains every line. The lines are due within seconds of the
   * pod running. On a time-out the failure shows the log as read, or why it could not be read (such
   * as a container still waiting to start), and the state of every container.
   */
  static void awaitLogLines(
      PodLauncher launcher,
      String file,
      PodRef ref,
      String container,
      List<String> lines,
      Duration timeout) {
    if (lines.isEmpty()) {
      return;
    }
    await()
        .atMost(timeout)
        .untilAsserted(
            () ->
                assertThat(logsOrReason(launcher, ref, container))
                    .as(() -> file + ", " + describe(launcher.status(ref).orElse(null)))
                    .contains(lines));
  }

  /** Reads the container's log, or returns why it cannot be read. */
  private static String logsOrReason(PodLauncher launcher, PodRef ref, String container) {
    try (InputStream in = launcher.logs(ref, container, LogOptions.ofDefaults())) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      return "<log not readable: " + e.getMessage() + ">";
    }
  }

  /** Describes the phase, and each container's state and restart count, for failure messages. */
  static String describe(PodStatus status) {
    if (status == null) {
      return "no status";
    }
    StringBuilder text = new StringBuilder("phase " + status.getPhase() + ";");
    java.util.stream.Stream.concat(
            status.getInitContainerStatuses().stream(), status.getContainerStatuses().stream())
        .forEach(
            container ->
                text.append(' ')
                    .append(container.getName())
                    .append(": ")
                    .append(container.getState())
                    .append(", restarts ")
                    .append(container.getRestartCount())
                    .append(';'));
    return text.toString();
  }

  static PodCondition condition(PodStatus status, String type) {
    return status.getConditions().stream()
        .filter(found -> type.equals(found.getType()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no condition " + type));
  }

  static boolean conditionTrue(PodStatus status, String type) {
    return status.getConditions().stream()
        .anyMatch(found -> type.equals(found.getType()) && "True".equals(found.getStatus()));
  }

  /**
   * Returns the resolver of the fixture tests: the ConfigMaps and Secrets that the fixture
   * manifests refer to, and a token for every projected serviceAccountToken source, as a kubelet
   * would issue one.
   */
  static ReferenceResolver fixtureResolver() {
    List<HasMetadata> objects = new ArrayList<>();
    objects.add(
        configMap(
            "special-config",
            Map.of(
                "SPECIAL_LEVEL", "very",
                "SPECIAL_TYPE", "charm",
                "special.how", "very",
                "special.level", "very",
                "special.type", "charm")));
    objects.add(configMap("env-config", Map.of("log_level", "INFO")));
    objects.add(configMap("example-redis-config", Map.of("redis-config", "maxmemory 2mb")));
    objects.add(
        configMap(
            "mysql",
            Map.of(
                "primary.cnf",
                "[mysqld]\nlog-bin\n",
                "replica.cnf",
                "[mysqld]\nsuper-read-only\n")));
    objects.add(configMap("kube-root-ca.crt", Map.of("ca.crt", "not a real certificate")));
    objects.add(secret("test-secret", Map.of("username", "my-app", "password", "39528$vdg7Jb")));
    objects.add(secret("mysql-pass", Map.of("password", "fixture-password")));
    objects.add(secret("user", Map.of("user", "admin")));
    objects.add(secret("pass", Map.of("pass", "fixture-pass")));
    objects.add(
        secret(
            "csidriversecret",
            Map.of("azurestorageaccountname", "x", "azurestorageaccountkey", "y")));
    return new FixtureResolver(ReferenceResolver.of(objects));
  }

  /** A resolver over fixed objects that issues a token per service account. */
  private record FixtureResolver(ReferenceResolver objects) implements ReferenceResolver {
    @Override
    public Optional<ConfigMap> configMap(String namespace, String name) {
      return objects.configMap(namespace, name);
    }

    @Override
    public Optional<Secret> secret(String namespace, String name) {
      return objects.secret(namespace, name);
    }

    @Override
    public Optional<String> serviceAccountToken(
        String namespace, String serviceAccountName, String audience, long expirationSeconds) {
      return Optional.of("fixture-token-for-" + serviceAccountName);
    }
  }

  private static HasMetadata configMap(String name, Map<String, String> data) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withData(data)
        .build();
  }

  private static HasMetadata secret(String name, Map<String, String> data) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withStringData(data)
        .build();
  }
}
