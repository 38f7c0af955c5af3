package dev.nodeless.provider.aci;

import com.azure.resourcemanager.containerinstance.models.ContainerExec;
import com.azure.resourcemanager.containerinstance.models.ContainerHttpGet;
import com.azure.resourcemanager.containerinstance.models.ContainerProbe;
import com.azure.resourcemanager.containerinstance.models.HttpHeader;
import com.azure.resourcemanager.containerinstance.models.Scheme;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import java.util.ArrayList;
import java.util.List;

/**
 * Maps liveness and readiness probes. ACI runs exec and httpGet probes only; tcpSocket and grpc
 * probes are rejected rather than emulated, because an emulation would need tools inside the image.
 * Timing fields that the pod leaves out or sets to 0 get the Kubernetes defaults: period 10 s,
 * timeout 1 s, thresholds 1 and 3. The API server fills them in the same way, so the probe behaves
 * as it would on a kubelet.
 */
final class ProbeMapper {
  static final int DEFAULT_INITIAL_DELAY = 0;
  static final int DEFAULT_PERIOD = 10;
  static final int DEFAULT_TIMEOUT = 1;
  static final int DEFAULT_SUCCESS_THRESHOLD = 1;
  static final int DEFAULT_FAILURE_THRESHOLD = 3;

  private ProbeMapper() {}

  /** Returns the ACI probe, or {@code null} when the pod has none or it cannot be mapped. */
  static ContainerProbe map(Probe probe, String path, Container container, Findings findings) {
    if (probe == null) {
      return null;
    }
    ContainerProbe result = new ContainerProbe();
    if (probe.getExec() != null) {
      List<String> command = probe.getExec().getCommand();
      if (command == null || command.isEmpty()) {
        findings.reject(
            path + ".exec.command",
            null,
            "an exec probe has a command",
            "give the probe a command, such as [\"cat\", \"/tmp/healthy\"]");
        return null;
      }
      result.withExec(new ContainerExec().withCommand(List.copyOf(command)));
    } else if (probe.getHttpGet() != null) {
      ContainerHttpGet httpGet =
          httpGet(probe.getHttpGet(), path + ".httpGet", container, findings);
      if (httpGet == null) {
        return null;
      }
      result.withHttpGet(httpGet);
    } else if (probe.getTcpSocket() != null) {
      findings.reject(
          path + ".tcpSocket",
          portText(probe.getTcpSocket().getPort()),
          "ACI probes are exec or httpGet; it has no TCP socket probe",
          "use an httpGet probe, or an exec probe that checks the port with a tool in the image");
      return null;
    } else if (probe.getGrpc() != null) {
      findings.reject(
          path + ".grpc",
          String.valueOf(probe.getGrpc().getPort()),
          "ACI probes are exec or httpGet; it has no gRPC probe",
          "use an exec probe running grpc_health_probe, or an httpGet probe");
      return null;
    } else {
      findings.reject(
          path, null, "a probe has an exec or httpGet handler", "add an exec or httpGet handler");
      return null;
    }
    return result
        .withInitialDelaySeconds(
            probe.getInitialDelaySeconds() == null
                ? DEFAULT_INITIAL_DELAY
                : probe.getInitialDelaySeconds())
        .withPeriodSeconds(positiveOrDefault(probe.getPeriodSeconds(), DEFAULT_PERIOD))
        .withTimeoutSeconds(positiveOrDefault(probe.getTimeoutSeconds(), DEFAULT_TIMEOUT))
        .withSuccessThreshold(
            positiveOrDefault(probe.getSuccessThreshold(), DEFAULT_SUCCESS_THRESHOLD))
        .withFailureThreshold(
            positiveOrDefault(probe.getFailureThreshold(), DEFAULT_FAILURE_THRESHOLD));
  }

  private static ContainerHttpGet httpGet(
      HTTPGetAction action, String path, Container container, Findings findings) {
    boolean valid = true;
    if (action.getHost() != null && !action.getHost().isEmpty()) {
      findings.reject(
          path + ".host",
          action.getHost(),
          "ACI sends httpGet probes to the container itself",
          "remove host; to send a Host header, add it to httpHeaders");
      valid = false;
    }
    Integer port = port(action.getPort(), path + ".port", container, findings);
    Scheme scheme = null;
    String schemeText = action.getScheme();
    if (schemeText == null || schemeText.equalsIgnoreCase("HTTP")) {
      scheme = Scheme.HTTP;
    } else if (schemeText.equalsIgnoreCase("HTTPS")) {
      scheme = Scheme.HTTPS;
    } else {
      findings.reject(path + ".scheme", schemeText, "the scheme is HTTP or HTTPS", "use HTTP");
      valid = false;
    }
    if (!valid || port == null) {
      return null;
    }
    ContainerHttpGet result = new ContainerHttpGet().withPort(port).withScheme(scheme);
    if (action.getPath() != null) {
      result.withPath(action.getPath());
    }
    if (action.getHttpHeaders() != null && !action.getHttpHeaders().isEmpty()) {
      List<HttpHeader> headers = new ArrayList<>();
      action
          .getHttpHeaders()
          .forEach(
              header ->
                  headers.add(
                      new HttpHeader().withName(header.getName()).withValue(header.getValue())));
      result.withHttpHeaders(headers);
    }
    return result;
  }

  /** Resolves a numeric or named port against the container's ports. */
  private static Integer port(
      IntOrString port, String path, Container container, Findings findings) {
    if (port == null) {
      findings.reject(path, null, "an httpGet probe has a port", "set the port number");
      return null;
    }
    if (port.getIntVal() != null) {
      int number = port.getIntVal();
      if (number < 1 || number > 65535) {
        findings.reject(
            path, String.valueOf(number), "a port is between 1 and 65535", "use a valid port");
        return null;
      }
      return number;
    }
    String name = port.getStrVal();
    List<ContainerPort> ports = container.getPorts() == null ? List.of() : container.getPorts();
    for (ContainerPort candidate : ports) {
      if (name != null && name.equals(candidate.getName())) {
        return candidate.getContainerPort();
      }
    }
    findings.reject(
        path,
        name,
        "a named probe port refers to one of the container's ports",
        "add a port named " + name + " to the container, or use the port number");
    return null;
  }

  private static String portText(IntOrString port) {
    if (port == null) {
      return null;
    }
    return port.getIntVal() != null ? String.valueOf(port.getIntVal()) : port.getStrVal();
  }

  /** The API server replaces a missing or 0 period, timeout or threshold with its default. */
  private static int positiveOrDefault(Integer value, int fallback) {
    return value == null || value <= 0 ? fallback : value;
  }
}
