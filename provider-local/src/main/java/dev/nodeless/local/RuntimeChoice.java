package dev.nodeless.local;

import dev.nodeless.local.ContainerEngine.Kind;
import dev.nodeless.spi.ResolvedContainer;
import dev.nodeless.spi.ResolvedPod;
import java.util.ArrayList;
import java.util.List;

/**
 * Which runtime runs the pods of one local provider, chosen once from {@value
 * ContainerSettings#RUNTIME}:
 *
 * <ul>
 *   <li>{@code process}: every pod runs as host processes;
 *   <li>{@code podman} or {@code docker}: every pod runs in containers of that engine, which must
 *       respond;
 *   <li>{@code auto} (the default): podman, else docker, when one responds. Then a pod in which
 *       some container leaves its command to the image runs in containers, and a pod whose every
 *       container sets {@code command} runs as host processes, as before containers were supported;
 *       without an engine every pod runs as host processes.
 * </ul>
 *
 * @param mode the setting's value
 * @param engine the engine that answered, or null
 * @param tried what was tried, for messages, such as {@code podman: no podman command on the PATH}
 */
record RuntimeChoice(String mode, ContainerEngine engine, List<String> tried) {

  /**
   * Looks for the engines the setting allows.
   *
   * @throws IllegalArgumentException when the explicit engine cannot be used, saying why
   */
  static RuntimeChoice choose(ContainerSettings settings) {
    String mode = settings.runtime();
    List<String> tried = new ArrayList<>();
    if (mode.equals(ContainerSettings.PROCESS)) {
      return new RuntimeChoice(mode, null, tried);
    }
    List<Kind> kinds =
        switch (mode) {
          case ContainerSettings.PODMAN -> List.of(Kind.PODMAN);
          case ContainerSettings.DOCKER -> List.of(Kind.DOCKER);
          default -> List.of(Kind.PODMAN, Kind.DOCKER);
        };
    for (Kind kind : kinds) {
      ContainerEngine.Either found = ContainerEngine.find(kind, settings);
      if (found.engine() != null) {
        return new RuntimeChoice(mode, found.engine(), tried);
      }
      tried.add(found.reason());
    }
    if (!mode.equals(ContainerSettings.AUTO)) {
      throw new IllegalArgumentException(
          ContainerSettings.RUNTIME
              + " = \""
              + mode
              + "\" cannot be used: "
              + String.join("; ", tried)
              + ". Install and start "
              + mode
              + ", set "
              + ContainerSettings.ENGINE_COMMAND
              + " to its command, or set "
              + ContainerSettings.RUNTIME
              + "=process");
    }
    return new RuntimeChoice(mode, null, tried);
  }

  /** Whether this pod runs in containers. */
  boolean containers(ResolvedPod pod) {
    if (engine == null) {
      return false;
    }
    if (!mode.equals(ContainerSettings.AUTO)) {
      return true;
    }
    return pod.initContainers().stream().anyMatch(RuntimeChoice::usesImageEntrypoint)
        || pod.containers().stream().anyMatch(RuntimeChoice::usesImageEntrypoint);
  }

  private static boolean usesImageEntrypoint(ResolvedContainer container) {
    return container.command().isEmpty();
  }

  /** One sentence for the log. */
  String describe() {
    if (engine == null) {
      return mode.equals(ContainerSettings.PROCESS)
          ? "host processes (" + ContainerSettings.RUNTIME + "=process)"
          : "host processes; no container engine answered (" + String.join("; ", tried) + ")";
    }
    if (mode.equals(ContainerSettings.AUTO)) {
      return engine
          + " for pods that leave a command to the image, host processes for the others (set "
          + ContainerSettings.RUNTIME
          + "="
          + engine.kind().label()
          + " to run every pod in containers)";
    }
    return engine + " for every pod";
  }
}
