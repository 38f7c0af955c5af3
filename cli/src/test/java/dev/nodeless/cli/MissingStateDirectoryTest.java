package dev.nodeless.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commands that read pods from a state directory that does not exist, which they must not create.
 */
class MissingStateDirectoryTest {
  @TempDir Path folder;

  private Path absent() {
    return folder.resolve("absent").resolve("state");
  }

  @Test
  void lsPrintsNoPods() {
    Cli.Result result = Cli.run("ls", "--state-dir", absent().toString());

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.OK);
    assertThat(result.out()).isEmpty();
    assertThat(result.err())
        .isEqualTo("no pods: state directory " + absent() + " does not exist\n");
    assertThat(folder.resolve("absent")).doesNotExist();
  }

  @Test
  void lsSettingPrintsNoPods() {
    Cli.Result result = Cli.run("ls", "-s", "local.stateDir=" + absent());

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.OK);
    assertThat(result.err()).contains("does not exist");
    assertThat(folder.resolve("absent")).doesNotExist();
  }

  @Test
  void lsJsonAndYamlPrintEmptyList() {
    KubernetesSerialization serialization = new KubernetesSerialization();
    for (String format : new String[] {"json", "yaml"}) {
      Cli.Result result = Cli.run("ls", "--state-dir", absent().toString(), "-o", format);

      assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.OK);
      Object parsed = serialization.unmarshal(result.out(), KubernetesList.class);
      assertThat(parsed).as(format).isInstanceOf(KubernetesList.class);
      assertThat(((KubernetesList) parsed).getItems()).as(format).isEmpty();
      assertThat(result.err()).as(format).isEmpty();
    }
    assertThat(folder.resolve("absent")).doesNotExist();
  }

  @Test
  void logsSaysPodAndDirectoryMissing() {
    Cli.Result result = Cli.run("logs", "--state-dir", absent().toString(), "web");

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(result.err())
        .isEqualTo(
            "error: pod 'web' not found: the state directory "
                + absent()
                + " does not exist; check --state-dir, or run the pod first\n");
    assertThat(folder.resolve("absent")).doesNotExist();
  }

  @Test
  void rmSaysEveryPodMissing() {
    Cli.Result result = Cli.run("rm", "--state-dir", absent().toString(), "web", "ns/db");

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(result.err())
        .contains("error: pod 'web' not found: the state directory " + absent())
        .contains("error: pod 'ns/db' not found: the state directory " + absent());
    assertThat(result.out()).isEmpty();
    assertThat(folder.resolve("absent")).doesNotExist();
  }

  @Test
  void lsOfExistingEmptyDirectorySaysNoPods() {
    Cli.Result result = Cli.run("ls", "--state-dir", folder.toString());

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.OK);
    assertThat(result.err()).isEqualTo("no pods\n");
  }
}
