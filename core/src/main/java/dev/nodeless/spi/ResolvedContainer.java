package dev.nodeless.spi;

import dev.nodeless.internal.EnvExpansion;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

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

  /**
   * Lists the command and args items that {@code $(VAR)} expansion filled with a secret value, so
   * that a provider can keep them out of fields its platform stores in plain text. The items in
   * {@link #command()} and {@link #args()} then hold the secret value.
   *
   * @return one entry per such item, in command then args order
   */
  public List<SecretExpansion> secretExpansions() {
    Set<String> secrets = new HashSet<>();
    for (EnvValue value : env) {
      if (value.secret()) {
        secrets.add(value.name());
      }
    }
    List<SecretExpansion> found = new ArrayList<>();
    if (!secrets.isEmpty()) {
      collect(found, "command", container.getCommand(), secrets);
      collect(found, "args", container.getArgs(), secrets);
    }
    return List.copyOf(found);
  }

  private void collect(
      List<SecretExpansion> found, String field, List<String> items, Set<String> secrets) {
    for (int i = 0; items != null && i < items.size(); i++) {
      Set<String> names = variableReferences(items.get(i));
      names.retainAll(secrets);
      if (!names.isEmpty()) {
        found.add(
            new SecretExpansion(
                fieldPath + "." + field + "[" + i + "]", items.get(i), List.copyOf(names)));
      }
    }
  }

  /**
   * A command or args item whose expansion contains a secret value.
   *
   * @param fieldPath its path, such as {@code spec.containers[0].args[1]}
   * @param written the item as the spec writes it, which shows only variable names
   * @param variables the secret variables it expands, in order of appearance
   */
  public record SecretExpansion(String fieldPath, String written, List<String> variables) {
    public SecretExpansion {
      Objects.requireNonNull(fieldPath, "fieldPath");
      variables = List.copyOf(variables);
    }
  }

  /**
   * Returns the names that the {@code $(NAME)} references in a text name, in order, as Kubernetes
   * reads them: {@code $$} escapes a dollar and an unclosed {@code $(} is plain text.
   */
  public static Set<String> variableReferences(String text) {
    Set<String> names = new LinkedHashSet<>();
    EnvExpansion.expand(
        text,
        name -> {
          names.add(name);
          return null;
        });
    return names;
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
