package dev.nodeless.cli;

/**
 * A failure the command reports in plain words, without a stack trace, with the exit code it ends
 * with. The message states what failed, on which value, and how to fix it.
 */
final class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int exitCode;

  CliException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  CliException(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  int exitCode() {
    return exitCode;
  }
}
