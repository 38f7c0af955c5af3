package dev.nodeless.local;

import dev.nodeless.NodelessException;
import dev.nodeless.spi.PodProvider;
import dev.nodeless.spi.PodProviderFactory;
import dev.nodeless.spi.ProviderContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the {@code local} provider, which runs pods as processes on this Linux host. It has the
 * highest priority of the bundled providers, so it is the default. Settings and semantics are
 * described in the package documentation.
 */
public final class LocalProviderFactory implements PodProviderFactory {
  /** Priority of the local provider: above every cloud provider, so that it is the default. */
  public static final int PRIORITY = 100;

  private static final Logger LOG = LoggerFactory.getLogger(LocalProviderFactory.class);

  @Override
  public String name() {
    return "local";
  }

  @Override
  public int priority() {
    return PRIORITY;
  }

  @Override
  public Optional<String> unavailableReason(Map<String, String> settings) {
    if (!PlatformCheck.isLinux()) {
      return Optional.of(
          "the local provider runs pods as Linux processes; this host runs "
              + System.getProperty("os.name"));
    }
    if (ProcessRuntime.Tools.find().isEmpty()) {
      return Optional.of(
          "the local provider needs the setsid and sh tools (util-linux) on the PATH");
    }
    List<String> problems = new ArrayList<>(unknownKeys(settings));
    LocalSettings parsed = null;
    try {
      parsed = LocalSettings.parse(settings);
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage());
    }
    try {
      ContainerSettings containers = ContainerSettings.parse(settings);
      if (!containers.runtime().equals(ContainerSettings.AUTO)) {
        RuntimeChoice.choose(containers);
      }
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage());
    }
    if (!problems.isEmpty()) {
      return Optional.of(String.join("; ", problems));
    }
    Path existing = parsed.stateDir();
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null || !Files.isDirectory(existing) || !Files.isWritable(existing)) {
      return Optional.of(
          "the state directory "
              + parsed.stateDir()
              + " cannot be created or written; set local.stateDir to a writable directory");
    }
    return Optional.empty();
  }

  @Override
  public PodProvider create(ProviderContext context) {
    List<String> unknown = unknownKeys(context.settings());
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", unknown));
    }
    LocalSettings settings = LocalSettings.parse(context.settings());
    ProcessRuntime.Tools tools =
        ProcessRuntime.Tools.find()
            .orElseThrow(
                () -> new NodelessException("the local provider needs the setsid and sh tools"));
    try {
      return new LocalPodProvider(context, settings, tools);
    } catch (IOException e) {
      throw new NodelessException(
          "cannot create the state directory " + settings.stateDir() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Returns a problem for each {@code local.*} key that no setting has, such as a misspelled one,
   * with the nearest known key when one is close.
   */
  static List<String> unknownKeys(Map<String, String> settings) {
    Set<String> known = new TreeSet<>(LocalSettings.KEYS);
    known.addAll(ContainerSettings.KEYS);
    List<String> problems = new ArrayList<>();
    for (String key : new TreeSet<>(settings.keySet())) {
      if (key.startsWith("local.") && !known.contains(key)) {
        String nearest = null;
        int best = 4;
        for (String candidate : known) {
          int distance = distance(key.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
          if (distance < best) {
            best = distance;
            nearest = candidate;
          }
        }
        problems.add(
            "unknown setting "
                + key
                + "; "
                + (nearest == null ? "" : "did you mean " + nearest + "? ")
                + "the local provider's settings are "
                + known);
      }
    }
    return problems;
  }

  /** Returns the Levenshtein distance between two strings. */
  private static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
