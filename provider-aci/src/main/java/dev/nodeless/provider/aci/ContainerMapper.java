package dev.nodeless.provider.aci;

import com.azure.resourcemanager.containerinstance.models.ContainerNetworkProtocol;
import com.azure.resourcemanager.containerinstance.models.ContainerPort;
import com.azure.resourcemanager.containerinstance.models.EnvironmentVariable;
import com.azure.resourcemanager.containerinstance.models.VolumeMount;
import dev.nodeless.spi.EnvValue;
import dev.nodeless.spi.ResolvedContainer;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Lifecycle;
import io.fabric8.kubernetes.api.model.LifecycleHandler;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.SecurityContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Maps the parts of one container that ACI containers and init containers share. */
final class ContainerMapper {
  /** ACI rejects other names with InvalidContainerEnvironmentVariable. */
  static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /** ACI container names: lower-case letters, digits and inner hyphens, at most 63 characters. */
  static final Pattern CONTAINER_NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  private ContainerMapper() {}

  /**
   * Image references as the container registry grammar defines them: an optional registry host,
   * lower-case path components, an optional tag and an optional digest.
   */
  static final Pattern IMAGE_REFERENCE =
      Pattern.compile(
          "(?:(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*"
              + "(?::[0-9]+)?/)?"
              + "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*"
              + "(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?"
              + "(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?");

  /** Checks the container name and image, which ACI requires. */
  static void checkIdentity(ResolvedContainer container, Findings findings) {
    String name = container.name();
    if (name == null || !CONTAINER_NAME.matcher(name).matches()) {
      findings.reject(
          container.fieldPath() + ".name",
          name,
          "an ACI container name has 1-63 lower-case letters, digits or inner hyphens",
          "rename the container, for example to app");
    }
    String image = container.container().getImage();
    if (image == null || image.isBlank()) {
      findings.reject(
          container.fieldPath() + ".image", image, "a container has an image", "set the image");
    } else if (!IMAGE_REFERENCE.matcher(image).matches()) {
      findings.reject(
          container.fieldPath() + ".image",
          image,
          "ACI pulls images by registry reference, and this is not one",
          "use a reference such as nginx:1.27 or myregistry.azurecr.io/team/app@sha256:...");
    }
  }

  /**
   * Returns ACI's command: the Kubernetes command followed by its args, because ACI's command
   * replaces the image entrypoint and ACI has no separate args. Returns {@code null} to keep the
   * image's own entrypoint and command.
   */
  static List<String> commandLine(ResolvedContainer container, Findings findings) {
    if (container.command().isEmpty()) {
      if (!container.args().isEmpty()) {
        findings.reject(
            container.fieldPath() + ".args",
            // As written: the expanded args may hold a secret value.
            String.join(" ", container.container().getArgs()),
            "ACI has no args field and its command replaces the image entrypoint, so args without"
                + " command cannot keep the image's entrypoint",
            "add command with the image's entrypoint, such as command: [\"/docker-entrypoint.sh\"]");
      }
      return null;
    }
    checkSecretExpansion(container, findings);
    List<String> line = new ArrayList<>(container.command());
    line.addAll(container.args());
    return line;
  }

  /**
   * Rejects a {@code $(VAR)} reference to a secret-sourced variable in the command line: ACI keeps
   * the command as plain text in the container group, readable by anyone who can read the group.
   */
  private static void checkSecretExpansion(ResolvedContainer container, Findings findings) {
    for (ResolvedContainer.SecretExpansion expansion : container.secretExpansions()) {
      for (String name : expansion.variables()) {
        findings.reject(
            expansion.fieldPath(),
            "$(" + name + ")",
            "the expansion puts a Secret value into the command, which ACI stores in plain text",
            "read the variable inside the process instead, such as [\"sh\", \"-c\", \"exec app"
                + " --token \\\"$"
                + name
                + "\\\"\"]");
      }
    }
  }

  /**
   * Maps the final environment. Secret-sourced values go to {@code secureValue}, every other value
   * to {@code value}; an empty value stays set and empty.
   */
  static List<EnvironmentVariable> environment(ResolvedContainer container, Findings findings) {
    List<EnvironmentVariable> result = new ArrayList<>();
    for (EnvValue env : container.env()) {
      if (!ENV_NAME.matcher(env.name()).matches()) {
        rejectEnvName(container, env, findings);
        continue;
      }
      EnvironmentVariable variable = new EnvironmentVariable().withName(env.name());
      if (env.secret()) {
        variable.withSecureValue(env.value());
      } else {
        variable.withValue(env.value());
      }
      result.add(variable);
    }
    return result;
  }

  private static void rejectEnvName(ResolvedContainer container, EnvValue env, Findings findings) {
    String rule = "ACI accepts environment variable names matching [A-Za-z_][A-Za-z0-9_]*";
    Container spec = container.container();
    List<EnvVar> vars = spec.getEnv() == null ? List.of() : spec.getEnv();
    for (int i = vars.size() - 1; i >= 0; i--) {
      if (env.name().equals(vars.get(i).getName())) {
        findings.reject(
            container.fieldPath() + ".env[" + i + "].name",
            env.name(),
            rule,
            "rename the variable, for example to " + suggestName(env.name()));
        return;
      }
    }
    List<EnvFromSource> sources = spec.getEnvFrom() == null ? List.of() : spec.getEnvFrom();
    for (int j = 0; j < sources.size(); j++) {
      EnvFromSource source = sources.get(j);
      String object =
          source.getConfigMapRef() != null
              ? source.getConfigMapRef().getName()
              : source.getSecretRef() != null ? source.getSecretRef().getName() : null;
      if (object != null && object.equals(env.objectName())) {
        findings.reject(
            container.fieldPath() + ".envFrom[" + j + "]",
            env.name(),
            rule + "; key " + env.name() + " of " + object + " is not one",
            "rename the key in " + object + ", or list the keys you need under env");
        return;
      }
    }
    findings.reject(
        container.fieldPath() + ".env",
        env.name(),
        rule,
        "rename the variable, for example to " + suggestName(env.name()));
  }

  private static String suggestName(String name) {
    String replaced = name.replaceAll("[^A-Za-z0-9_]", "_");
    return Character.isDigit(replaced.isEmpty() ? '0' : replaced.charAt(0))
        ? "_" + replaced
        : replaced;
  }

  /** Maps container ports, keeping UDP as UDP. */
  static List<ContainerPort> ports(ResolvedContainer container, Findings findings) {
    List<io.fabric8.kubernetes.api.model.ContainerPort> ports = container.container().getPorts();
    List<ContainerPort> result = new ArrayList<>();
    for (int i = 0; ports != null && i < ports.size(); i++) {
      io.fabric8.kubernetes.api.model.ContainerPort port = ports.get(i);
      String path = container.fieldPath() + ".ports[" + i + "]";
      ContainerNetworkProtocol protocol = protocol(port.getProtocol(), path, findings);
      Integer number = port.getContainerPort();
      if (number == null || number < 1 || number > 65535) {
        findings.reject(
            path + ".containerPort",
            String.valueOf(number),
            "a port is between 1 and 65535",
            "use a valid port");
        continue;
      }
      if (port.getHostPort() != null && !port.getHostPort().equals(number)) {
        findings.reject(
            path + ".hostPort",
            String.valueOf(port.getHostPort()),
            "ACI cannot map a host port to a different container port",
            "remove hostPort or set it equal to containerPort");
      }
      if (protocol != null) {
        result.add(new ContainerPort().withPort(number).withProtocol(protocol));
      }
    }
    return result;
  }

  private static ContainerNetworkProtocol protocol(String text, String path, Findings findings) {
    if (text == null || text.equals("TCP")) {
      return ContainerNetworkProtocol.TCP;
    }
    if (text.equals("UDP")) {
      return ContainerNetworkProtocol.UDP;
    }
    findings.reject(
        path + ".protocol", text, "ACI ports are TCP or UDP", "use TCP or UDP, or drop the port");
    return null;
  }

  /**
   * Maps volume mounts. ACI mounts whole volumes, so {@code subPath} is rejected; {@code readOnly}
   * is always sent.
   */
  static List<VolumeMount> mounts(
      ResolvedContainer container,
      Set<String> podVolumes,
      Set<String> volumes,
      boolean windows,
      Findings findings) {
    List<io.fabric8.kubernetes.api.model.VolumeMount> mounts =
        container.container().getVolumeMounts();
    List<VolumeMount> result = new ArrayList<>();
    for (int i = 0; mounts != null && i < mounts.size(); i++) {
      io.fabric8.kubernetes.api.model.VolumeMount mount = mounts.get(i);
      String path = container.fieldPath() + ".volumeMounts[" + i + "]";
      boolean valid = true;
      if (notEmpty(mount.getSubPath()) || notEmpty(mount.getSubPathExpr())) {
        boolean expr = notEmpty(mount.getSubPathExpr());
        findings.reject(
            path + (expr ? ".subPathExpr" : ".subPath"),
            expr ? mount.getSubPathExpr() : mount.getSubPath(),
            "ACI mounts whole volumes and has no subPath",
            "mount the whole volume and point the application at the file inside it");
        valid = false;
      }
      if (!windows && mount.getMountPath() != null && mount.getMountPath().contains(":")) {
        findings.reject(
            path + ".mountPath",
            mount.getMountPath(),
            "an ACI mount path on Linux contains no ':'",
            "choose a mount path without ':'");
        valid = false;
      }
      if (!podVolumes.contains(mount.getName())) {
        findings.reject(
            path + ".name",
            mount.getName(),
            "a mount names a volume in spec.volumes (volumeClaimTemplates of a StatefulSet do not"
                + " count)",
            "add the volume to spec.volumes, or remove the mount");
        valid = false;
      } else if (!volumes.contains(mount.getName())) {
        valid = false; // the volume itself was rejected, with its own field path
      }
      if (valid) {
        result.add(
            new VolumeMount()
                .withName(mount.getName())
                .withMountPath(mount.getMountPath())
                .withReadOnly(Boolean.TRUE.equals(mount.getReadOnly())));
      }
    }
    return result;
  }

  /** Rejects the container fields ACI cannot honour and notes the ones it ignores. */
  static void checkUnsupported(ResolvedContainer container, Findings findings) {
    Container spec = container.container();
    String path = container.fieldPath();
    if (notEmpty(spec.getWorkingDir())) {
      findings.reject(
          path + ".workingDir",
          spec.getWorkingDir(),
          "ACI has no working directory setting",
          "set WORKDIR in the image, or start the command with cd, such as [\"sh\", \"-c\","
              + " \"cd /app && exec ./run\"]");
    }
    Lifecycle lifecycle = spec.getLifecycle();
    if (lifecycle != null && lifecycle.getPostStart() != null) {
      findings.reject(
          path + ".lifecycle.postStart",
          handlerKind(lifecycle.getPostStart()),
          "ACI has no lifecycle hooks",
          "run the postStart step from the container's command");
    }
    if (lifecycle != null && lifecycle.getPreStop() != null) {
      findings.reject(
          path + ".lifecycle.preStop",
          handlerKind(lifecycle.getPreStop()),
          "ACI has no lifecycle hooks",
          "handle SIGTERM in the application instead of a preStop hook");
    }
    if (spec.getStartupProbe() != null) {
      findings.reject(
          path + ".startupProbe",
          probeKind(spec.getStartupProbe()),
          "ACI has no startup probe",
          "remove the startup probe and give the liveness probe an initialDelaySeconds");
    }
    if (spec.getVolumeDevices() != null && !spec.getVolumeDevices().isEmpty()) {
      findings.reject(
          path + ".volumeDevices",
          spec.getVolumeDevices().get(0).getDevicePath(),
          "ACI has no raw block devices",
          "remove volumeDevices");
    }
    SecurityContext security = spec.getSecurityContext();
    if (security != null && Boolean.TRUE.equals(security.getPrivileged())) {
      findings.reject(
          path + ".securityContext.privileged",
          "true",
          "standard ACI container groups do not run privileged containers",
          "remove privileged: true");
    } else if (security != null && !new SecurityContext().equals(security)) {
      findings.note(path + ".securityContext is not applied: ACI runs the image's default user");
    }
    if (Boolean.TRUE.equals(spec.getStdin()) || Boolean.TRUE.equals(spec.getTty())) {
      findings.note(path + " stdin and tty are ignored: ACI attaches no terminal at start");
    }
  }

  /** The handler type of a lifecycle hook, such as {@code exec}, for messages. */
  static String handlerKind(LifecycleHandler handler) {
    if (handler.getExec() != null) {
      return "exec";
    }
    if (handler.getHttpGet() != null) {
      return "httpGet";
    }
    if (handler.getSleep() != null) {
      return "sleep";
    }
    return handler.getTcpSocket() != null ? "tcpSocket" : "set";
  }

  /** The handler type of a probe, such as {@code httpGet}, for messages. */
  static String probeKind(Probe probe) {
    if (probe.getExec() != null) {
      return "exec";
    }
    if (probe.getHttpGet() != null) {
      return "httpGet";
    }
    if (probe.getTcpSocket() != null) {
      return "tcpSocket";
    }
    return probe.getGrpc() != null ? "grpc" : "set";
  }

  private static boolean notEmpty(String text) {
    return text != null && !text.isEmpty();
  }
}
