package dev.nodeless.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Checks once what the host allows. */
final class PlatformCheck {
  private static final Logger LOG = LoggerFactory.getLogger(PlatformCheck.class);

  private PlatformCheck() {}

  static boolean isLinux() {
    return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux");
  }

  /**
   * Whether a private mount namespace can be created and mounted in: tries {@code unshare} with a
   * tmpfs mount on a scratch directory, which the host never sees.
   */
  static boolean mountNamespacesWork(ProcessRuntime.Tools tools) {
    if (!isLinux() || tools.unshare() == null || tools.nsenter() == null) {
      LOG.info("No unshare or nsenter tool on this host; pods with volume mounts are rejected");
      return false;
    }
    Path scratch = null;
    try {
      scratch = Files.createTempDirectory("nodeless-mount-check");
      Process check =
          new ProcessBuilder(
                  tools.unshare(),
                  "--mount",
                  "--propagation",
                  "private",
                  tools.sh(),
                  "-c",
                  "mount -t tmpfs nodeless-check \"$1\"",
                  "sh",
                  scratch.toString())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!check.waitFor(10, TimeUnit.SECONDS)) {
        check.destroyForcibly();
        LOG.info("The mount namespace check timed out; pods with volume mounts are rejected");
        return false;
      }
      boolean works = check.exitValue() == 0;
      if (!works) {
        LOG.info(
            "This host does not allow private mount namespaces (unshare exited with {}); pods with"
                + " volume mounts are rejected",
            check.exitValue());
      }
      return works;
    } catch (IOException e) {
      LOG.info(
          "The mount namespace check failed ({}); pods with volume mounts are rejected",
          e.toString());
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      if (scratch != null) {
        try {
          Files.deleteIfExists(scratch);
        } catch (IOException e) {
          LOG.debug("Cannot remove {}", scratch);
        }
      }
    }
  }
}
