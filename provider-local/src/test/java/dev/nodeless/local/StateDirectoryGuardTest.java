package dev.nodeless.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nodeless.NodelessException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Who may control the local provider's state directory. */
class StateDirectoryGuardTest {
  @TempDir Path parent;

  @Test
  void missingDirectoryIsCreatedOwnerOnly() throws Exception {
    Path stateDir = parent.resolve("new/state");

    StateDirectoryGuard.prepare(stateDir);

    assertThat(mode(stateDir)).isEqualTo("rwx------");
    assertThat(mode(stateDir.resolve("pods"))).isEqualTo("rwx------");
    assertThat(mode(stateDir.resolve("requests"))).isEqualTo("rwx------");
  }

  @Test
  void existingPodsDirectoryIsMadeOwnerOnly() throws Exception {
    Path stateDir = Files.createDirectory(parent.resolve("state"));
    Files.createDirectory(stateDir.resolve("pods"));
    Files.setPosixFilePermissions(stateDir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(
        stateDir.resolve("pods"), PosixFilePermissions.fromString("rwxr-xr-x"));

    StateDirectoryGuard.prepare(stateDir);

    assertThat(mode(stateDir)).as("the user's own choice stays").isEqualTo("rwxr-xr-x");
    assertThat(mode(stateDir.resolve("pods"))).isEqualTo("rwx------");
  }

  @Test
  void directoryOthersMayWriteIsRejected() throws Exception {
    Path stateDir = Files.createDirectory(parent.resolve("shared"));
    Files.setPosixFilePermissions(stateDir, PosixFilePermissions.fromString("rwxrwxrwx"));

    assertThatThrownBy(() -> StateDirectoryGuard.prepare(stateDir))
        .isInstanceOf(NodelessException.class)
        .hasMessageContaining(stateDir.toString())
        .hasMessageContaining("mode 0777")
        .hasMessageContaining("chmod go-w");
    assertThat(stateDir.resolve("pods")).doesNotExist();
  }

  @Test
  void directoryOfAnotherUserIsRejected() throws Exception {
    assumeTrue(LocalValidator.isRoot(), "only root can give a directory away");
    Path stateDir = Files.createDirectory(parent.resolve("theirs"));
    Files.setAttribute(stateDir, "unix:uid", 65534);

    assertThatThrownBy(() -> StateDirectoryGuard.prepare(stateDir))
        .isInstanceOf(NodelessException.class)
        .hasMessageContaining("belongs to uid 65534")
        .hasMessageContaining("local.stateDir");
  }

  @Test
  void podsDirectoryOfAnotherUserIsRejected() throws Exception {
    assumeTrue(LocalValidator.isRoot(), "only root can give a directory away");
    Path stateDir = Files.createDirectory(parent.resolve("mixed"));
    Path pods = Files.createDirectory(stateDir.resolve("pods"));
    Files.setAttribute(pods, "unix:uid", 65534);

    assertThatThrownBy(() -> StateDirectoryGuard.prepare(stateDir))
        .isInstanceOf(NodelessException.class)
        .hasMessageContaining(pods.toString());
  }

  @Test
  void symlinkedPodsDirectoryIsRejectedAndLeftAlone() throws Exception {
    Path target = Files.createDirectory(parent.resolve("elsewhere"));
    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path stateDir = Files.createDirectory(parent.resolve("linked-pods"));
    Files.createSymbolicLink(stateDir.resolve("pods"), target);

    assertThatThrownBy(() -> StateDirectoryGuard.prepare(stateDir))
        .isInstanceOf(NodelessException.class)
        .hasMessageContaining("is a symbolic link");
    assertThat(mode(target)).isEqualTo("rwxr-xr-x");
  }

  @Test
  void sharedLinkTargetIsNamed() throws Exception {
    Path shared = Files.createDirectory(parent.resolve("shared-target"));
    Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
    Path link = Files.createSymbolicLink(parent.resolve("state-link"), shared);

    assertThatThrownBy(() -> StateDirectoryGuard.prepare(link))
        .isInstanceOf(NodelessException.class)
        .hasMessageContaining("a symbolic link to " + shared.toRealPath())
        .hasMessageNotContaining("chmod");
  }

  @Test
  void parentOfAnotherUserIsRejected() throws Exception {
    assumeTrue(LocalValidator.isRoot(), "only root can give a directory away");
    Path theirs = Files.createDirectory(parent.resolve("their-parent"));
    Files.setAttribute(theirs, "unix:uid", 65534);
    Path stateDir = theirs.resolve("state");

    assertThatThrownBy(() -> StateDirectoryGuard.prepare(stateDir))
        .isInstanceOf(NodelessException.class)
        .hasMessageContaining("the directory " + theirs.toRealPath())
        .hasMessageContaining("belongs to uid 65534");
  }

  @Test
  void openParentWithoutStickyRejected() throws Exception {
    Path open = Files.createDirectory(parent.resolve("open-parent"));
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
    Path stateDir = open.resolve("state");

    assertThatThrownBy(() -> StateDirectoryGuard.prepare(stateDir))
        .isInstanceOf(NodelessException.class)
        .hasMessageContaining("without the sticky bit (mode 0777)");

    Files.setAttribute(open, "unix:mode", 01777);
    StateDirectoryGuard.prepare(stateDir);
    assertThat(mode(stateDir)).isEqualTo("rwx------");
  }

  private static String mode(Path path) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
  }
}
