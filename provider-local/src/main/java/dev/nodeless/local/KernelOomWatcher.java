package dev.nodeless.local;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Learns which containers the kernel's OOM killer hit by reading the kernel log, as the kubelet's
 * OOM watcher does. The engine reports {@code OOMKilled} itself only when its monitor sees the
 * cgroup's OOM event, which some hosts never deliver; the kernel log names the memory cgroup of
 * every OOM kill, and container cgroups carry the 64-hex container ID.
 */
final class KernelOomWatcher {
  private static final Logger LOG = LoggerFactory.getLogger(KernelOomWatcher.class);
  private static final Path KMSG = Path.of("/dev/kmsg");
  private static final Pattern OOM_KILL =
      Pattern.compile("oom-kill:.*?task_memcg=[^,]*([0-9a-f]{64})");

  private static KernelOomWatcher shared;
  private static boolean tried;

  private final Set<String> killed = ConcurrentHashMap.newKeySet();
  private BufferedReader reader;

  private KernelOomWatcher() {}

  /**
   * The watcher of this JVM, started on first use and kept until the JVM exits (a thread blocked on
   * the kernel log cannot be interrupted), or null when the kernel log cannot be read, as without
   * root.
   */
  static synchronized KernelOomWatcher shared() {
    if (!tried) {
      tried = true;
      shared = start();
    }
    return shared;
  }

  private static KernelOomWatcher start() {
    if (!Files.isReadable(KMSG)) {
      return null;
    }
    KernelOomWatcher watcher = new KernelOomWatcher();
    try {
      watcher.reader =
          new BufferedReader(
              new InputStreamReader(Files.newInputStream(KMSG), StandardCharsets.UTF_8));
    } catch (IOException e) {
      LOG.debug("Cannot read the kernel log for OOM kills: {}", e.toString());
      return null;
    }
    Thread thread = new Thread(watcher::read, "nodeless-oom-watcher");
    thread.setDaemon(true);
    thread.start();
    return watcher;
  }

  private void read() {
    int errors = 0;
    while (errors < 100) {
      String line;
      try {
        line = reader.readLine();
      } catch (IOException e) {
        // /dev/kmsg reports EPIPE when unread records were overwritten; the next read goes on.
        errors++;
        continue;
      }
      if (line == null) {
        break;
      }
      Matcher matcher = OOM_KILL.matcher(line);
      if (matcher.find()) {
        killed.add(matcher.group(1));
      }
    }
    LOG.debug("Stopped reading the kernel log for OOM kills");
  }

  /** Whether the OOM killer killed a process of the container with this full ID. */
  boolean oomKilled(String containerId) {
    return containerId != null && killed.contains(containerId);
  }
}
