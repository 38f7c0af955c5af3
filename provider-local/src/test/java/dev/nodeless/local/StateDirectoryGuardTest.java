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

  private static String mode(Path path) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
  }
}
