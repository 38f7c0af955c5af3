package dev.nodeless.spi;

import dev.nodeless.internal.EnvExpansion;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One container after reference resolution.
 *
 * @param container the container as written in the pod spec
 * @param fieldPath its path in the pod, such as {@code spec.initContainers[0]}, for messages
 * @param init whether it is an init container (native sidecars included)
 * @param command the command after {@code $(VAR)} expansion; empty when the spec has none
 * @param args the arguments after {@code $(VAR)} expansion; empty when the spec has none
 * @param env the final environment: {@code envFrom} entries first (keys sorted within each source),
 *     then {@code env} in spec order. A later definition of a name replaces the earlier one and
 *     takes the later position. Values that came from a Secret, directly or through {@code $(VAR)}
 *     expansion, have {@link EnvValue#secret()} set
 */
public record ResolvedContainer(
    Container container,
    String fieldPath,
    boolean init,
    List<String> command,
    List<String> args,
    List<EnvValue> env) {

  public ResolvedContainer {
    Objects.requireNonNull(container, "container");
    Objects.requireNonNull(fieldPath, "fieldPath");
    command = List.copyOf(command);
    args = List.copyOf(args);
    env = List.copyOf(env);
  }

  public String name() {
    return container.getName();
  }

  /**
   * Returns the sub-path of one of this container's volume mounts: {@code subPath}, or {@code
   * subPathExpr} with its {@code $(VAR)} references expanded from this container's environment, as
   * the kubelet does; empty when the mount has neither. The result may hold a secret value.
   */
  public String subPath(VolumeMount mount) {
    if (mount.getSubPathExpr() != null && !mount.getSubPathExpr().isEmpty()) {
      Map<String, String> values = new HashMap<>();
      env.forEach(value -> values.put(value.name(), value.value()));
      return EnvExpansion.expand(mount.getSubPathExpr(), values::get);
    }
    return mount.getSubPath() == null ? "" : mount.getSubPath();
  }

  /** Whether this is a native sidecar: an init container with {@code restartPolicy: Always}. */
  public boolean sidecar() {
    return init && "Always".equals(container.getRestartPolicy());
  }

  /**
   * Shows the name, path and environment with secret values redacted. Command and args are only
   * counted, because {@code $(VAR)} expansion may have put a secret value into them.
   */
  @Override
  public String toString() {
    return "ResolvedContainer{"
        + name()
        + " at "
        + fieldPath
        + (init ? ", init" : "")
        + ", command: "
        + command.size()
        + " items, args: "
        + args.size()
        + " items, env="
        + env
        + "}";
  }
}
