package dev.nodeless.provider.fargate;

import dev.nodeless.spi.ResolvedContainer;
import io.fabric8.kubernetes.api.model.AppArmorProfile;
import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PodDNSConfig;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.SecurityContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Rejects what Fargate cannot run. Rules use the wording of the EKS Fargate scheduler ("Pod not
 * supported on Fargate: ...") where it has one, so that messages match what users of EKS search
 * for.
 */
final class PodChecks {
  static final String NOT_SUPPORTED = "Pod not supported on Fargate: ";

  /** ECS stops a container at most 120 seconds after SIGTERM on Fargate. */
  static final int MAX_STOP_TIMEOUT_SECONDS = 120;

  /** The maximum length of an image reference that ECS accepts. */
  static final int MAX_IMAGE_LENGTH = 255;

  private static final Set<String> SCHEDULABLE = Set.of("cpu", "memory", "ephemeral-storage");

  private PodChecks() {}

  static void check(Context context) {
    PodSpec spec = context.pod.pod().getSpec();
    checkHostNamespaces(spec, context);
    checkPodSecurity(spec.getSecurityContext(), context);
    checkDns(spec, context);
    checkOwner(context);

    if (spec.getTerminationGracePeriodSeconds() != null
        && spec.getTerminationGracePeriodSeconds() > MAX_STOP_TIMEOUT_SECONDS) {
      context.problem(
          "spec.terminationGracePeriodSeconds",
          String.valueOf(spec.getTerminationGracePeriodSeconds()),
          "ECS on Fargate waits at most "
              + MAX_STOP_TIMEOUT_SECONDS
              + " seconds between SIGTERM and SIGKILL (container stopTimeout)",
          "set terminationGracePeriodSeconds to " + MAX_STOP_TIMEOUT_SECONDS + " or less");
    }
    if (spec.getResourceClaims() != null && !spec.getResourceClaims().isEmpty()) {
      context.problem(
          "spec.resourceClaims",
          spec.getResourceClaims().get(0).getName(),
          NOT_SUPPORTED + "dynamic resource claims are not available",
          "remove spec.resourceClaims");
    }

    if (context.settings.spot() && context.platform.windows()) {
      context.problem(
          FargateSettings.SPOT,
          "true",
          "Fargate Spot runs only Linux tasks",
          "set " + FargateSettings.SPOT + "=false for Windows pods");
    }
    if (context.settings.spot() && Platform.ARM64.equals(context.platform.arch())) {
      context.problem(
          FargateSettings.SPOT,
          "true",
          "Fargate Spot runs only x86_64 tasks",
          "set " + FargateSettings.SPOT + "=false, or select kubernetes.io/arch=amd64");
    }

    List<ResolvedContainer> all = new ArrayList<>(context.pod.initContainers());
    all.addAll(context.pod.containers());
    for (ResolvedContainer container : all) {
      checkContainer(container, context);
    }
  }

  private static void checkHostNamespaces(PodSpec spec, Context context) {
    if (Boolean.TRUE.equals(spec.getHostNetwork())) {
      hostField("spec.hostNetwork", "HostNetwork", context);
    }
    if (Boolean.TRUE.equals(spec.getHostPID())) {
      hostField("spec.hostPID", "HostPID", context);
    }
    if (Boolean.TRUE.equals(spec.getHostIPC())) {
      hostField("spec.hostIPC", "HostIPC", context);
    }
  }

  private static void hostField(String path, String field, Context context) {
    context.problem(
        path,
        "true",
        NOT_SUPPORTED + "fields not supported: " + field,
        "remove " + path.substring("spec.".length()) + "; each Fargate task has its own kernel");
  }

  private static void checkPodSecurity(PodSecurityContext security, Context context) {
    if (security == null) {
      return;
    }
    if (security.getSysctls() != null && !security.getSysctls().isEmpty()) {
      context.problem(
          "spec.securityContext.sysctls",
          security.getSysctls().get(0).getName(),
          NOT_SUPPORTED + "invalid SecurityContext fields: Sysctls",
          "remove the sysctls");
    }
    checkSeccomp("spec.securityContext.seccompProfile", security.getSeccompProfile(), context);
    checkAppArmor("spec.securityContext.appArmorProfile", security.getAppArmorProfile(), context);
    if (security.getSeLinuxOptions() != null) {
      context.problem(
          "spec.securityContext.seLinuxOptions",
          String.valueOf(security.getSeLinuxOptions().getType()),
          NOT_SUPPORTED + "invalid SecurityContext fields: SELinuxOptions",
          "remove seLinuxOptions");
    }
  }

  private static void checkDns(PodSpec spec, Context context) {
    if (spec.getHostAliases() != null && !spec.getHostAliases().isEmpty()) {
      context.problem(
          "spec.hostAliases",
          spec.getHostAliases().get(0).getIp(),
          NOT_SUPPORTED + "ECS on Fargate has no extra hosts entries",
          "resolve the names through DNS, or write /etc/hosts in the container's command");
    }
    PodDNSConfig dns = spec.getDnsConfig();
    boolean custom =
        dns != null
            && ((dns.getNameservers() != null && !dns.getNameservers().isEmpty())
                || (dns.getSearches() != null && !dns.getSearches().isEmpty()));
    if (custom || "None".equals(spec.getDnsPolicy())) {
      context.problem(
          custom ? "spec.dnsConfig" : "spec.dnsPolicy",
          custom ? "nameservers/searches" : "None",
          NOT_SUPPORTED
              + "ECS on Fargate uses the VPC's DNS and accepts no DNS servers or search"
              + " domains",
          "remove dnsConfig nameservers and searches and use dnsPolicy ClusterFirst or Default");
    }
  }

  private static void checkOwner(Context context) {
    List<OwnerReference> owners = context.pod.pod().getMetadata().getOwnerReferences();
    if (owners == null) {
      return;
    }
    for (int i = 0; i < owners.size(); i++) {
      if ("DaemonSet".equals(owners.get(i).getKind())) {
        context.problem(
            "metadata.ownerReferences[" + i + "]",
            "DaemonSet/" + owners.get(i).getName(),
            NOT_SUPPORTED + "DaemonSet pods need a node, and a Fargate task is not one",
            "run DaemonSet pods on nodes; run a per-pod sidecar container on Fargate instead");
      }
    }
  }

  private static void checkContainer(ResolvedContainer container, Context context) {
    String path = container.fieldPath();
    String image = container.container().getImage();
    if (image != null && image.length() > MAX_IMAGE_LENGTH) {
      context.problem(
          path + ".image",
          image,
          "ECS accepts image references of at most " + MAX_IMAGE_LENGTH + " characters",
          "use a shorter reference, for example a tag instead of a long digest path");
    }
    checkResources(container, context);
    checkPorts(container, context);
    SecurityContext security = container.container().getSecurityContext();
    if (security == null) {
      return;
    }

    String securityPath = path + ".securityContext";
    if (Boolean.TRUE.equals(security.getPrivileged())) {
      context.problem(
          securityPath + ".privileged",
          "true",
          NOT_SUPPORTED + "invalid SecurityContext fields: Privileged",
          "remove privileged: true");
    }
    Capabilities capabilities = security.getCapabilities();
    if (capabilities != null && capabilities.getAdd() != null) {
      List<String> added = capabilities.getAdd();
      for (int i = 0; i < added.size(); i++) {
        if (!"SYS_PTRACE".equals(capabilityName(added.get(i)))) {
          context.problem(
              securityPath + ".capabilities.add[" + i + "]",
              added.get(i),
              NOT_SUPPORTED
                  + "invalid SecurityContext fields: Capabilities (Fargate adds only"
                  + " SYS_PTRACE)",
              "remove the capability; only SYS_PTRACE can be added on Fargate");
        }
      }
    }

    checkSeccomp(securityPath + ".seccompProfile", security.getSeccompProfile(), context);
    checkAppArmor(securityPath + ".appArmorProfile", security.getAppArmorProfile(), context);
    if (security.getSeLinuxOptions() != null) {
      context.problem(
          securityPath + ".seLinuxOptions",
          String.valueOf(security.getSeLinuxOptions().getType()),
          NOT_SUPPORTED + "invalid SecurityContext fields: SELinuxOptions",
          "remove seLinuxOptions");
    }
    if ("Unmasked".equals(security.getProcMount())) {
      context.problem(
          securityPath + ".procMount",
          "Unmasked",
          NOT_SUPPORTED + "invalid SecurityContext fields: ProcMount",
          "remove procMount or set it to Default");
    }
  }

  private static void checkResources(ResolvedContainer container, Context context) {
    var resources = container.container().getResources();
    if (resources == null) {
      return;
    }
    for (String kind : List.of("requests", "limits")) {
      Map<String, Quantity> amounts =
          kind.equals("requests") ? resources.getRequests() : resources.getLimits();
      if (amounts == null) {
        continue;
      }
      for (String resource : amounts.keySet()) {
        if (SCHEDULABLE.contains(resource)) {
          continue;
        }
        boolean gpu = resource.endsWith("/gpu");
        context.problem(
            entryPath(container.fieldPath() + ".resources." + kind, resource),
            String.valueOf(amounts.get(resource)),
            NOT_SUPPORTED
                + (gpu
                    ? "GPUs are not available"
                    : "extended resource " + resource + " is not" + " available"),
            gpu
                ? "run GPU pods on a provider with GPU machines, such as ec2"
                : "request only cpu, memory and ephemeral-storage");
      }
    }
  }

  private static void checkPorts(ResolvedContainer container, Context context) {
    List<ContainerPort> ports = container.container().getPorts();
    if (ports == null) {
      return;
    }
    for (int i = 0; i < ports.size(); i++) {
      ContainerPort port = ports.get(i);
      String path = container.fieldPath() + ".ports[" + i + "]";
      if (port.getHostIP() != null && !port.getHostIP().isEmpty()) {
        context.problem(
            path + ".hostIP",
            port.getHostIP(),
            NOT_SUPPORTED + "port contains HostIP or HostPort",
            "remove hostIP; the task's network interface has a single address");
      }
      if (port.getHostPort() != null
          && port.getHostPort() != 0
          && !port.getHostPort().equals(port.getContainerPort())) {
        context.problem(
            path + ".hostPort",
            String.valueOf(port.getHostPort()),
            NOT_SUPPORTED
                + "port contains HostIP or HostPort (in awsvpc mode the host port must"
                + " equal the container port)",
            "remove hostPort, or set it to " + port.getContainerPort());
      }
      String protocol = port.getProtocol() == null ? "TCP" : port.getProtocol();
      if (!protocol.equals("TCP") && !protocol.equals("UDP")) {
        context.problem(
            path + ".protocol",
            protocol,
            "ECS port mappings carry only TCP and UDP",
            "use TCP or UDP");
      }
    }
  }

  private static void checkSeccomp(String path, SeccompProfile profile, Context context) {
    if (profile != null && !"RuntimeDefault".equals(profile.getType())) {
      context.problem(
          path + ".type",
          profile.getType(),
          NOT_SUPPORTED + "Fargate runs every container with its default seccomp profile",
          "set type RuntimeDefault or remove seccompProfile");
    }
  }

  private static void checkAppArmor(String path, AppArmorProfile profile, Context context) {
    if (profile != null && !"RuntimeDefault".equals(profile.getType())) {
      context.problem(
          path + ".type",
          profile.getType(),
          NOT_SUPPORTED + "Fargate accepts no AppArmor profile",
          "set type RuntimeDefault or remove appArmorProfile");
    }
  }

  /**
   * Formats the path of a map entry as core writes it: {@code base.key} for keys of ASCII letters,
   * digits and {@code -}, {@code base[key]} otherwise, such as {@code limits[nvidia.com/gpu]}.
   */
  static String entryPath(String base, String key) {
    boolean simple =
        !key.isEmpty()
            && key.chars()
                .allMatch(
                    c ->
                        (c >= 'a' && c <= 'z')
                            || (c >= 'A' && c <= 'Z')
                            || (c >= '0' && c <= '9')
                            || c == '-');
    return simple ? base + "." + key : base + "[" + key + "]";
  }

  /** Normalizes a capability name as ECS writes it: upper case, without the {@code CAP_} prefix. */
  static String capabilityName(String capability) {
    String upper = capability.toUpperCase(Locale.ROOT);
    return upper.startsWith("CAP_") ? upper.substring(4) : upper;
  }
}
