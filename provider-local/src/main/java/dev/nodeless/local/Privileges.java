package dev.nodeless.local;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.SecurityContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Turns a container's {@code allowPrivilegeEscalation: false} and {@code capabilities} into the
 * options of util-linux's {@code setpriv}, which applies them to itself and then executes the
 * container's command.
 *
 * <p>Host processes start with the launcher's capabilities, which for a root launcher is every
 * capability. Dropping removes a capability from the bounding set, so that neither the command nor
 * any program it executes regains it. The inheritable set is cleared, which clears the ambient set.
 * As in containerd, a dropped {@code ALL} removes every capability before the added ones are kept,
 * and a capability both added and dropped by name is dropped. Adding gives nothing beyond what the
 * launcher has.
 */
final class Privileges {
  /** The capability names of capabilities(7), without the {@code CAP_} prefix. */
  static final Set<String> CAPABILITIES =
      Set.of(
          "CHOWN",
          "DAC_OVERRIDE",
          "DAC_READ_SEARCH",
          "FOWNER",
          "FSETID",
          "KILL",
          "SETGID",
          "SETUID",
          "SETPCAP",
          "LINUX_IMMUTABLE",
          "NET_BIND_SERVICE",
          "NET_BROADCAST",
          "NET_ADMIN",
          "NET_RAW",
          "IPC_LOCK",
          "IPC_OWNER",
          "SYS_MODULE",
          "SYS_RAWIO",
          "SYS_CHROOT",
          "SYS_PTRACE",
          "SYS_PACCT",
          "SYS_ADMIN",
          "SYS_BOOT",
          "SYS_NICE",
          "SYS_RESOURCE",
          "SYS_TIME",
          "SYS_TTY_CONFIG",
          "MKNOD",
          "LEASE",
          "AUDIT_WRITE",
          "AUDIT_CONTROL",
          "SETFCAP",
          "MAC_OVERRIDE",
          "MAC_ADMIN",
          "SYSLOG",
          "WAKE_ALARM",
          "BLOCK_SUSPEND",
          "AUDIT_READ",
          "PERFMON",
          "BPF",
          "CHECKPOINT_RESTORE");

  private Privileges() {}

  /**
   * Returns a capability name as Kubernetes accepts it ({@code NET_ADMIN}, {@code CAP_NET_ADMIN},
   * any case) without the prefix and in upper case, or {@code null} when it names no capability.
   * {@code ALL} is returned as is.
   */
  static String normalize(String name) {
    if (name == null) {
      return null;
    }
    String upper = name.trim().toUpperCase(Locale.ROOT);
    if (upper.startsWith("CAP_")) {
      upper = upper.substring(4);
    }
    return upper.equals("ALL") || CAPABILITIES.contains(upper) ? upper : null;
  }

  /**
   * Returns the {@code setpriv} options for a container, ending with {@code --}; empty when the
   * container needs none. Assumes that {@link LocalValidator} accepted the container.
   */
  static List<String> setprivOptions(SecurityContext context) {
    if (context == null) {
      return List.of();
    }
    List<String> options = new ArrayList<>();
    if (Boolean.FALSE.equals(context.getAllowPrivilegeEscalation())) {
      options.add("--no-new-privs");
    }
    String bounding = boundingSet(context.getCapabilities());
    if (bounding != null) {
      options.add("--bounding-set");
      options.add(bounding);
      options.add("--inh-caps");
      options.add("-all");
    }
    if (options.isEmpty()) {
      return List.of();
    }
    options.add("--");
    return List.copyOf(options);
  }

  /**
   * Returns the bounding-set change in setpriv's syntax, such as {@code -all,+net_bind_service}.
   */
  private static String boundingSet(Capabilities capabilities) {
    if (capabilities == null
        || capabilities.getDrop() == null
        || capabilities.getDrop().isEmpty()) {
      return null;
    }
    List<String> drop = names(capabilities.getDrop());
    List<String> changes = new ArrayList<>();
    if (drop.contains("ALL")) {
      changes.add("-all");
      for (String add : names(capabilities.getAdd())) {
        if (!add.equals("ALL")) {
          changes.add("+" + add.toLowerCase(Locale.ROOT));
        }
      }
    } else {
      for (String name : drop) {
        changes.add("-" + name.toLowerCase(Locale.ROOT));
      }
    }
    return changes.isEmpty() ? null : String.join(",", changes);
  }

  private static List<String> names(List<String> raw) {
    List<String> names = new ArrayList<>();
    if (raw != null) {
      for (String name : raw) {
        String normalized = normalize(name);
        if (normalized != null) {
          names.add(normalized);
        }
      }
    }
    return names;
  }
}
