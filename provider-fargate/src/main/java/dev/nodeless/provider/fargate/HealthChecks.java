package dev.nodeless.provider.fargate;

import dev.nodeless.spi.ResolvedContainer;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Probe;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.ecs.model.HealthCheck;

/**
 * Kubernetes probes as the one ECS health check a container may have. ECS runs a command inside the
 * container, so only {@code exec} probes translate; httpGet, tcpSocket and grpc probes are left out
 * with a note. One probe is chosen. App containers use readiness first, because ECS health feeds
 * the container's readiness. Native sidecars use startup first, because the containers after a
 * sidecar wait for it to become healthy. Values outside ECS's ranges are clamped into them, with a
 * note: ECS health checks never stop a standalone task, so a clamp changes reporting, not lifetime.
 */
final class HealthChecks {
  private HealthChecks() {}

  /** Builds the health check for a container, or returns {@code null} when it has no exec probe. */
  static HealthCheck of(ResolvedContainer container, Context context) {
    Container spec = container.container();
    Map<String, Probe> probes = new LinkedHashMap<>();
    if (container.sidecar()) {
      probes.put("startupProbe", spec.getStartupProbe());
      probes.put("readinessProbe", spec.getReadinessProbe());
      probes.put("livenessProbe", spec.getLivenessProbe());
    } else {
      probes.put("readinessProbe", spec.getReadinessProbe());
      probes.put("livenessProbe", spec.getLivenessProbe());
      probes.put("startupProbe", spec.getStartupProbe());
    }
    String chosenField = null;
    Probe chosen = null;
    List<String> dropped = new ArrayList<>();
    for (Map.Entry<String, Probe> entry : probes.entrySet()) {
      Probe probe = entry.getValue();
      if (probe == null) {
        continue;
      }
      boolean exec =
          probe.getExec() != null
              && probe.getExec().getCommand() != null
              && !probe.getExec().getCommand().isEmpty();
      if (exec && chosen == null) {
        chosen = probe;
        chosenField = entry.getKey();
      } else {
        dropped.add(entry.getKey() + " (" + kind(probe) + ")");
      }
    }
    if (!dropped.isEmpty()) {
      context.note(
          container.fieldPath()
              + ": "
              + String.join(", ", dropped)
              + " not translated: ECS runs one health check per container, and only as a command"
              + " inside the container");
    }
    if (chosen == null) {
      return null;
    }
    String path = container.fieldPath() + "." + chosenField;
    List<String> command = new ArrayList<>();
    command.add("CMD");
    command.addAll(chosen.getExec().getCommand());
    return HealthCheck.builder()
        .command(command)
        .interval(clamp(path + ".periodSeconds", chosen.getPeriodSeconds(), 10, 5, 300, context))
        .timeout(clamp(path + ".timeoutSeconds", chosen.getTimeoutSeconds(), 1, 2, 60, context))
        .retries(clamp(path + ".failureThreshold", chosen.getFailureThreshold(), 3, 1, 10, context))
        .startPeriod(
            clamp(
                path + ".initialDelaySeconds", chosen.getInitialDelaySeconds(), 0, 0, 300, context))
        .build();
  }

  private static int clamp(
      String path, Integer value, int kubernetesDefault, int min, int max, Context context) {
    int actual = value == null ? kubernetesDefault : value;
    int clamped = Math.max(min, Math.min(max, actual));
    // A Kubernetes default that ECS does not accept (timeoutSeconds 1) is adjusted silently.
    if (clamped != actual && value != null) {
      context.note(
          path
              + " "
              + actual
              + " is outside ECS's range "
              + min
              + "-"
              + max
              + ": the health check uses "
              + clamped);
    }
    return clamped;
  }

  private static String kind(Probe probe) {
    if (probe.getHttpGet() != null) {
      return "httpGet";
    }
    if (probe.getTcpSocket() != null) {
      return "tcpSocket";
    }
    if (probe.getGrpc() != null) {
      return "grpc";
    }
    return "exec";
  }
}
