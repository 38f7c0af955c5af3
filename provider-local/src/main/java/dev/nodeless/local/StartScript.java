package dev.nodeless.local;

import dev.nodeless.local.ContainerLaunch.Mount;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Writes the {@code sh} script that prepares a container process before it executes the command: it
 * joins the instance cgroups, sets up the mounts inside the private mount namespace that {@code
 * unshare} created, changes to the working directory and checks that the command exists.
 *
 * <p>A mount point that does not exist on the host is created inside the namespace only: its
 * nearest existing ancestor is covered by an overlay whose upper layer is a tmpfs, so new
 * directories land in that tmpfs. When the ancestor is {@code /} itself, the script builds a new
 * root on a tmpfs that bind-mounts every top-level entry of the host root and changes into it with
 * {@code chroot}. Nothing is created on the host outside the pod's state directory.
 *
 * <p>The command and its arguments are the script's positional parameters, so they are never parsed
 * by the shell. A failure before the command runs writes a message to the start-error file and
 * exits with 128, which the runtime reports as {@code StartError}.
 */
final class StartScript {
  private final List<String> lines = new ArrayList<>();
  private final String execLine;

  private StartScript(String execLine) {
    this.execLine = execLine;
  }

  /** Returns the last line, which replaces the shell with the command in {@code "$@"}. */
  private static String execLine(List<String> execPrefix) {
    StringBuilder line = new StringBuilder("exec");
    for (String word : execPrefix) {
      line.append(' ').append(quote(word));
    }
    return line.append(" \"$@\"").toString();
  }

  /**
   * Builds the script.
   *
   * @param cgroupProcs the {@code cgroup.procs} files to join
   * @param mounts the mounts; empty when no namespace is used
   * @param workingDir the working directory inside the container
   * @param runDir a directory of the instance that exists on the host and contains the tmpfs mount
   *     points
   * @param startError the file that receives the start error message
   * @param execPrefix the command and options, such as {@code setpriv}'s, that execute the
   *     container's command; empty to execute it directly
   */
  static String build(
      List<Path> cgroupProcs,
      List<Mount> mounts,
      String workingDir,
      Path runDir,
      Path startError,
      List<String> execPrefix) {
    StartScript script = new StartScript(execLine(execPrefix));
    script.lines.add(
        "fail() { printf '%s' \"$1\" > " + quote(startError.toString()) + "; exit 128; }");
    for (Path procs : cgroupProcs) {
      script.lines.add(
          "echo $$ > "
              + quote(procs.toString())
              + " || fail "
              + quote("cannot join cgroup " + procs));
    }
    boolean namespace = !mounts.isEmpty() || !exists(workingDir);
    if (!namespace) {
      script.finish(workingDir);
      return script.text();
    }
    List<String> creations = new ArrayList<>();
    if (!exists(workingDir)) {
      creations.add(workingDir);
    }
    List<Mount> sorted = new ArrayList<>(mounts);
    sorted.sort(Comparator.comparingInt(mount -> depth(mount.target())));
    sorted.stream().map(Mount::target).filter(target -> !exists(target)).forEach(creations::add);

    Set<String> ancestors = new LinkedHashSet<>();
    for (String target : creations) {
      ancestors.add(existingAncestor(target));
    }
    List<String> overlaid = new ArrayList<>();
    ancestors.stream()
        .filter(ancestor -> !ancestor.equals("/"))
        .sorted(Comparator.comparingInt(StartScript::depth))
        .forEach(
            ancestor -> {
              if (overlaid.stream().noneMatch(done -> isUnder(ancestor, done))) {
                overlaid.add(ancestor);
              }
            });
    // An overlay hides the host directory it covers, so when it would cover the pod's own files
    // (volume sources, this run directory) the overlays go onto a new root instead, where the host
    // paths stay as they are.
    boolean coversPodFiles =
        overlaid.stream()
            .anyMatch(
                ancestor ->
                    isUnder(runDir.toString(), ancestor)
                        || mounts.stream()
                            .anyMatch(mount -> isUnder(mount.source().toString(), ancestor)));
    boolean newRoot = ancestors.contains("/") || coversPodFiles;
    String prefix = newRoot ? runDir.resolve("root").toString() : "";
    if (newRoot) {
      script.buildRoot(prefix);
    }
    if (!overlaid.isEmpty()) {
      String layers = runDir.resolve("layers").toString();
      script.lines.add(
          "mount -t tmpfs -o mode=700 nodeless-layers "
              + quote(layers)
              + " || fail "
              + quote("cannot mount a tmpfs on " + layers));
      for (int i = 0; i < overlaid.size(); i++) {
        String lower = overlaid.get(i);
        String upper = layers + "/u" + i;
        String work = layers + "/w" + i;
        script.lines.add("mkdir " + quote(upper) + " " + quote(work));
        script.lines.add(
            "mount -t overlay nodeless-overlay -o "
                + quote("lowerdir=" + lower + ",upperdir=" + upper + ",workdir=" + work)
                + " "
                + quote(prefix + lower)
                + " || fail "
                + quote("cannot overlay " + lower + " to create mount points under it"));
      }
    }
    if (newRoot && !overlaid.isEmpty()) {
      // Keeps the start-error file of this run directory reachable from inside the new root.
      script.lines.add(
          "mount --bind "
              + quote(runDir.toString())
              + " "
              + quote(prefix + runDir)
              + " || fail "
              + quote("cannot mount " + runDir + " in the container root"));
    }
    for (Mount mount : sorted) {
      String target = prefix + mount.target();
      if (mount.directory()) {
        script.lines.add(
            "mkdir -p "
                + quote(target)
                + " || fail "
                + quote("cannot create mount point " + mount.target()));
      } else {
        script.lines.add(
            "mkdir -p \"$(dirname "
                + quote(target)
                + ")\" && { [ -e "
                + quote(target)
                + " ] || : > "
                + quote(target)
                + "; } || fail "
                + quote("cannot create mount point " + mount.target()));
      }
      script.lines.add(
          "mount --bind "
              + quote(mount.source().toString())
              + " "
              + quote(target)
              + " || fail "
              + quote("cannot mount " + mount.source() + " at " + mount.target()));
      if (mount.readOnly()) {
        script.lines.add(
            "mount -o remount,bind,ro "
                + quote(target)
                + " || fail "
                + quote("cannot make " + mount.target() + " read-only"));
      }
    }
    if (!exists(workingDir)) {
      script.lines.add(
          "mkdir -p "
              + quote(prefix + workingDir)
              + " || fail "
              + quote("cannot create working directory " + workingDir));
    }
    if (newRoot) {
      script.lines.add(
          "exec chroot "
              + quote(prefix)
              + " /bin/sh -c "
              + quote(String.join("\n", finishLines(workingDir, startError, script.execLine)))
              + " sh \"$@\"");
    } else {
      script.finish(workingDir);
    }
    return script.text();
  }

  /** Replicates the host root on a tmpfs at {@code root}, entry by entry. */
  private void buildRoot(String root) {
    lines.add(
        "mount -t tmpfs -o mode=755 nodeless-root "
            + quote(root)
            + " || fail "
            + quote("cannot mount a tmpfs on " + root));
    lines.add("for entry in /* /.[!.]*; do");
    lines.add("  [ -e \"$entry\" ] || [ -L \"$entry\" ] || continue");
    lines.add("  name=${entry#/}");
    lines.add(
        "  if [ -L \"$entry\" ]; then ln -s \"$(readlink \"$entry\")\" "
            + quote(root)
            + "/\"$name\"");
    lines.add(
        "  elif [ -d \"$entry\" ]; then mkdir "
            + quote(root)
            + "/\"$name\" && mount --rbind \"$entry\" "
            + quote(root)
            + "/\"$name\"");
    lines.add(
        "  else : > "
            + quote(root)
            + "/\"$name\" && mount --bind \"$entry\" "
            + quote(root)
            + "/\"$name\"");
    lines.add("  fi || fail \"cannot replicate $entry in the container root\"");
    lines.add("done");
  }

  private void finish(String workingDir) {
    lines.add(
        "cd "
            + quote(workingDir)
            + " || fail "
            + quote("cannot change to working directory " + workingDir));
    lines.add(commandCheck());
    lines.add(execLine);
  }

  /** The lines that run inside the new root; the start-error path is visible there too. */
  private static List<String> finishLines(String workingDir, Path startError, String execLine) {
    return List.of(
        "fail() { printf '%s' \"$1\" > " + quote(startError.toString()) + "; exit 128; }",
        "cd "
            + quote(workingDir)
            + " || fail "
            + quote("cannot change to working directory " + workingDir),
        commandCheck(),
        execLine);
  }

  private static String commandCheck() {
    return "command -v \"$1\" >/dev/null 2>&1 || fail \"exec: \\\"$1\\\": executable file not found in"
        + " \\$PATH\"";
  }

  private String text() {
    return String.join("\n", lines) + "\n";
  }

  static String existingAncestor(String path) {
    Path current = Path.of(path).getParent();
    while (current != null && !Files.isDirectory(current)) {
      current = current.getParent();
    }
    return current == null ? "/" : current.toString();
  }

  private static boolean exists(String path) {
    return Files.exists(Path.of(path));
  }

  private static boolean isUnder(String path, String ancestor) {
    return ancestor.equals("/") || path.equals(ancestor) || path.startsWith(ancestor + "/");
  }

  private static int depth(String path) {
    return Path.of(path).getNameCount();
  }

  /** Quotes a word for {@code sh}: single quotes, with each embedded single quote escaped. */
  static String quote(String word) {
    return "'" + word.replace("'", "'\\''") + "'";
  }
}
