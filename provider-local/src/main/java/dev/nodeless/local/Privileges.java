package dev.nodeless.local;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongFunction;

/**
 * Turns a container's user and groups, {@code allowPrivilegeEscalation: false} and {@code
 * capabilities} into the options of util-linux's {@code setpriv}, which applies them to itself and
 * then executes the container's command.
 *
 * <p>Host processes start with the launcher's capabilities, which for a root launcher is every
 * capability. Dropping removes a capability from the bounding set, so that neither the command nor
 * any program it executes regains it. The inheritable set is cleared, which clears the ambient set.
 * As in containerd, a dropped {@code ALL} removes every capability before the added ones are kept,
 * and a capability both added and dropped by name is dropped. Adding gives nothing beyond what the
 * launcher has. A container that runs as a user other than root keeps its added capabilities as
 * ambient ones, which survive the change of user.
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
   *
   * @param pod the pod's security context, or {@code null}
   * @param container the container's security context, or {@code null}
   */
  static List<String> setprivOptions(PodSecurityContext pod, SecurityContext container) {
    RunAs runAs = RunAs.of(pod, container);
    List<String> options = new ArrayList<>();

    // Identity first: setpriv changes IDs before it applies the capability sets.
    if (runAs.uid() != null) {
      options.add("--reuid=" + runAs.uid());
    }
    if (runAs.gid() != null) {
      options.add("--regid=" + runAs.gid());
    }
    if (runAs.changes()) {
      options.add(
          runAs.groups().isEmpty()
              ? "--clear-groups"
              : "--groups="
                  + String.join(",", runAs.groups().stream().map(String::valueOf).toList()));
    }
    if (container != null && Boolean.FALSE.equals(container.getAllowPrivilegeEscalation())) {
      options.add("--no-new-privs");
    }

    Capabilities capabilities = container == null ? null : container.getCapabilities();
    String bounding = boundingSet(capabilities);
    // A process whose user IDs all become non-zero loses every capability, unless it is ambient.
    List<String> ambient =
        runAs.uid() != null && runAs.uid() != 0 ? ambientSet(capabilities) : List.of();
    if (bounding != null || !ambient.isEmpty()) {
      if (bounding != null) {
        options.add("--bounding-set=" + bounding);
      }
      StringBuilder inheritable = new StringBuilder("-all");
      ambient.forEach(name -> inheritable.append(",+").append(name));
      options.add("--inh-caps=" + inheritable);
      if (!ambient.isEmpty()) {
        options.add(
            "--ambient-caps="
                + String.join(",", ambient.stream().map(name -> "+" + name).toList()));
      }
    }
    if (options.isEmpty()) {
      return List.of();
    }
    options.add("--");
    return List.copyOf(options);
  }

  /**
   * The user, group and supplementary groups a container runs as, from its own and its pod's
   * security context. Each {@code null} keeps the launcher's.
   *
   * @param uid {@code runAsUser}
   * @param gid {@code runAsGroup}; when only the user is given, that user's group in the host's
   *     {@code /etc/passwd}, or 0 when it has no entry there, as containerd does with an image's
   * @param groups {@code supplementalGroups}, then {@code fsGroup}, then with a {@code runAsUser}
   *     the groups that list that user in the host's {@code /etc/group}, unless {@code
   *     supplementalGroupsPolicy} is {@code Strict}
   */
  record RunAs(Long uid, Long gid, List<Long> groups) {
    static RunAs of(PodSecurityContext pod, SecurityContext container) {
      return of(pod, container, HostUser::of);
    }

    /**
     * Returns what {@link #of(PodSecurityContext, SecurityContext)} does, with another user
     * database.
     */
    static RunAs of(
        PodSecurityContext pod, SecurityContext container, LongFunction<HostUser> users) {
      Long uid = userOf(pod, container);
      Long gid = container == null ? null : container.getRunAsGroup();
      if (gid == null && pod != null) {
        gid = pod.getRunAsGroup();
      }
      HostUser user = uid == null ? null : users.apply(uid);
      if (gid == null && user != null) {
        gid = user.group();
      }
      Set<Long> groups = new LinkedHashSet<>();
      if (pod != null && pod.getSupplementalGroups() != null) {
        groups.addAll(pod.getSupplementalGroups());
      }
      if (pod != null && pod.getFsGroup() != null) {
        groups.add(pod.getFsGroup());
      }
      boolean strict = pod != null && "Strict".equals(pod.getSupplementalGroupsPolicy());
      if (user != null && !strict) {
        // Policy Merge, the default: the groups that list the user, as containerd reads them from
        // the image's /etc/group. The host is the image of a host process.
        groups.addAll(user.memberOf());
      }
      return new RunAs(uid, gid, List.copyOf(groups));
    }

    /**
     * Returns the container's {@code runAsUser}, else the pod's, else {@code null}, without reading
     * {@code /etc/passwd} as {@link #of} may.
     */
    static Long userOf(PodSecurityContext pod, SecurityContext container) {
      Long uid = container == null ? null : container.getRunAsUser();
      return uid == null && pod != null ? pod.getRunAsUser() : uid;
    }

    /** Returns whether the container runs with other IDs or groups than the launcher. */
    boolean changes() {
      return uid != null || gid != null || !groups.isEmpty();
    }
  }

  /**
   * A user's entries in the host's {@code /etc/passwd} and {@code /etc/group}.
   *
   * @param group the group of the user's {@code /etc/passwd} entry, or 0 without one, as containerd
   *     does with an image's
   * @param memberOf the groups whose {@code /etc/group} entry lists the user's name as a member
   */
  record HostUser(long group, List<Long> memberOf) {
    static HostUser of(long uid) {
      return of(uid, Path.of("/etc/passwd"), Path.of("/etc/group"));
    }

    static HostUser of(long uid, Path passwd, Path groupFile) {
      String name = null;
      long group = 0;
      for (String[] fields : entries(passwd)) {
        if (fields.length > 3 && fields[2].equals(Long.toString(uid))) {
          name = fields[0];
          try {
            group = Long.parseLong(fields[3]);
          } catch (NumberFormatException e) {
            group = 0;
          }
          break;
        }
      }
      Set<Long> memberOf = new LinkedHashSet<>();
      if (name != null) {
        for (String[] fields : entries(groupFile)) {
          if (fields.length > 3 && List.of(fields[3].split(",")).contains(name)) {
            try {
              memberOf.add(Long.parseLong(fields[2]));
            } catch (NumberFormatException e) {
              // A malformed entry grants nothing.
            }
          }
        }
      }
      return new HostUser(group, List.copyOf(memberOf));
    }

    /** Returns the colon-separated fields of each line, or nothing when the file is unreadable. */
    private static List<String[]> entries(Path file) {
      try {
        return Files.readAllLines(file).stream().map(line -> line.split(":", -1)).toList();
      } catch (IOException e) {
        return List.of();
      }
    }
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

  /** Returns the added capabilities that are not dropped by name, in setpriv's lower case. */
  private static List<String> ambientSet(Capabilities capabilities) {
    if (capabilities == null) {
      return List.of();
    }
    List<String> add = names(capabilities.getAdd());
    List<String> drop = names(capabilities.getDrop());
    Set<String> ambient = new TreeSet<>(add.contains("ALL") ? CAPABILITIES : Set.copyOf(add));
    ambient.remove("ALL");
    ambient.removeAll(drop);
    return ambient.stream().map(name -> name.toLowerCase(Locale.ROOT)).toList();
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
