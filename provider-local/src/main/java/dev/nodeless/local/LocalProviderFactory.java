package dev.nodeless.local;

import dev.nodeless.NodelessException;
import dev.nodeless.spi.PodProvider;
import dev.nodeless.spi.PodProviderFactory;
import dev.nodeless.spi.ProviderContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
    LocalSettings parsed;
    try {
      parsed = LocalSettings.parse(settings);
    } catch (IllegalArgumentException e) {
      return Optional.of(e.getMessage());
    }
    try {
      ContainerSettings containers = ContainerSettings.parse(settings);
      if (!containers.runtime().equals(ContainerSettings.AUTO)) {
        RuntimeChoice.choose(containers);
      }
    } catch (IllegalArgumentException e) {
      return Optional.of(e.getMessage());
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
    LocalSettings settings = LocalSettings.parse(context.settings());
    warnAboutUnknownKeys(context.settings());
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

  /** Logs each {@code local.*} key that no setting has, such as a misspelled one. */
  private static void warnAboutUnknownKeys(Map<String, String> settings) {
    Set<String> known = new TreeSet<>(LocalSettings.KEYS);
    known.addAll(ContainerSettings.KEYS);
    for (String key : new TreeSet<>(settings.keySet())) {
      if (key.startsWith("local.") && !known.contains(key)) {
        LOG.warn("Ignoring unknown setting {}; the local provider's settings are {}", key, known);
      }
    }
  }
}
