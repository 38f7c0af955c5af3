package dev.nodeless.cli;

import dev.nodeless.LogOptions;
import dev.nodeless.PodLauncher;
import dev.nodeless.PodNotFoundException;
import dev.nodeless.PodRef;
import dev.nodeless.ReferenceResolver;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code nodeless logs}: prints or follows the log of one container. */
@Command(
    name = "logs",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Prints the log of a container of a pod.")
final class LogsCommand implements Callable<Integer> {
  @ParentCommand Main main;
  @Spec CommandSpec spec;
  @Mixin LauncherOptions launcherOptions;

  @Parameters(
      index = "0",
      paramLabel = "POD",
      description = "namespace/name, a name in the default namespace, or a UID (or its prefix).")
  String pod;

  @Option(
      names = {"-c", "--container"},
      paramLabel = "NAME",
      description = "Container to read; may be omitted when the pod has one container.")
  String container;

  @Option(
      names = {"-f", "--follow"},
      description = "Keep printing new lines until the container stops.")
  boolean follow;

  @Option(
      names = "--tail",
      paramLabel = "N",
      description = "Print only the last N lines; -1, as in kubectl, prints every line.")
  Integer tail;

  @Option(
      names = "--since",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "Print only lines newer than this, such as 10m or 1h.")
  Duration since;

  @Option(names = "--timestamps", description = "Start each line with its RFC 3339 timestamp.")
  boolean timestamps;

  @Option(
      names = {"-p", "--previous"},
      description = "Read the previous, terminated instance of the container.")
  boolean previous;

  @Override
  public Integer call() {
    if (tail != null && tail < -1) {
      throw new CliException(
          ExitCodes.INVALID_INPUT,
          "--tail " + tail + " is negative; give a number of lines >= 0, or -1 for every line");
    }
    Optional<Path> missing = StateDirectory.missing(launcherOptions);
    if (missing.isPresent()) {
      throw StateDirectory.podNotFound(pod, missing.get());
    }
    Console console = new Console(spec.commandLine().getOut(), spec.commandLine().getErr(), false);
    try (PodLauncher launcher = launcherOptions.build(ReferenceResolver.none())) {
      PodRef ref = PodSelector.selectOne(pod, launcher, console);
      String name = container != null ? container : onlyContainer(ref, launcher);
      if (previous) {
        requirePreviousInstance(ref, name, launcher.status(ref).orElse(new PodStatus()));
      }
      LogOptions.Builder options =
          LogOptions.builder().follow(follow).timestamps(timestamps).previous(previous);
      if (tail != null && tail >= 0) {
        options.tailLines(tail);
      }
      if (since != null) {
        options.sinceTime(Instant.now().minus(since));
      }
      try (InputStream in = launcher.logs(ref, name, options.build())) {
        PrintWriter out = spec.commandLine().getOut();
        if (main.stdout().isPresent()) {
          // Byte for byte, as kubectl logs does, because a log need not be UTF-8.
          out.flush();
          copyBytes(in, main.stdout().get());
        } else {
          copy(in, out);
        }
      } catch (PodNotFoundException e) {
        throw containerProblem(
            name,
            ref,
            "not found or has no log yet; containers: "
                + containerNames(launcher.status(ref).orElse(new PodStatus())),
            e);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return ExitCodes.OK;
    }
  }

  /** Copies the log, flushing each chunk, so that {@code -f} shows lines as they arrive. */
  private static void copyBytes(InputStream in, OutputStream out) throws IOException {
    byte[] buffer = new byte[8192];
    for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
      out.write(buffer, 0, read);
      out.flush();
    }
  }

  private static void copy(InputStream in, PrintWriter out) throws IOException {
    Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8);
    char[] buffer = new char[8192];
    for (int read = reader.read(buffer); read >= 0; read = reader.read(buffer)) {
      out.write(buffer, 0, read);
      out.flush();
    }
  }

  private static String onlyContainer(PodRef ref, PodLauncher launcher) {
    PodStatus status = launcher.status(ref).orElse(new PodStatus());
    List<ContainerStatus> containers = status.getContainerStatuses();
    if (containers != null && containers.size() == 1) {
      return containers.get(0).getName();
    }
    throw new CliException(
        ExitCodes.INVALID_INPUT,
        "pod "
            + PodDescriptions.name(ref)
            + " has containers "
            + containerNames(status)
            + "; choose one with -c NAME");
  }

  /** Fails with NOT_FOUND when the container has not restarted, so it has no previous log. */
  private static void requirePreviousInstance(PodRef ref, String name, PodStatus status) {
    List<ContainerStatus> all = new ArrayList<>();
    if (status.getInitContainerStatuses() != null) {
      all.addAll(status.getInitContainerStatuses());
    }
    if (status.getContainerStatuses() != null) {
      all.addAll(status.getContainerStatuses());
    }
    for (ContainerStatus container : all) {
      if (name.equals(container.getName())
          && (container.getRestartCount() == null || container.getRestartCount() == 0)) {
        throw containerProblem(
            name,
            ref,
            "has not restarted, so it has no previous instance; leave out --previous",
            null);
      }
    }
  }

  private static CliException containerProblem(
      String name, PodRef ref, String problem, Throwable cause) {
    return new CliException(
        ExitCodes.NOT_FOUND,
        "container '" + name + "' of pod " + PodDescriptions.name(ref) + " " + problem,
        cause);
  }

  private static List<String> containerNames(PodStatus status) {
    List<String> names = new ArrayList<>();
    if (status.getInitContainerStatuses() != null) {
      status.getInitContainerStatuses().forEach(c -> names.add(c.getName()));
    }
    if (status.getContainerStatuses() != null) {
      status.getContainerStatuses().forEach(c -> names.add(c.getName()));
    }
    return names;
  }
}
