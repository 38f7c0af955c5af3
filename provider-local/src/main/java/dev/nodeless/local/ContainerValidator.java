package dev.nodeless.local;

import dev.nodeless.ValidationProblem;
import dev.nodeless.local.ContainerEngine.Kind;
import dev.nodeless.spi.ResolvedContainer;
import dev.nodeless.spi.ResolvedPod;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Lists what the container runtime cannot honour in a pod, each with its field path. Unlike the
 * process runtime it runs images, so {@code command} may be left to the image, and users,
 * capabilities and a read-only root file system are applied.
 */
final class ContainerValidator {
  private static final Set<String> SUPPORTED_VOLUMES =
      Set.of("emptyDir", "configMap", "secret", "downwardAPI", "projected", "hostPath");
  private static final String OTHER_PROVIDER =
      "remove the field, or launch the pod on a cloud provider";

  private final List<ValidationProblem> problems = new ArrayList<>();
  private final ContainerSettings settings;
  private final Kind kind;
  private final Set<String> memoryVolumes = new HashSet<>();

  private ContainerValidator(ContainerSettings settings, Kind kind) {
    this.settings = settings;
    this.kind = kind;
  }

  static List<ValidationProblem> validate(ResolvedPod pod, ContainerSettings settings, Kind kind) {
    ContainerValidator validator = new ContainerValidator(settings, kind);
    PodSpec spec = pod.pod().getSpec();
    validator.pod(spec);
    for (ResolvedContainer container : pod.initContainers()) {
      validator.container(container, spec);
    }
    for (ResolvedContainer container : pod.containers()) {
      validator.container(container, spec);
    }
    return List.copyOf(validator.problems);
  }

  private String runtime() {
    return "the " + kind.label() + " runtime of the local provider";
  }

  private void pod(PodSpec spec) {
    if (spec.getOs() != null
        && spec.getOs().getName() != null
        && !"linux".equals(spec.getOs().getName())) {
      problem(
          "spec.os.name",
          spec.getOs().getName(),
          runtime() + " runs Linux containers",
          "set spec.os.name to linux or remove it");
    }
    UnappliedFields.pod(spec, runtime(), this::problem);
    if (Boolean.FALSE.equals(spec.getHostUsers())) {
      // TODO: run pods with hostUsers: false in a user namespace (podman --userns=auto).
      problem(
          "spec.hostUsers",
          "false",
          runtime() + " does not create user namespaces yet",
          "remove hostUsers");
    }
    if (Boolean.TRUE.equals(spec.getHostPID()) || Boolean.TRUE.equals(spec.getHostIPC())) {
      problem(
          Boolean.TRUE.equals(spec.getHostPID()) ? "spec.hostPID" : "spec.hostIPC",
          "true",
          runtime() + " keeps each pod in its own PID and IPC namespaces",
          OTHER_PROVIDER);
    }
    if (spec.getHostAliases() != null
        && !spec.getHostAliases().isEmpty()
        && settings.network().equals("none")
        && !Boolean.TRUE.equals(spec.getHostNetwork())) {
      // TODO: write hostAliases into the pod's /etc/hosts under local.network=none.
      problem(
          "spec.hostAliases",
          null,
          "with " + ContainerSettings.NETWORK + "=none the engine does not add host entries",
          "set " + ContainerSettings.NETWORK + "=bridge, or remove hostAliases");
    }
    PodSecurityContext context = spec.getSecurityContext();
    if (context != null) {
      if (context.getSysctls() != null && !context.getSysctls().isEmpty()) {
        // TODO: pass namespaced sysctls to the pod sandbox.
        problem(
            "spec.securityContext.sysctls",
            context.getSysctls().get(0).getName(),
            runtime() + " does not set sysctls yet",
            OTHER_PROVIDER);
      }
      confinement(
          "spec.securityContext",
          context.getSeccompProfile() == null ? null : context.getSeccompProfile().getType(),
          context.getAppArmorProfile() == null ? null : context.getAppArmorProfile().getType(),
          context.getSeLinuxOptions() != null);
    }
    List<Volume> volumes = spec.getVolumes() == null ? List.of() : spec.getVolumes();
    for (int i = 0; i < volumes.size(); i++) {
      Volume volume = volumes.get(i);
      String path = "spec.volumes[" + i + "]";
      String type = LocalValidator.volumeType(volume);
      if (type == null) {
        continue;
      }
      if (!SUPPORTED_VOLUMES.contains(type)) {
        problem(
            path + "." + type,
            volume.getName(),
            runtime()
                + " keeps volumes on this host without a storage driver, so "
                + type
                + " volumes are not supported",
            "use an emptyDir or hostPath volume instead, or launch the pod on a cloud provider");
      } else if (type.equals("emptyDir") && volume.getEmptyDir().getMedium() != null) {
        String medium = volume.getEmptyDir().getMedium();
        if (medium.equals("Memory")) {
          memoryVolumes.add(volume.getName());
        } else if (!medium.isEmpty()) {
          problem(
              path + ".emptyDir.medium",
              medium,
              runtime() + " cannot reserve huge pages",
              "remove medium or set it to Memory");
        }
      } else if (type.equals("hostPath")) {
        String hostType =
            volume.getHostPath().getType() == null ? "" : volume.getHostPath().getType();
        Path host = Path.of(volume.getHostPath().getPath());
        boolean create = hostType.isEmpty() || hostType.endsWith("OrCreate");
        if (!create && !Files.exists(host)) {
          problem(
              path + ".hostPath.path",
              volume.getHostPath().getPath(),
              "no " + hostType + " exists at this path on the host",
              "create it on the host, or set type to DirectoryOrCreate or FileOrCreate");
        }
      }
    }
  }

  private void container(ResolvedContainer resolved, PodSpec spec) {
    Container container = resolved.container();
    String path = resolved.fieldPath();
    List<VolumeMount> mounts =
        container.getVolumeMounts() == null ? List.of() : container.getVolumeMounts();
    for (int i = 0; i < mounts.size(); i++) {
      VolumeMount mount = mounts.get(i);
      String mountPath = path + ".volumeMounts[" + i + "]";
      boolean expression = mount.getSubPathExpr() != null && !mount.getSubPathExpr().isEmpty();
      String subPath = resolved.subPath(mount);
      if (expression && LocalValidator.leavesVolume(subPath)) {
        // The expression, not its expansion, which may hold a secret value.
        problem(
            mountPath + ".subPathExpr",
            mount.getSubPathExpr(),
            "expands to an absolute path or to one with a '..' element, which leaves the volume",
            "make the variables it names expand to a relative path inside the volume");
      }
      if (!subPath.isEmpty() && memoryVolumes.contains(mount.getName())) {
        problem(
            mountPath + (expression ? ".subPathExpr" : ".subPath"),
            expression ? mount.getSubPathExpr() : mount.getSubPath(),
            runtime() + " mounts a memory-backed emptyDir whole",
            "remove the sub-path, or drop medium: Memory from the volume");
      }
      if (mount.getMountPropagation() != null && !"None".equals(mount.getMountPropagation())) {
        problem(
            mountPath + ".mountPropagation",
            mount.getMountPropagation(),
            runtime() + " mounts volumes privately to the container",
            "remove mountPropagation or set it to None");
      }
    }
    if (container.getVolumeDevices() != null && !container.getVolumeDevices().isEmpty()) {
      problem(
          path + ".volumeDevices",
          container.getVolumeDevices().get(0).getName(),
          runtime() + " has no block volumes",
          "remove volumeDevices");
    }
    if (container.getPorts() != null && !Boolean.TRUE.equals(spec.getHostNetwork())) {
      for (int i = 0; i < container.getPorts().size(); i++) {
        ContainerPort port = container.getPorts().get(i);
        if (port.getHostPort() != null
            && port.getHostPort() > 0
            && settings.network().equals("none")) {
          problem(
              path + ".ports[" + i + "].hostPort",
              port.getHostPort().toString(),
              "with "
                  + ContainerSettings.NETWORK
                  + "=none a pod has only a loopback interface,"
                  + " so no host port can reach it",
              "set " + ContainerSettings.NETWORK + "=bridge, or remove hostPort");
        }
      }
    }
    if (container.getResources() != null) {
      resources(path + ".resources.limits", container.getResources().getLimits());
      resources(path + ".resources.requests", container.getResources().getRequests());
    }
    SecurityContext context = container.getSecurityContext();
    if (context != null) {
      String contextPath = path + ".securityContext";
      if (Boolean.TRUE.equals(context.getPrivileged()) && !settings.allowPrivileged()) {
        problem(
            contextPath + ".privileged",
            "true",
            "privileged containers get every device and capability of the host, which this"
                + " launcher does not allow",
            "remove privileged, or set " + ContainerSettings.ALLOW_PRIVILEGED + "=true");
      }
      if (context.getProcMount() != null && !"Default".equals(context.getProcMount())) {
        problem(
            contextPath + ".procMount",
            context.getProcMount(),
            runtime() + " masks /proc as the default procMount does",
            "remove procMount");
      }
      confinement(
          contextPath,
          context.getSeccompProfile() == null ? null : context.getSeccompProfile().getType(),
          context.getAppArmorProfile() == null ? null : context.getAppArmorProfile().getType(),
          context.getSeLinuxOptions() != null);
    }
    probe(path + ".startupProbe", container.getStartupProbe(), container);
    probe(path + ".livenessProbe", container.getLivenessProbe(), container);
    probe(path + ".readinessProbe", container.getReadinessProbe(), container);
    UnappliedFields.container(container, path, runtime(), this::problem);
    if (container.getLifecycle() != null) {
      if (container.getLifecycle().getPostStart() != null
          && container.getLifecycle().getPostStart().getHttpGet() != null) {
        port(
            path + ".lifecycle.postStart.httpGet.port",
            container.getLifecycle().getPostStart().getHttpGet().getPort(),
            container);
      }
      if (container.getLifecycle().getPreStop() != null
          && container.getLifecycle().getPreStop().getHttpGet() != null) {
        port(
            path + ".lifecycle.preStop.httpGet.port",
            container.getLifecycle().getPreStop().getHttpGet().getPort(),
            container);
      }
    }
  }

  private void resources(String path, Map<String, Quantity> amounts) {
    if (amounts == null) {
      return;
    }
    for (String resource : amounts.keySet()) {
      if (!resource.equals("cpu")
          && !resource.equals("memory")
          && !resource.equals("ephemeral-storage")) {
        problem(
            path + "." + resource,
            amounts.get(resource).toString(),
            runtime() + " cannot allocate " + resource + " to a pod",
            "remove " + resource + ", or launch the pod on a provider that offers it");
      }
    }
  }

  private void probe(String path, Probe probe, Container container) {
    if (probe == null) {
      return;
    }
    if (probe.getGrpc() != null) {
      // TODO: run gRPC health checks through the pod's network namespace.
      problem(
          path + ".grpc",
          String.valueOf(probe.getGrpc().getPort()),
          runtime() + " does not run gRPC health checks",
          "use an exec probe that runs a gRPC health client, or an httpGet or tcpSocket probe");
    }
    if (probe.getHttpGet() != null) {
      port(path + ".httpGet.port", probe.getHttpGet().getPort(), container);
    }
    if (probe.getTcpSocket() != null) {
      port(path + ".tcpSocket.port", probe.getTcpSocket().getPort(), container);
    }
  }

  private void port(String path, IntOrString port, Container container) {
    if (port == null) {
      problem(
          path, null, "a probe port is required", "set the port number or a containerPort name");
    } else if (Probes.resolvePort(port, container) < 0) {
      problem(
          path,
          port.getStrVal(),
          "no containerPort of container \"" + container.getName() + "\" has this name",
          "name one of its ports \"" + port.getStrVal() + "\" or use the port number");
    }
  }

  private void confinement(String path, String seccomp, String appArmor, boolean seLinux) {
    if (seccomp != null && !"Unconfined".equals(seccomp) && !"RuntimeDefault".equals(seccomp)) {
      // TODO: load Localhost seccomp profiles.
      problem(
          path + ".seccompProfile.type",
          seccomp,
          runtime() + " applies only the engine's default seccomp profile or none",
          "set the type to RuntimeDefault or Unconfined");
    }
    if (appArmor != null && !"Unconfined".equals(appArmor) && !"RuntimeDefault".equals(appArmor)) {
      problem(
          path + ".appArmorProfile.type",
          appArmor,
          runtime() + " applies only the engine's default AppArmor profile or none",
          "set the type to RuntimeDefault or Unconfined");
    }
    if (seLinux) {
      problem(
          path + ".seLinuxOptions",
          null,
          runtime() + " does not apply SELinux labels",
          "remove seLinuxOptions");
    }
  }

  private void problem(String path, String value, String rule, String fix) {
    problems.add(new ValidationProblem(path, value, rule, fix));
  }
}
