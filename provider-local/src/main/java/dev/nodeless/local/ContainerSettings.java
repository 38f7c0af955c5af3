package dev.nodeless.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The settings that choose and configure the container runtime of the local provider.
 *
 * @param runtime {@code auto}, {@code process}, {@code podman} or {@code docker}
 * @param engineCommand the path of the engine's command-line tool, or {@code null} to search the
 *     PATH for {@code podman} or {@code docker}
 * @param network the network of each pod sandbox: {@code none} (a private network namespace with
 *     only a loopback interface) or {@code bridge} (the engine's default network, with outbound
 *     access and {@code hostPort} publishing)
 * @param allowPrivileged whether containers may set {@code securityContext.privileged: true}
 * @param registriesConf a registries.conf file that podman reads instead of the system one, or
 *     {@code null}
 * @param pauseImage the image of the infra container that keeps a pod's namespaces under docker
 */
record ContainerSettings(
    String runtime,
    Path engineCommand,
    String network,
    boolean allowPrivileged,
    Path registriesConf,
    String pauseImage) {

  static final String RUNTIME = "local.runtime";
  static final String ENGINE_COMMAND = "local.engineCommand";
  static final String NETWORK = "local.network";
  static final String ALLOW_PRIVILEGED = "local.allowPrivileged";
  static final String REGISTRIES_CONF = "local.registriesConf";
  static final String PAUSE_IMAGE = "local.pauseImage";

  /** Every key above. */
  static final Set<String> KEYS =
      Set.of(RUNTIME, ENGINE_COMMAND, NETWORK, ALLOW_PRIVILEGED, REGISTRIES_CONF, PAUSE_IMAGE);

  static final String AUTO = "auto";
  static final String PROCESS = "process";
  static final String PODMAN = "podman";
  static final String DOCKER = "docker";

  /**
   * Parses the settings.
   *
   * @throws IllegalArgumentException naming the key, the value and the accepted values
   */
  static ContainerSettings parse(Map<String, String> settings) {
    String runtime = settings.getOrDefault(RUNTIME, AUTO).trim().toLowerCase(Locale.ROOT);
    if (!runtime.equals(AUTO)
        && !runtime.equals(PROCESS)
        && !runtime.equals(PODMAN)
        && !runtime.equals(DOCKER)) {
      throw new IllegalArgumentException(
          RUNTIME + " = \"" + runtime + "\" is invalid; use auto, process, podman or docker");
    }
    String network = settings.getOrDefault(NETWORK, "none").trim().toLowerCase(Locale.ROOT);
    if (!network.equals("none") && !network.equals("bridge")) {
      throw new IllegalArgumentException(
          NETWORK
              + " = \""
              + network
              + "\" is invalid; use none (a private loopback per pod) or bridge (the engine's"
              + " default network)");
    }
    String privileged = settings.getOrDefault(ALLOW_PRIVILEGED, "false").trim();
    if (!privileged.equals("true") && !privileged.equals("false")) {
      throw new IllegalArgumentException(
          ALLOW_PRIVILEGED + " = \"" + privileged + "\" is invalid; use true or false");
    }
    Path command = path(settings, ENGINE_COMMAND);
    if (command != null && !Files.isExecutable(command)) {
      throw new IllegalArgumentException(
          ENGINE_COMMAND
              + " = \""
              + command
              + "\" is not an executable file; give the path of podman or docker");
    }
    Path registries = path(settings, REGISTRIES_CONF);
    if (registries != null && !Files.isRegularFile(registries)) {
      throw new IllegalArgumentException(
          REGISTRIES_CONF + " = \"" + registries + "\" is not a file; give a registries.conf file");
    }
    return new ContainerSettings(
        runtime,
        command,
        network,
        Boolean.parseBoolean(privileged),
        registries,
        settings.getOrDefault(PAUSE_IMAGE, "registry.k8s.io/pause:3.9"));
  }

  private static Path path(Map<String, String> settings, String key) {
    String value = settings.get(key);
    return value == null || value.isBlank() ? null : Path.of(value.trim()).toAbsolutePath();
  }
}
