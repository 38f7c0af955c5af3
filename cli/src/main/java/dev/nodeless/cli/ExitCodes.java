package dev.nodeless.cli;

/** Exit codes of the {@code nodeless} command. The README lists the same table. */
final class ExitCodes {
  /** Every pod succeeded, or the command did what it was asked. */
  static final int OK = 0;

  /** A pod failed or could not be launched, or the provider reported an error. */
  static final int FAILED = 1;

  /** The command line or a manifest is invalid; nothing was started. */
  static final int INVALID_INPUT = 2;

  /** A pod or container named on the command line does not exist. */
  static final int NOT_FOUND = 3;

  /** {@code --timeout} passed and the pods were terminated; the value GNU timeout uses. */
  static final int TIMED_OUT = 124;

  /** Stopped by SIGINT (Ctrl-C) after terminating the pods: 128 + 2. */
  static final int INTERRUPTED = 130;

  /** Stopped by SIGTERM after terminating the pods: 128 + 15. */
  static final int TERMINATED = 143;

  private ExitCodes() {}
}
