package dev.nodeless.local;

import dev.nodeless.ValidationProblem;
import dev.nodeless.spi.ResolvedContainer;
import dev.nodeless.spi.ResolvedPod;
import dev.nodeless.spi.ResolvedVolume;
import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HostAlias;
import io.fabric8.kubernetes.api.model.HostPathVolumeSource;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LifecycleHandler;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Lists what the process runtime cannot honour in a pod, each with its field path. The core
 * validator has already checked the pod against the Kubernetes API rules.
 */
final class LocalValidator {
  /** The largest user or group ID that the API server accepts. */
  private static final long MAX_ID = Integer.MAX_VALUE;

  private static final Set<String> SUPPORTED_VOLUMES =
      Set.of("emptyDir", "configMap", "secret", "downwardAPI", "projected", "hostPath");
  private static final String HOST_RESOURCES_FIX =
      "remove the field, or launch the pod on a provider that runs containers";

  /** A DNS-1123 subdomain, as the API server requires of host alias names. */
  private static final Pattern HOSTNAME =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  private final List<ValidationProblem> problems = new ArrayList<>();
  private final boolean mountNamespaces;
  private final boolean setpriv;

  private LocalValidator(boolean mountNamespaces, boolean setpriv) {
    this.mountNamespaces = mountNamespaces;
    this.setpriv = setpriv;
  }

  /**
   * Checks a pod against what host processes can do.
   *
   * @param mountNamespaces whether private mount namespaces are available
   * @param setpriv whether util-linux's {@code setpriv} is installed
   */
  static List<ValidationProblem> validate(
      ResolvedPod pod, boolean mountNamespaces, boolean setpriv) {
    LocalValidator validator = new LocalValidator(mountNamespaces, setpriv);
    PodSpec spec = pod.pod().getSpec();
    validator.podFields(spec);
    validator.volumes(spec);
    for (ResolvedContainer container : pod.initContainers()) {
      validator.container(container);
    }
    for (ResolvedContainer container : pod.containers()) {
      validator.container(container);
    }
    validator.runAsNonRoot(pod);
    validator.secretOwners(pod);
    return List.copyOf(validator.problems);
  }

  private void podFields(PodSpec spec) {
    if (spec.getOs() != null
        && spec.getOs().getName() != null
        && !"linux".equals(spec.getOs().getName())) {
      problem(
          "spec.os.name",
          spec.getOs().getName(),
          "the local provider runs Linux processes",
          "set spec.os.name to linux or remove it");
    }
    if (spec.getHostAliases() != null && !spec.getHostAliases().isEmpty()) {
      hostAliases(spec.getHostAliases());
    }
    UnappliedFields.pod(spec, "the local provider", this::problem);
    if (Boolean.FALSE.equals(spec.getHostUsers())) {
      problem(
          "spec.hostUsers",
          "false",
          "the local provider runs processes in the host user namespace",
          "remove hostUsers");
    }
    PodSecurityContext context = spec.getSecurityContext();
    if (context != null) {
      String path = "spec.securityContext";
      identity(path + ".runAsUser", context.getRunAsUser());
      identity(path + ".runAsGroup", context.getRunAsGroup());
      identity(path + ".fsGroup", context.getFsGroup());
      if (context.getSupplementalGroups() != null && !context.getSupplementalGroups().isEmpty()) {
        identity(path + ".supplementalGroups", context.getSupplementalGroups());
      }
      if (context.getSysctls() != null && !context.getSysctls().isEmpty()) {
        problem(
            path + ".sysctls",
            context.getSysctls().get(0).getName(),
            "the local provider cannot set namespaced sysctls for one pod",
            HOST_RESOURCES_FIX);
      }
      confinement(
          path,
          context.getSeccompProfile() == null ? null : context.getSeccompProfile().getType(),
          context.getAppArmorProfile() == null ? null : context.getAppArmorProfile().getType(),
          context.getSeLinuxOptions() != null);
    }
  }

  private void volumes(PodSpec spec) {
    List<Volume> volumes = spec.getVolumes() == null ? List.of() : spec.getVolumes();
    for (int i = 0; i < volumes.size(); i++) {
      Volume volume = volumes.get(i);
      String path = "spec.volumes[" + i + "]";
      String type = volumeType(volume);
      if (type == null) {
        continue;
      }
      if (!SUPPORTED_VOLUMES.contains(type)) {
        problem(
            path + "." + type,
            volume.getName(),
            "the local provider keeps volumes on this host without a storage driver, so "
                + type
                + " volumes are not supported",
            "use an emptyDir or hostPath volume instead, or launch the pod on a cloud provider");
      } else if (type.equals("emptyDir")
          && volume.getEmptyDir().getMedium() != null
          && volume.getEmptyDir().getMedium().startsWith("HugePages")) {
        problem(
            path + ".emptyDir.medium",
            volume.getEmptyDir().getMedium(),
            "the local provider cannot reserve huge pages",
            "remove medium or set it to Memory");
      } else if (type.equals("hostPath")) {
        hostPath(path + ".hostPath", volume.getHostPath());
      }
    }
  }

  private void hostPath(String path, HostPathVolumeSource source) {
    Path host = Path.of(source.getPath());
    String type = source.getType() == null ? "" : source.getType();
    boolean ok =
        switch (type) {
          case "", "DirectoryOrCreate", "FileOrCreate" -> true;
          case "Directory" -> Files.isDirectory(host);
          case "File" -> Files.isRegularFile(host);
          case "Socket", "CharDevice", "BlockDevice" ->
              Files.exists(host, LinkOption.NOFOLLOW_LINKS)
                  && !Files.isRegularFile(host)
                  && !Files.isDirectory(host);
          default -> false;
        };
    if (!ok) {
      problem(
          path + ".path",
          source.getPath(),
          "no " + (type.isEmpty() ? "file" : type) + " exists at this path on the host",
          "create it on the host, or set type to DirectoryOrCreate or FileOrCreate");
    }
  }

  private void container(ResolvedContainer resolved) {
    Container container = resolved.container();
    String path = resolved.fieldPath();
    if (resolved.command().isEmpty()) {
      problem(
          path + ".command",
          null,
          "the local provider runs host processes and cannot read the entrypoint of image \""
              + container.getImage()
              + "\"",
          "set command (and args) to the program to run on this host, such as [\"sh\", \"-c\","
              + " \"...\"]; or install podman or docker, which run the image (setting"
              + " local.runtime)");
    }
    List<VolumeMount> mounts =
        container.getVolumeMounts() == null ? List.of() : container.getVolumeMounts();
    for (int i = 0; i < mounts.size(); i++) {
      VolumeMount mount = mounts.get(i);
      String mountPath = path + ".volumeMounts[" + i + "]";
      if (!mountNamespaces) {
        problem(
            mountPath,
            mount.getMountPath(),
            "mounting volume \""
                + mount.getName()
                + "\" needs a private mount namespace, which this host does not allow (it needs root"
                + " on Linux with the unshare tool)",
            "run the launcher as root on Linux, or remove the mount");
        continue;
      }
      if (mount.getSubPathExpr() != null && !mount.getSubPathExpr().isEmpty()) {
        String expanded = resolved.subPath(mount);
        if (leavesVolume(expanded)) {
          // The expression, not its expansion, which may hold a secret value.
          problem(
              mountPath + ".subPathExpr",
              mount.getSubPathExpr(),
              "expands to an absolute path or to one with a '..' element, which leaves the volume",
              "make the variables it names expand to a relative path inside the volume");
        }
      }
      if (mount.getMountPropagation() != null && !"None".equals(mount.getMountPropagation())) {
        problem(
            mountPath + ".mountPropagation",
            mount.getMountPropagation(),
            "the local provider mounts volumes privately to the container",
            "remove mountPropagation or set it to None");
      }
    }
    if (container.getVolumeDevices() != null && !container.getVolumeDevices().isEmpty()) {
      problem(
          path + ".volumeDevices",
          container.getVolumeDevices().get(0).getName(),
          "the local provider has no block volumes",
          "remove volumeDevices");
    }
    if (container.getWorkingDir() != null
        && !container.getWorkingDir().isEmpty()
        && !mountNamespaces
        && !Files.isDirectory(Path.of(container.getWorkingDir()))) {
      problem(
          path + ".workingDir",
          container.getWorkingDir(),
          "the directory does not exist on this host and cannot be created privately without a mount namespace",
          "create the directory on the host or use an existing one");
    }
    resources(path, container);
    SecurityContext context = container.getSecurityContext();
    if (context != null) {
      String contextPath = path + ".securityContext";
      identity(contextPath + ".runAsUser", context.getRunAsUser());
      identity(contextPath + ".runAsGroup", context.getRunAsGroup());
      capabilities(contextPath + ".capabilities", context.getCapabilities());
      if (Boolean.TRUE.equals(context.getReadOnlyRootFilesystem())) {
        problem(
            contextPath + ".readOnlyRootFilesystem",
            "true",
            "the local provider runs processes on the host's root file system, which it cannot make read-only",
            HOST_RESOURCES_FIX);
      }
      if (Boolean.FALSE.equals(context.getAllowPrivilegeEscalation()) && !setpriv) {
        problem(
            contextPath + ".allowPrivilegeEscalation",
            "false",
            "the local provider sets no_new_privs with util-linux's setpriv, which is not installed",
            "install setpriv (package util-linux), or remove the field");
      }
      if (context.getProcMount() != null && !"Default".equals(context.getProcMount())) {
        problem(
            contextPath + ".procMount",
            context.getProcMount(),
            "the local provider shows the host's /proc",
            HOST_RESOURCES_FIX);
      }
      confinement(
          contextPath,
          context.getSeccompProfile() == null ? null : context.getSeccompProfile().getType(),
          context.getAppArmorProfile() == null ? null : context.getAppArmorProfile().getType(),
          context.getSeLinuxOptions() != null);
    }
    UnappliedFields.container(container, path, "the local provider", this::problem);
    probe(path + ".startupProbe", container.getStartupProbe(), container);
    probe(path + ".livenessProbe", container.getLivenessProbe(), container);
    probe(path + ".readinessProbe", container.getReadinessProbe(), container);
    if (container.getLifecycle() != null) {
      handler(path + ".lifecycle.postStart", container.getLifecycle().getPostStart(), container);
      handler(path + ".lifecycle.preStop", container.getLifecycle().getPreStop(), container);
    }
  }

  private void resources(String path, Container container) {
    if (container.getResources() == null) {
      return;
    }
    checkResourceNames(path + ".resources.limits", container.getResources().getLimits());
    checkResourceNames(path + ".resources.requests", container.getResources().getRequests());
  }

  private void checkResourceNames(String path, Map<String, Quantity> amounts) {
    if (amounts == null) {
      return;
    }
    for (String resource : amounts.keySet()) {
      if (resource.equals("cpu")
          || resource.equals("memory")
          || resource.equals("ephemeral-storage")) {
        continue;
      }
      problem(
          path + "." + resource,
          amounts.get(resource).toString(),
          "the local provider cannot allocate " + resource + " to a pod",
          "remove " + resource + ", or launch the pod on a provider that offers it");
    }
  }

  private void probe(String path, Probe probe, Container container) {
    if (probe == null) {
      return;
    }
    if (probe.getGrpc() != null) {
      problem(
          path + ".grpc",
          String.valueOf(probe.getGrpc().getPort()),
          "the local provider does not run gRPC health checks",
          "use an exec probe that runs a gRPC health client, or an httpGet or tcpSocket probe");
    }
    if (probe.getHttpGet() != null) {
      port(path + ".httpGet.port", probe.getHttpGet().getPort(), container);
    }
    if (probe.getTcpSocket() != null) {
      port(path + ".tcpSocket.port", probe.getTcpSocket().getPort(), container);
    }
  }

  private void handler(String path, LifecycleHandler handler, Container container) {
    if (handler != null && handler.getHttpGet() != null) {
      port(path + ".httpGet.port", handler.getHttpGet().getPort(), container);
    }
  }

  private void port(String path, IntOrString port, Container container) {
    if (port == null) {
      problem(
          path, null, "a probe port is required", "set the port number or a containerPort name");
      return;
    }
    if (Probes.resolvePort(port, container) < 0) {
      problem(
          path,
          port.getStrVal(),
          "no containerPort of container \"" + container.getName() + "\" has this name",
          "name one of its ports \"" + port.getStrVal() + "\" or use the port number");
    }
  }

  /** Returns whether a sub-path is absolute or has a {@code ..} element. */
  static boolean leavesVolume(String subPath) {
    return subPath.startsWith("/") || List.of(subPath.split("/")).contains("..");
  }

  private void hostAliases(List<HostAlias> aliases) {
    if (!mountNamespaces) {
      problem(
          "spec.hostAliases",
          null,
          "the pod's own /etc/hosts needs a private mount namespace, which is turned off or not"
              + " available",
          "remove hostAliases and use addresses, or run where "
              + LocalSettings.MOUNT_NAMESPACES
              + " can be true");
    }
    for (int i = 0; i < aliases.size(); i++) {
      HostAlias alias = aliases.get(i);
      String path = "spec.hostAliases[" + i + "]";
      if (alias.getIp() == null || !isIpAddress(alias.getIp())) {
        problem(
            path + ".ip",
            alias.getIp(),
            "must be an IPv4 or IPv6 address",
            "write the address in numbers, such as 10.0.0.5");
      }
      List<String> names = alias.getHostnames() == null ? List.of() : alias.getHostnames();
      for (int j = 0; j < names.size(); j++) {
        String name = names.get(j);
        if (name == null || !HOSTNAME.matcher(name).matches()) {
          problem(
              path + ".hostnames[" + j + "]",
              name,
              "must be a lowercase DNS name: labels of letters, digits and '-' joined by dots",
              "use a name such as db.internal");
        }
      }
    }
  }

  private static boolean isIpAddress(String text) {
    if (text.isEmpty() || !text.matches("[0-9A-Fa-f.:]+")) {
      return false;
    }
    try {
      // Only digits, hex digits, dots and colons remain, so no name lookup can happen.
      InetAddress.getByName(text);
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private void capabilities(String path, Capabilities capabilities) {
    if (capabilities == null) {
      return;
    }
    List<String> add = capabilities.getAdd() == null ? List.of() : capabilities.getAdd();
    List<String> drop = capabilities.getDrop() == null ? List.of() : capabilities.getDrop();
    if (add.isEmpty() && drop.isEmpty()) {
      return;
    }
    boolean named = names(path + ".add", add) & names(path + ".drop", drop);
    if (!named) {
      return;
    }
    if (!isRoot()) {
      problem(
          path,
          "add " + add + ", drop " + drop,
          "the launcher does not run as root, so its processes have no capabilities to keep and it"
              + " cannot change their bounding set",
          "remove capabilities, run the launcher as root, or launch the pod on a provider that runs"
              + " containers");
    } else if (!setpriv) {
      problem(
          path,
          "add " + add + ", drop " + drop,
          "the local provider changes capabilities with util-linux's setpriv, which is not installed",
          "install setpriv (package util-linux), or remove capabilities");
    }
  }

  /** Reports each entry that names no capability; returns whether all name one. */
  private boolean names(String path, List<String> names) {
    boolean valid = true;
    for (int i = 0; i < names.size(); i++) {
      if (Privileges.normalize(names.get(i)) == null) {
        valid = false;
        problem(
            path + "[" + i + "]",
            names.get(i),
            "not a Linux capability name",
            "use a name from capabilities(7) without the CAP_ prefix, such as NET_BIND_SERVICE, or"
                + " ALL");
      }
    }
    return valid;
  }

  /** Checks a user or group ID, or a list of group IDs, that a root launcher applies. */
  private void identity(String path, Object value) {
    if (value == null) {
      return;
    }
    if (!isRoot()) {
      problem(
          path,
          value.toString(),
          "a launcher that is not root runs every process as its own user and group",
          "remove the field, run the launcher as root, or launch the pod on a provider that runs"
              + " containers");
    } else if (!setpriv) {
      problem(
          path,
          value.toString(),
          "the local provider changes users and groups with util-linux's setpriv, which is not"
              + " installed",
          "install setpriv (package util-linux), or remove the field");
    } else if (value instanceof List<?> ids) {
      for (int i = 0; i < ids.size(); i++) {
        idRange(path + "[" + i + "]", (Long) ids.get(i));
      }
    } else {
      idRange(path, (Long) value);
    }
  }

  private void idRange(String path, Long id) {
    if (id == null || id < 0 || id > MAX_ID) {
      problem(
          path,
          String.valueOf(id),
          "must be between 0 and " + MAX_ID,
          "use a user or group ID in that range");
    }
  }

  /**
   * Checks runAsNonRoot against the user each container runs as: its own or the pod's runAsUser,
   * else the launcher's user. A pod-level runAsNonRoot is reported once, at the pod.
   */
  private void runAsNonRoot(ResolvedPod pod) {
    PodSecurityContext podContext = pod.pod().getSpec().getSecurityContext();
    boolean podLevelReported = false;
    List<ResolvedContainer> all = new ArrayList<>(pod.initContainers());
    all.addAll(pod.containers());
    for (ResolvedContainer resolved : all) {
      SecurityContext context = resolved.container().getSecurityContext();
      Boolean own = context == null ? null : context.getRunAsNonRoot();
      boolean nonRoot =
          own != null
              ? own
              : podContext != null && Boolean.TRUE.equals(podContext.getRunAsNonRoot());
      if (!nonRoot) {
        continue;
      }
      Long uid = Privileges.RunAs.userOf(podContext, context);
      boolean root = uid == null ? isRoot() : uid == 0;
      if (!root) {
        continue;
      }
      String rule =
          uid == null
              ? "the launcher runs as root, so the processes of "
                  + resolved.fieldPath()
                  + " would run as root"
              : "runAsUser 0 runs the processes of " + resolved.fieldPath() + " as root";
      String fix = "set runAsUser to a user ID other than 0, or remove runAsNonRoot";
      if (own != null) {
        problem(resolved.fieldPath() + ".securityContext.runAsNonRoot", "true", rule, fix);
      } else if (!podLevelReported) {
        podLevelReported = true;
        problem("spec.securityContext.runAsNonRoot", "true", rule, fix);
      }
    }
  }

  /**
   * Checks that each secret volume can be made readable to the containers that mount it. Secret
   * files stay readable by their owner only, so without an fsGroup every container that mounts one
   * must run as root or as the same user.
   */
  private void secretOwners(ResolvedPod pod) {
    PodSpec spec = pod.pod().getSpec();
    PodSecurityContext podContext = spec.getSecurityContext();
    if (spec.getVolumes() == null || (podContext != null && podContext.getFsGroup() != null)) {
      return;
    }
    for (int i = 0; i < spec.getVolumes().size(); i++) {
      String name = spec.getVolumes().get(i).getName();
      ResolvedVolume volume = pod.volumes().get(name);
      if (volume == null || !volume.secret()) {
        continue;
      }
      Set<Long> users = secretReaders(pod, name);
      if (users.size() > 1) {
        problem(
            "spec.volumes[" + i + "]",
            name,
            "containers that run as different users "
                + users
                + " mount this secret volume, whose"
                + " files only their owner may read",
            "set spec.securityContext.fsGroup, which makes the files readable by that group");
      }
    }
  }

  /** Returns the users other than root that the containers mounting the volume run as. */
  static Set<Long> secretReaders(ResolvedPod pod, String volumeName) {
    PodSecurityContext podContext = pod.pod().getSpec().getSecurityContext();
    Set<Long> users = new TreeSet<>();
    List<ResolvedContainer> all = new ArrayList<>(pod.initContainers());
    all.addAll(pod.containers());
    for (ResolvedContainer resolved : all) {
      Container container = resolved.container();
      boolean mounts =
          container.getVolumeMounts() != null
              && container.getVolumeMounts().stream()
                  .anyMatch(mount -> volumeName.equals(mount.getName()));
      Long uid = Privileges.RunAs.userOf(podContext, container.getSecurityContext());
      if (mounts && uid != null && uid != 0) {
        users.add(uid);
      }
    }
    return users;
  }

  private void confinement(String path, String seccomp, String appArmor, boolean seLinux) {
    if (seccomp != null && !"Unconfined".equals(seccomp)) {
      problem(
          path + ".seccompProfile.type",
          seccomp,
          "the local provider cannot apply a seccomp profile",
          "remove seccompProfile or set its type to Unconfined");
    }
    if (appArmor != null && !"Unconfined".equals(appArmor)) {
      problem(
          path + ".appArmorProfile.type",
          appArmor,
          "the local provider cannot apply an AppArmor profile",
          "remove appArmorProfile or set its type to Unconfined");
    }
    if (seLinux) {
      problem(
          path + ".seLinuxOptions",
          null,
          "the local provider cannot apply SELinux labels",
          "remove seLinuxOptions");
    }
  }

  static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  static String volumeType(Volume volume) {
    if (volume.getEmptyDir() != null) return "emptyDir";
    if (volume.getConfigMap() != null) return "configMap";
    if (volume.getSecret() != null) return "secret";
    if (volume.getDownwardAPI() != null) return "downwardAPI";
    if (volume.getProjected() != null) return "projected";
    if (volume.getHostPath() != null) return "hostPath";
    if (volume.getPersistentVolumeClaim() != null) return "persistentVolumeClaim";
    if (volume.getCsi() != null) return "csi";
    if (volume.getNfs() != null) return "nfs";
    if (volume.getEphemeral() != null) return "ephemeral";
    if (volume.getImage() != null) return "image";
    if (volume.getIscsi() != null) return "iscsi";
    if (volume.getAzureFile() != null) return "azureFile";
    if (volume.getAzureDisk() != null) return "azureDisk";
    if (volume.getAwsElasticBlockStore() != null) return "awsElasticBlockStore";
    if (volume.getGcePersistentDisk() != null) return "gcePersistentDisk";
    if (volume.getGitRepo() != null) return "gitRepo";
    if (volume.getCephfs() != null) return "cephfs";
    if (volume.getRbd() != null) return "rbd";
    if (volume.getGlusterfs() != null) return "glusterfs";
    if (volume.getFc() != null) return "fc";
    if (volume.getFlexVolume() != null) return "flexVolume";
    if (volume.getFlocker() != null) return "flocker";
    if (volume.getCinder() != null) return "cinder";
    if (volume.getPortworxVolume() != null) return "portworxVolume";
    if (volume.getQuobyte() != null) return "quobyte";
    if (volume.getScaleIO() != null) return "scaleIO";
    if (volume.getStorageos() != null) return "storageos";
    if (volume.getVsphereVolume() != null) return "vsphereVolume";
    if (volume.getPhotonPersistentDisk() != null) return "photonPersistentDisk";
    return null;
  }

  private void problem(String path, String value, String rule, String fix) {
    problems.add(new ValidationProblem(path, value, rule, fix));
  }
}
