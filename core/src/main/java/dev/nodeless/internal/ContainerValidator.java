package dev.nodeless.internal;

import dev.nodeless.resources.Quantities;
import io.fabric8.kubernetes.api.model.ConfigMapKeySelector;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LifecycleHandler;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Checks one init or app container; see {@link PodValidator} for the scope. */
final class ContainerValidator {
  private static final Set<String> PROTOCOLS = Set.of("TCP", "UDP", "SCTP");
  private static final Set<String> STANDARD_RESOURCES =
      Set.of("cpu", "memory", "ephemeral-storage");
  private static final long DEFAULT_GRACE_SECONDS = 30;

  private final Problems problems;
  private final Pod pod;
  private final String path;
  private final Container container;
  private final boolean init;
  private final Set<String> volumeNames;
  private final Set<String> portNames = new HashSet<>();

  ContainerValidator(
      Problems problems,
      Pod pod,
      String path,
      Container container,
      boolean init,
      Set<String> volumeNames) {
    this.problems = problems;
    this.pod = pod;
    this.path = path;
    this.container = container;
    this.init = init;
    this.volumeNames = volumeNames;
  }

  void validate() {
    if (container == null) {
      problems.required(path, "remove the empty entry or give it a name and an image");
      return;
    }
    validateName(problems, path, container.getName());
    validateImage();
    validatePorts();
    validateEnv();
    validateEnvFrom();
    validateRequirements(problems, path + ".resources", container.getResources(), true);
    validateMounts();
    validateRestartPolicy();
    boolean sidecar = init && "Always".equals(container.getRestartPolicy());
    validateProbe("livenessProbe", container.getLivenessProbe(), sidecar);
    validateProbe("readinessProbe", container.getReadinessProbe(), sidecar);
    validateProbe("startupProbe", container.getStartupProbe(), sidecar);
    if (container.getLifecycle() != null) {
      if (init && !sidecar) {
        forbiddenOnInit("lifecycle");
      } else {
        validateHook("postStart", container.getLifecycle().getPostStart());
        validateHook("preStop", container.getLifecycle().getPreStop());
      }
    }
  }

  static void validateName(Problems problems, String path, String name) {
    if (name == null || name.isEmpty()) {
      problems.required(path + ".name", "name the container, such as app");
    } else if (!Names.isDnsLabel(name)) {
      problems.add(
          path + ".name", name, Names.DNS_LABEL_RULE, "rename it, such as app or log-shipper");
    }
  }

  private void validateImage() {
    String image = container.getImage();
    if (image == null || image.isEmpty()) {
      problems.required(path + ".image", "set the image to run, such as busybox:1.36");
    } else if (image.isBlank() || !image.equals(image.strip())) {
      problems.add(
          path + ".image",
          image,
          "must not be blank or have leading or trailing whitespace",
          "remove the whitespace, such as busybox:1.36");
    }
  }

  // ---- ports --------------------------------------------------------------------------------

  private void validatePorts() {
    List<ContainerPort> ports = container.getPorts();
    for (int i = 0; ports != null && i < ports.size(); i++) {
      ContainerPort port = ports.get(i);
      String portPath = path + ".ports[" + i + "]";
      Integer number = port.getContainerPort();
      if (number == null || number < 1 || number > 65535) {
        problems.add(
            portPath + ".containerPort",
            number == null ? null : number.toString(),
            "must be between 1 and 65535",
            "use the port the process listens on, such as 8080");
      }
      Integer hostPort = port.getHostPort();
      if (hostPort != null && hostPort != 0 && (hostPort < 1 || hostPort > 65535)) {
        problems.add(
            portPath + ".hostPort",
            hostPort.toString(),
            "must be between 1 and 65535",
            "use a valid port, or leave it unset");
      }
      String protocol = port.getProtocol();
      if (protocol != null && !PROTOCOLS.contains(protocol)) {
        problems.add(
            portPath + ".protocol",
            protocol,
            "must be TCP, UDP or SCTP",
            "use one of those in upper case, or leave it unset for TCP");
      }
      String name = port.getName();
      if (name != null && !name.isEmpty()) {
        if (!Names.isPortName(name)) {
          problems.add(portPath + ".name", name, Names.PORT_NAME_RULE, "rename it, such as http");
        } else if (!portNames.add(name)) {
          problems.add(
              portPath + ".name",
              name,
              "must be unique among the container's ports",
              "rename one of the ports called " + name);
        }
      }
    }
  }

  // ---- env ----------------------------------------------------------------------------------

  private void validateEnv() {
    List<EnvVar> env = container.getEnv();
    for (int i = 0; env != null && i < env.size(); i++) {
      EnvVar var = env.get(i);
      String varPath = path + ".env[" + i + "]";
      if (var.getName() == null || var.getName().isEmpty()) {
        problems.required(varPath + ".name", "name the variable, such as LOG_LEVEL");
      } else if (!Names.isEnvName(var.getName())) {
        problems.add(
            varPath + ".name", var.getName(), Names.ENV_NAME_RULE, "rename it, such as LOG_LEVEL");
      }
      EnvVarSource source = var.getValueFrom();
      if (source == null) {
        continue;
      }
      if (var.getValue() != null && !var.getValue().isEmpty()) {
        problems.add(
            varPath + ".value",
            var.getValue(),
            "must be empty when valueFrom is set",
            "keep either value or valueFrom");
      }
      validateEnvSource(varPath + ".valueFrom", source);
    }
  }

  private void validateEnvSource(String sourcePath, EnvVarSource source) {
    int count = 0;
    count += source.getFieldRef() == null ? 0 : 1;
    count += source.getResourceFieldRef() == null ? 0 : 1;
    count += source.getConfigMapKeyRef() == null ? 0 : 1;
    count += source.getSecretKeyRef() == null ? 0 : 1;
    count += source.getFileKeyRef() == null ? 0 : 1;
    if (count != 1) {
      problems.add(
          sourcePath,
          null,
          "must set exactly one of fieldRef, resourceFieldRef, configMapKeyRef and secretKeyRef,"
              + " not "
              + count,
          "keep one source per variable");
    }

    if (source.getFieldRef() != null) {
      DownwardApi.validateFieldRef(problems, sourcePath + ".fieldRef", source.getFieldRef(), true);
    }
    if (source.getResourceFieldRef() != null) {
      DownwardApi.validateResourceFieldRef(
          problems, sourcePath + ".resourceFieldRef", source.getResourceFieldRef(), pod, false);
    }
    ConfigMapKeySelector configMap = source.getConfigMapKeyRef();
    if (configMap != null) {
      validateKeySelector(
          sourcePath + ".configMapKeyRef", "ConfigMap", configMap.getName(), configMap.getKey());
    }
    SecretKeySelector secret = source.getSecretKeyRef();
    if (secret != null) {
      validateKeySelector(
          sourcePath + ".secretKeyRef", "Secret", secret.getName(), secret.getKey());
    }
    if (source.getFileKeyRef() != null) {
      problems.add(
          sourcePath + ".fileKeyRef",
          null,
          "is not supported: Nodeless resolves env values before the pod's volumes exist",
          "use configMapKeyRef or secretKeyRef, or read the file inside the container");
    }
  }

  private void validateKeySelector(String selectorPath, String kind, String name, String key) {
    if (name == null || name.isEmpty()) {
      problems.required(selectorPath + ".name", "name the " + kind);
    } else if (!Names.isDnsSubdomain(name)) {
      problems.add(
          selectorPath + ".name", name, Names.DNS_SUBDOMAIN_RULE, "fix the " + kind + " name");
    }
    if (key == null || key.isEmpty()) {
      problems.required(selectorPath + ".key", "name the key within the " + kind);
    } else if (!Names.isConfigKey(key)) {
      problems.add(selectorPath + ".key", key, Names.CONFIG_KEY_RULE, "fix the key name");
    }
  }

  private void validateEnvFrom() {
    List<EnvFromSource> sources = container.getEnvFrom();
    for (int i = 0; sources != null && i < sources.size(); i++) {
      EnvFromSource source = sources.get(i);
      String sourcePath = path + ".envFrom[" + i + "]";
      boolean configMap = source.getConfigMapRef() != null;
      boolean secret = source.getSecretRef() != null;
      if (configMap == secret) {
        problems.add(
            sourcePath,
            null,
            "must set exactly one of configMapRef and secretRef",
            "split it into one envFrom entry per ConfigMap or Secret");
      }
      String name =
          configMap
              ? source.getConfigMapRef().getName()
              : secret ? source.getSecretRef().getName() : "";
      String refPath = sourcePath + (configMap ? ".configMapRef" : ".secretRef");
      if ((configMap || secret) && (name == null || name.isEmpty())) {
        problems.required(refPath + ".name", "name the " + (configMap ? "ConfigMap" : "Secret"));
      } else if ((configMap || secret) && !Names.isDnsSubdomain(name)) {
        problems.add(refPath + ".name", name, Names.DNS_SUBDOMAIN_RULE, "fix the name");
      }
      String prefix = source.getPrefix();
      if (prefix != null && !prefix.isEmpty() && !Names.isEnvName(prefix)) {
        problems.add(
            sourcePath + ".prefix", prefix, Names.ENV_NAME_RULE, "use a prefix such as APP_");
      }
    }
  }

  // ---- resources ----------------------------------------------------------------------------

  /**
   * Checks requests and limits: resource names, quantity syntax, no negative amounts, request &lt;=
   * limit, and for extended resources integer amounts, a limit, and request == limit.
   */
  static void validateRequirements(
      Problems problems, String path, ResourceRequirements resources, boolean container) {
    if (resources == null) {
      return;
    }
    Map<String, BigDecimal> requests =
        amounts(problems, path + ".requests", resources.getRequests(), container);
    Map<String, BigDecimal> limits =
        amounts(problems, path + ".limits", resources.getLimits(), container);
    for (Map.Entry<String, BigDecimal> request : requests.entrySet()) {
      String resource = request.getKey();
      String requestPath = Names.entry(path + ".requests", resource);
      BigDecimal limit = limits.get(resource);
      boolean extended = isExtended(resource);
      String requestText = PodValidator.text(resources.getRequests().get(resource));
      if (limit == null) {
        if (extended) {
          problems.add(
              Names.entry(path + ".limits", resource),
              null,
              "is required because "
                  + resource
                  + " is an extended resource, which cannot be"
                  + " overcommitted",
              "set limits." + resource + " equal to the request " + requestText);
        }
        continue;
      }
      String limitText = PodValidator.text(resources.getLimits().get(resource));
      if (extended && request.getValue().compareTo(limit) != 0) {
        problems.add(
            requestPath,
            requestText,
            "must equal the limit "
                + limitText
                + " because "
                + resource
                + " is an extended"
                + " resource",
            "set the request and the limit to the same amount, or leave the request unset");
      } else if (request.getValue().compareTo(limit) > 0) {
        problems.add(
            requestPath,
            requestText,
            "must be <= the limit " + limitText,
            "lower the request or raise the limit");
      }
    }
  }

  private static Map<String, BigDecimal> amounts(
      Problems problems, String path, Map<String, Quantity> quantities, boolean container) {
    Map<String, BigDecimal> result = new HashMap<>();
    if (quantities == null) {
      return result;
    }
    for (Map.Entry<String, Quantity> entry : quantities.entrySet()) {
      String resource = entry.getKey();
      String entryPath = Names.entry(path, resource);
      String text = PodValidator.text(entry.getValue());
      if (container && !isValidResourceName(resource)) {
        problems.add(
            entryPath,
            resource,
            "must be cpu, memory, ephemeral-storage, hugepages-<size> or an extended resource"
                + " with a domain, such as nvidia.com/gpu",
            "rename the resource or remove it");
        continue;
      }
      BigDecimal amount;
      try {
        amount = Quantities.toDecimal(entry.getValue());
      } catch (IllegalArgumentException e) {
        problems.add(
            entryPath,
            text,
            e.getMessage(),
            "write it like 250m or 0.5 for CPU and 512Mi or 1G for memory");
        continue;
      }
      if (amount.signum() < 0) {
        problems.add(entryPath, text, "must be >= 0", "use a positive amount");
        continue;
      }
      if (isExtended(resource) && amount.stripTrailingZeros().scale() > 0) {
        problems.add(
            entryPath,
            text,
            "must be a whole number because " + resource + " is an extended resource",
            "use a whole number, such as 1");
        continue;
      }
      result.put(resource, amount);
    }
    return result;
  }

  private static boolean isValidResourceName(String resource) {
    if (resource == null || resource.isEmpty()) {
      return false;
    }
    if (STANDARD_RESOURCES.contains(resource) || resource.startsWith("hugepages-")) {
      return true;
    }
    return isExtended(resource) && Names.isQualifiedName(resource);
  }

  /** Extended resources carry a domain that is not Kubernetes', such as {@code nvidia.com/gpu}. */
  private static boolean isExtended(String resource) {
    return resource.contains("/")
        && !resource.contains("kubernetes.io/")
        && !resource.startsWith("requests.");
  }

  // ---- mounts -------------------------------------------------------------------------------

  private void validateMounts() {
    List<VolumeMount> mounts = container.getVolumeMounts();
    Map<String, Integer> mountPaths = new HashMap<>();
    for (int i = 0; mounts != null && i < mounts.size(); i++) {
      VolumeMount mount = mounts.get(i);
      String mountPath = path + ".volumeMounts[" + i + "]";
      String name = mount.getName();
      if (name == null || name.isEmpty()) {
        problems.required(mountPath + ".name", "name the volume to mount");
      } else if (!volumeNames.contains(name)) {
        problems.add(
            mountPath + ".name",
            name,
            "must name a volume in spec.volumes",
            "add a volume called " + name + " to spec.volumes, or fix the name");
      }
      String target = mount.getMountPath();
      if (target == null || target.isEmpty()) {
        problems.required(mountPath + ".mountPath", "set an absolute path such as /data");
      } else if (!target.startsWith("/")) {
        problems.add(
            mountPath + ".mountPath",
            target,
            "must be an absolute path",
            "start it with '/', such as /" + target);
      } else {
        Integer first = mountPaths.putIfAbsent(target, i);
        if (first != null) {
          problems.add(
              mountPath + ".mountPath",
              target,
              "must be unique within the container; volumeMounts[" + first + "] uses it too",
              "mount the volumes at different paths");
        }
      }
      String subPath = mount.getSubPath();
      if (subPath != null && !subPath.isEmpty()) {
        String rule = Names.pathProblem(subPath);
        if (rule != null) {
          problems.add(
              mountPath + ".subPath", subPath, rule, "use a relative path inside the volume");
        }
        if (mount.getSubPathExpr() != null && !mount.getSubPathExpr().isEmpty()) {
          problems.add(
              mountPath + ".subPathExpr",
              mount.getSubPathExpr(),
              "must not be set together with subPath",
              "keep either subPath or subPathExpr");
        }
      }
    }
  }

  // ---- restart policy, probes and hooks -----------------------------------------------------

  private void validateRestartPolicy() {
    String policy = container.getRestartPolicy();
    if (policy == null) {
      return;
    }
    if (!init) {
      problems.add(
          path + ".restartPolicy",
          policy,
          "may be set only on init containers",
          "remove it; the pod's spec.restartPolicy governs app containers");
    } else if (!policy.equals("Always")) {
      problems.add(
          path + ".restartPolicy",
          policy,
          "must be Always on an init container, which makes it a native sidecar",
          "set it to Always for a sidecar, or remove it for a run-to-completion init container");
    }
  }

  private void forbiddenOnInit(String field) {
    problems.add(
        path + "." + field,
        null,
        "may not be set on an init container unless it is a native sidecar (restartPolicy:"
            + " Always)",
        "remove " + field + ", or set restartPolicy: Always on the init container");
  }

  private void validateProbe(String field, Probe probe, boolean sidecar) {
    if (probe == null) {
      return;
    }
    if (init && !sidecar) {
      forbiddenOnInit(field);
      return;
    }
    String probePath = path + "." + field;
    int handlers = 0;
    handlers += probe.getExec() == null ? 0 : 1;
    handlers += probe.getHttpGet() == null ? 0 : 1;
    handlers += probe.getTcpSocket() == null ? 0 : 1;
    handlers += probe.getGrpc() == null ? 0 : 1;
    if (handlers != 1) {
      problems.add(
          probePath,
          null,
          "must set exactly one of exec, httpGet, tcpSocket and grpc, not " + handlers,
          "keep one handler");
    }

    if (probe.getExec() != null) {
      validateExec(probePath + ".exec", probe.getExec().getCommand());
    }
    if (probe.getHttpGet() != null) {
      validateHttpGet(probePath + ".httpGet", probe.getHttpGet());
    }
    if (probe.getTcpSocket() != null) {
      validatePort(probePath + ".tcpSocket.port", probe.getTcpSocket().getPort());
    }
    if (probe.getGrpc() != null) {
      Integer port = probe.getGrpc().getPort();
      if (port == null || port < 1 || port > 65535) {
        problems.add(
            probePath + ".grpc.port",
            port == null ? null : port.toString(),
            "must be a port number between 1 and 65535",
            "use the gRPC health port, such as 9090");
      }
    }

    // The API server replaces an explicit 0 with the default (period 10 s, timeout 1 s,
    // thresholds 1 and 3) before it validates, so 0 is accepted and only negatives are invalid.
    atLeast(probePath + ".initialDelaySeconds", probe.getInitialDelaySeconds(), 0);
    atLeast(probePath + ".periodSeconds", probe.getPeriodSeconds(), 0);
    atLeast(probePath + ".timeoutSeconds", probe.getTimeoutSeconds(), 0);
    atLeast(probePath + ".successThreshold", probe.getSuccessThreshold(), 0);
    atLeast(probePath + ".failureThreshold", probe.getFailureThreshold(), 0);
    Integer success = probe.getSuccessThreshold();
    if (!field.equals("readinessProbe") && success != null && success > 1) {
      problems.add(
          probePath + ".successThreshold",
          success.toString(),
          "must be 1 for " + field,
          "set it to 1 or leave it unset");
    }

    Long grace = probe.getTerminationGracePeriodSeconds();
    if (grace != null) {
      if (field.equals("readinessProbe")) {
        problems.add(
            probePath + ".terminationGracePeriodSeconds",
            grace.toString(),
            "may not be set on a readinessProbe",
            "remove it");
      } else if (grace < 1) {
        problems.add(
            probePath + ".terminationGracePeriodSeconds",
            grace.toString(),
            "must be >= 1",
            "use 1 or more seconds, or leave it unset");
      }
    }
  }

  private void validateHook(String field, LifecycleHandler handler) {
    if (handler == null) {
      return;
    }
    String hookPath = path + ".lifecycle." + field;
    int handlers = 0;
    handlers += handler.getExec() == null ? 0 : 1;
    handlers += handler.getHttpGet() == null ? 0 : 1;
    handlers += handler.getTcpSocket() == null ? 0 : 1;
    handlers += handler.getSleep() == null ? 0 : 1;
    if (handlers != 1) {
      problems.add(
          hookPath,
          null,
          "must set exactly one of exec, httpGet, tcpSocket and sleep, not " + handlers,
          "keep one handler");
    }

    if (handler.getExec() != null) {
      validateExec(hookPath + ".exec", handler.getExec().getCommand());
    }
    if (handler.getHttpGet() != null) {
      validateHttpGet(hookPath + ".httpGet", handler.getHttpGet());
    }
    if (handler.getTcpSocket() != null) {
      validatePort(hookPath + ".tcpSocket.port", handler.getTcpSocket().getPort());
    }
    if (handler.getSleep() != null) {
      Long seconds = handler.getSleep().getSeconds();
      Long podGrace = pod.getSpec().getTerminationGracePeriodSeconds();
      long grace = podGrace == null ? DEFAULT_GRACE_SECONDS : podGrace;
      if (seconds == null || seconds < 0 || seconds > grace) {
        problems.add(
            hookPath + ".sleep.seconds",
            seconds == null ? null : seconds.toString(),
            "must be between 0 and the pod's terminationGracePeriodSeconds (" + grace + ")",
            "sleep for less than the grace period");
      }
    }
  }

  private void validateExec(String execPath, List<String> command) {
    if (command == null || command.isEmpty()) {
      problems.required(execPath + ".command", "give the command to run, such as [cat, /tmp/ok]");
    }
  }

  private void validateHttpGet(String getPath, io.fabric8.kubernetes.api.model.HTTPGetAction get) {
    validatePort(getPath + ".port", get.getPort());
    String scheme = get.getScheme();
    if (scheme != null && !scheme.equals("HTTP") && !scheme.equals("HTTPS")) {
      problems.add(getPath + ".scheme", scheme, "must be HTTP or HTTPS", "use HTTP or HTTPS");
    }
  }

  /** A handler port: a number from 1 to 65535, or the name of one of the container's ports. */
  private void validatePort(String portPath, IntOrString port) {
    if (port == null || (port.getIntVal() == null && port.getStrVal() == null)) {
      problems.required(portPath, "give a port number or the name of a container port");
      return;
    }
    if (port.getIntVal() != null) {
      int number = port.getIntVal();
      if (number < 1 || number > 65535) {
        problems.add(
            portPath,
            Integer.toString(number),
            "must be between 1 and 65535",
            "use the port the process listens on");
      }
      return;
    }
    String name = port.getStrVal();
    if (!Names.isPortName(name)) {
      problems.add(
          portPath,
          name,
          Names.PORT_NAME_RULE,
          "use a port number, or the name of one of the container's ports");
    } else if (!portNames.contains(name)) {
      problems.add(
          portPath,
          name,
          "must name a port of this container",
          "add a port named " + name + " to the container's ports, or use the port number");
    }
  }

  private void atLeast(String fieldPath, Integer value, int minimum) {
    if (value != null && value < minimum) {
      problems.add(
          fieldPath,
          value.toString(),
          "must be >= " + minimum,
          "use " + minimum + " or more, or leave it unset for the default");
    }
  }
}
