package dev.nodeless.local;

import dev.nodeless.PodRef;
import dev.nodeless.spi.ResolvedContainer;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a runtime needs to start one container instance.
 *
 * @param pod the pod
 * @param containerName the container name
 * @param instanceId a unique ID of this instance, usable in file and cgroup names
 * @param command the command and its arguments, already {@code $(VAR)}-expanded
 * @param env the environment; may hold secret values, so never log it
 * @param workingDir the working directory inside the container
 * @param mounts volume mounts, in spec order
 * @param memoryLimitBytes the memory limit, or {@code null} for none
 * @param cpuLimitCores the CPU limit in cores, or {@code null} for none
 * @param runDir a private directory of the pod for this instance's scratch files
 * @param log where the instance's output goes
 * @param spec the container as resolved, for runtimes that read its image and security settings
 * @param sandbox the pod's sandbox from {@link ContainerRuntime#createSandbox}
 * @param podSecurityContext the pod's security context, or {@code null}
 */
record ContainerLaunch(
    PodRef pod,
    String containerName,
    String instanceId,
    List<String> command,
    Map<String, String> env,
    String workingDir,
    List<Mount> mounts,
    Long memoryLimitBytes,
    BigDecimal cpuLimitCores,
    Path runDir,
    LogWriter log,
    ResolvedContainer spec,
    ContainerRuntime.Sandbox sandbox,
    PodSecurityContext podSecurityContext) {

  ContainerLaunch {
    Objects.requireNonNull(pod, "pod");
    command = List.copyOf(command);
    env = Map.copyOf(env);
    mounts = List.copyOf(mounts);
  }

  @Override
  public String toString() {
    return "ContainerLaunch{" + pod + ", container=" + containerName + ", id=" + instanceId + "}";
  }

  /**
   * One bind mount.
   *
   * @param source the host path to mount
   * @param target the absolute path inside the container
   * @param readOnly whether the mount is read-only
   * @param directory whether the source is a directory (otherwise a file)
   */
  record Mount(Path source, String target, boolean readOnly, boolean directory) {}
}
