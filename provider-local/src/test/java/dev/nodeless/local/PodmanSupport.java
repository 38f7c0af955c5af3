package dev.nodeless.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds podman for the container runtime tests. Without podman they are skipped on a developer
 * machine, but fail in CI ({@code CI=true}), where {@code .ci/setup-podman.sh} installs it.
 */
final class PodmanSupport {
  /** Registries that the fixtures and tests name; all blocked, so no pull leaves this machine. */
  private static final List<String> BLOCKED =
      List.of(
          "docker.io",
          "registry.k8s.io",
          "k8s.gcr.io",
          "gcr.io",
          "mcr.microsoft.com",
          "quay.io",
          "ghcr.io");

  private PodmanSupport() {}

  /** Skips the calling test without podman, except in CI, where it fails. */
  static void requirePodman() {
    boolean present = run(List.of("podman", "version", "--format", "{{.Server.Version}}")) == 0;
    if (!present && "true".equals(System.getenv("CI"))) {
      throw new AssertionError(
          "CI=true but podman does not answer; .ci/setup-podman.sh must run before the tests");
    }
    Assumptions.assumeTrue(present, "podman is not installed; run .ci/setup-podman.sh as root");
  }

  /**
   * Writes a registries.conf that blocks every registry the tests name, so that a pull fails at
   * once with the engine's own error instead of reaching the network.
   */
  static Path blockedRegistries(Path dir) throws IOException {
    StringBuilder text =
        new StringBuilder("unqualified-search-registries = [\"docker.io\"]\n")
            .append("short-name-mode = \"permissive\"\n");
    for (String registry : BLOCKED) {
      text.append("\n[[registry]]\nprefix = \"")
          .append(registry)
          .append("\"\nlocation = \"")
          .append(registry)
          .append("\"\nblocked = true\n");
    }
    Files.createDirectories(dir);
    Path file = dir.resolve("registries.conf");
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return file;
  }

  /** Launcher settings for the podman runtime with short back-off. */
  static Map<String, String> settings(Path stateDir) throws IOException {
    Map<String, String> settings = new HashMap<>();
    settings.put(LocalSettings.STATE_DIR, stateDir.toString());
    settings.put(LocalSettings.BACK_OFF_INITIAL, "500ms");
    settings.put(LocalSettings.BACK_OFF_MAX, "2s");
    settings.put(LocalSettings.POLL_INTERVAL, "50ms");
    settings.put(ContainerSettings.RUNTIME, ContainerSettings.PODMAN);
    settings.put(
        ContainerSettings.REGISTRIES_CONF, blockedRegistries(stateDir.getParent()).toString());
    return settings;
  }

  /** Names of the containers, pods or volumes that carry {@code label}. */
  static List<String> objects(String kind, String label) {
    List<String> args = new ArrayList<>();
    args.add("podman");
    switch (kind) {
      case "pod" -> args.addAll(List.of("pod", "ps", "--format", "{{.Name}}"));
      case "volume" -> args.addAll(List.of("volume", "ls", "--format", "{{.Name}}"));
      default -> args.addAll(List.of("ps", "-a", "--format", "{{.Names}}"));
    }
    args.addAll(List.of("--filter", "label=" + label));
    try {
      Process process = new ProcessBuilder(args).redirectErrorStream(true).start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      process.waitFor(30, TimeUnit.SECONDS);
      return out.lines().filter(line -> !line.isBlank()).toList();
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Waits until no container, pod or volume carries the label. */
  static void assertNothingLeft(String label) {
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(objects("container", label)).as("leaked containers").isEmpty();
              assertThat(objects("pod", label)).as("leaked pods").isEmpty();
              assertThat(objects("volume", label)).as("leaked volumes").isEmpty();
            });
  }

  static int run(List<String> command) {
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return -1;
      }
      return process.exitValue();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }
}
