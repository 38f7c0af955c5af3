package dev.nodeless.cli;

/**
 * Runs an action when the JVM shuts down because of SIGINT or SIGTERM, for as long as it is open.
 * The JVM then exits with 128 + the signal number (130 or 143), which is the exit code the command
 * documents.
 */
final class SignalGuard implements AutoCloseable {
  private final Thread hook;

  SignalGuard(Runnable onSignal) {
    this.hook = new Thread(onSignal, "nodeless-signal");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /**
   * Removes the hook. When the JVM is already shutting down, it waits for the hook instead, so the
   * caller does not close what the hook still uses. The JVM halts once the hook ends.
   */
  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      try {
        hook.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
