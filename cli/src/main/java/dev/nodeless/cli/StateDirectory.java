package dev.nodeless.cli;

import java.nio.file.Path;

/** Location of the command's own files: a {@code cli} folder in the local provider's state dir. */
final class StateDirectory {
  private StateDirectory() {}

  /** Returns the directory for the logs of background supervisors. */
  static Path supervisorLogs(LauncherOptions options) {
    return options.explicitStateDir().orElseGet(StateDirectory::providerDefault).resolve("cli");
  }

  /**
   * Returns the local provider's documented default, {@code
   * ${java.io.tmpdir}/nodeless-${user.name}} with characters other than letters, digits, dot,
   * underscore and dash in the user name replaced by an underscore. The CLI compiles against core
   * only, so it repeats that rule here.
   */
  private static Path providerDefault() {
    String user = System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9._-]", "_");
    return Path.of(System.getProperty("java.io.tmpdir"), "nodeless-" + user);
  }
}
