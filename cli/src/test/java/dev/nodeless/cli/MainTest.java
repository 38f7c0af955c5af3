package dev.nodeless.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Command-line handling that needs no provider. */
class MainTest {

  @Test
  void helpListsCommandsAndExitCodes() {
    Cli.Result result = Cli.run("--help");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).contains("run", "ls", "logs", "rm", "Exit codes:", "124");
    assertThat(result.out()).doesNotContain("supervise");
  }

  @Test
  void noCommandPrintsUsage() {
    Cli.Result result = Cli.run();

    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).startsWith("Usage: nodeless");
  }

  @Test
  void subcommandPrintsVersion() {
    Cli.Result result = Cli.run("run", "--version");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).matches("nodeless \\d+\\.\\d+\\.\\d+.*\\R");
  }

  @Test
  void usageErrorExitsTwo() {
    Cli.Result result = Cli.run("run");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(result.err()).contains("error: Missing required option: '--filename=FILE'");
    assertThat(result.err()).contains("Run 'nodeless run --help'");
  }

  @Test
  void badDurationNamesTheValue() {
    Cli.Result result = Cli.run("run", "-f", "x.yaml", "--timeout", "soon");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(result.err()).contains("'soon' is not a duration");
  }

  @Test
  void unknownProviderSaysWhichExist() {
    Cli.Result result = Cli.run("ls", "--provider", "mars");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(result.err()).startsWith("error: ").contains("'mars'");
    assertThat(result.err()).doesNotContain("Exception");
  }

  @Test
  void misspelledSettingIsInvalidInput(@TempDir Path stateDir) {
    Cli.Result result =
        Cli.run("ls", "--state-dir", stateDir.toString(), "-s", "local.runtme=process");

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(result.err()).contains("did you mean local.runtime?");
  }

  @Test
  void twoDifferentStateDirectoriesConflict(@TempDir Path stateDir) {
    Cli.Result result =
        Cli.run(
            "ls",
            "--state-dir",
            stateDir.resolve("a").toString(),
            "-s",
            "local.stateDir=" + stateDir.resolve("b"));

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(result.err()).contains("name different directories; give only one of them");
  }

  @Test
  void forceConflictsWithGracePeriod() {
    Cli.Result result = Cli.run("rm", "x", "--force", "--grace-period", "10s");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(result.err())
        .contains("--force kills at once and conflicts with --grace-period 10s");
  }

  @Test
  void verboseFlagsSetLogLevel() {
    String previous = System.clearProperty(Main.LOG_LEVEL_PROPERTY);
    try {
      Main.configureLogging(new String[] {"run", "-vv"});
      assertThat(System.getProperty(Main.LOG_LEVEL_PROPERTY)).isEqualTo("debug");
      System.clearProperty(Main.LOG_LEVEL_PROPERTY);
      Main.configureLogging(new String[] {"--verbose", "ls"});
      assertThat(System.getProperty(Main.LOG_LEVEL_PROPERTY)).isEqualTo("info");
    } finally {
      System.clearProperty(Main.LOG_LEVEL_PROPERTY);
      if (previous != null) {
        System.setProperty(Main.LOG_LEVEL_PROPERTY, previous);
      }
    }
  }
}
