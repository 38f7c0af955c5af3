package dev.nodeless.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Runs an action when the JVM shuts down because of SIGINT or SIGTERM, for as long as it is open.
 * The JVM then exits with 128 + the signal number (130 or 143), which is the exit code the command
 * documents. A second SIGINT or SIGTERM while the action runs, such as a second Ctrl-C during a
 * long grace period, runs the hurry action.
 */
final class SignalGuard implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SignalGuard.class);

  private final Thread hook;

  /**
   * @param onSignal stops gracefully; runs on the shutdown hook thread
   * @param hurry makes {@code onSignal} finish at once; runs on the JVM's signal thread, so it must
   *     not block
   */
  SignalGuard(Runnable onSignal, Runnable hurry) {
    this.hook =
        new Thread(
            () -> {
              onRepeatedSignal(hurry);
              onSignal.run();
            },
            "nodeless-signal");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /**
   * Replaces the JVM's handlers of SIGINT and SIGTERM, which would only wait for the shutdown
   * already under way, with {@code hurry}.
   */
  private static void onRepeatedSignal(Runnable hurry) {
    // sun.misc.Signal lives in the jdk.unsupported module, which JDK 17 exports; javac warns.
    for (String name : new String[] {"INT", "TERM"}) {
      try {
        Signal.handle(new Signal(name), signal -> hurry.run());
      } catch (IllegalArgumentException e) {
        LOG.debug("Cannot handle a second SIG{}: {}", name, e.toString());
      }
    }
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
