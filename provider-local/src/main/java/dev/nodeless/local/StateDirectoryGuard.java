package dev.nodeless.local;

import dev.nodeless.NodelessException;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;

/**
 * Makes sure that only this user controls the state directory. The provider signals the processes
 * that the files under it name, and they hold logs and secret volumes, so a directory that another
 * user owns or may write to would let that user choose which processes get killed. The directory is
 * created owner-only when missing, and its {@code pods} and {@code requests} directories are kept
 * owner-only.
 */
final class StateDirectoryGuard {
  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rwx------");

  private StateDirectoryGuard() {}

  /**
   * Creates what is missing and checks ownership and modes.
   *
   * @throws NodelessException naming the directory, its owner or mode, and the fix
   * @throws IOException when a directory cannot be created or read
   */
  static void prepare(Path stateDir) throws IOException {
    int user = effectiveUid();
    if (!Files.isDirectory(stateDir)) {
      Files.createDirectories(stateDir.toAbsolutePath().getParent());
      try {
        createOwnerOnly(stateDir);
      } catch (FileAlreadyExistsException e) {
        // Created at the same moment by another process; checked below like any other.
      }
    }
    Path real = stateDir.toRealPath();
    check(stateDir, real, user);
    for (Path parent = real.getParent(); parent != null; parent = parent.getParent()) {
      checkParent(parent, stateDir, user);
    }
    for (Path own : List.of(PodDirectory.podsDir(real), PodDirectory.requestsDir(real))) {
      if (Files.isSymbolicLink(own)) {
        throw new NodelessException(
            own
                + " is a symbolic link, where the local provider keeps files of its own. Fix:"
                + " remove the link; the provider creates the directory");
      }
      try {
        createOwnerOnly(own);
      } catch (FileAlreadyExistsException e) {
        check(own, own, user);
        // Made by an earlier version with the default mode: the logs in it must not be readable
        // by other users.
        Files.setPosixFilePermissions(own, OWNER_ONLY);
      }
    }
  }

  private static void createOwnerOnly(Path directory) throws IOException {
    Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
  }

  /**
   * Checks a directory that the provider writes in: {@code path}, which resolves to {@code real}.
   */
  private static void check(Path path, Path real, int user) throws IOException {
    int owner = (Integer) Files.getAttribute(real, "unix:uid");
    int mode = (Integer) Files.getAttribute(real, "unix:mode");
    String link = path.equals(real) ? "" : " (a symbolic link to " + real + ")";
    if (owner != user) {
      throw new NodelessException(
          "the state directory "
              + path
              + link
              + " belongs to uid "
              + owner
              + ", not to this user (uid "
              + user
              + "); its files name processes that the local provider signals, so it must be"
              + " yours. Fix: remove it, or set local.stateDir (nodeless --state-dir) to a"
              + " directory of your own");
    }
    if ((mode & 0022) != 0) {
      throw new NodelessException(
          "the state directory "
              + path
              + link
              + " may be written by other users (mode "
              + String.format("%04o", mode & 07777)
              + "); its files name processes that the local provider signals. Fix: "
              + (link.isEmpty()
                  ? "chmod go-w " + path
                  : "set local.stateDir (nodeless --state-dir) to a directory of your own"));
    }
  }

  /**
   * Checks a directory above the state directory: another user who may rename entries in it could
   * replace the state directory. Root's directories pass, and so do directories that others may
   * write with the sticky bit set, such as /tmp, where only an entry's owner may rename it.
   */
  private static void checkParent(Path parent, Path stateDir, int user) throws IOException {
    int owner = (Integer) Files.getAttribute(parent, "unix:uid");
    int mode = (Integer) Files.getAttribute(parent, "unix:mode");
    if (owner != 0 && owner != user) {
      throw new NodelessException(
          "the directory "
              + parent
              + " above the state directory "
              + stateDir
              + " belongs to uid "
              + owner
              + ", who could replace the state directory. Fix: set local.stateDir (nodeless"
              + " --state-dir) to a directory whose parents belong to you or to root");
    }
    if ((mode & 0022) != 0 && (mode & 01000) == 0) {
      throw new NodelessException(
          "the directory "
              + parent
              + " above the state directory "
              + stateDir
              + " may be written by other users without the sticky bit (mode "
              + String.format("%04o", mode & 07777)
              + "), so they could replace the state directory. Fix: chmod go-w "
              + parent
              + ", or set local.stateDir (nodeless --state-dir) elsewhere");
    }
  }

  /** Returns the effective user ID of this process, from {@code /proc/self/status}. */
  static int effectiveUid() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("Uid:")) {
        return Integer.parseInt(line.substring(4).trim().split("\\s+")[1]);
      }
    }
    throw new IOException("/proc/self/status has no Uid line");
  }
}
