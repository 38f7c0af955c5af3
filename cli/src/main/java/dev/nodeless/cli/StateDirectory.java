package dev.nodeless.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Location of the command's own files: a {@code cli} folder in the local provider's state dir. */
final class StateDirectory {
  private StateDirectory() {}

  /** Returns the directory for the logs of background supervisors. */
  static Path supervisorLogs(LauncherOptions options) {
    return of(options).resolve("cli");
  }

  /** Returns the local provider's state directory: the one given, else its default. */
  static Path of(LauncherOptions options) {
    return options.explicitStateDir().orElseGet(StateDirectory::providerDefault);
  }

  /**
   * Returns the local provider's state directory when it does not exist. Commands that only read
   * pods ({@code ls}, {@code logs}, {@code rm}) check this first, because building the launcher
   * would create the directory.
   */
  static Optional<Path> missing(LauncherOptions options) {
    if (!LauncherOptions.LOCAL_PROVIDER.equals(options.provider)) {
      return Optional.empty();
    }
    Path directory = of(options);
    return Files.exists(directory) ? Optional.empty() : Optional.of(directory);
  }

  /**
   * Returns the error for a pod named on the command line when the state directory does not exist.
   */
  static CliException podNotFound(String argument, Path directory) {
    return new CliException(
        ExitCodes.NOT_FOUND,
        "pod '"
            + argument
            + "' not found: the state directory "
            + directory
            + " does not exist; check --state-dir, or run the pod first");
  }

  /**
   * Returns the local provider's documented default, {@code
   * ${java.io.tmpdir}/nodeless-${user.name}} with characters other than letters, digits, dot,
   * underscore and dash in the user name replaced by an underscore. The CLI compiles against core
   * only, so it repeats that rule here.
   */
  static Path providerDefault() {
    String user = System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9._-]", "_");
    return Path.of(System.getProperty("java.io.tmpdir"), "nodeless-" + user);
  }
}
