package dev.nodeless.cli;

import dev.nodeless.PodLauncher;
import dev.nodeless.PodPhases;
import dev.nodeless.PodRef;
import dev.nodeless.ReferenceResolver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code nodeless rm}: terminates pods and waits until they stopped. */
@Command(
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    name = "rm",
    description =
        "Terminates pods (SIGTERM, then SIGKILL once the grace period ends) and removes them,"
            + " with their logs, from the state directory. A pod run by another nodeless process"
            + " is stopped by that process.")
final class RemoveCommand implements java.util.concurrent.Callable<Integer> {
  /** Time beyond the grace period for the pod's supervisor to kill and reap its processes. */
  private static final Duration TERMINATE_SLACK = Duration.ofSeconds(30);

  private static final Duration UNKNOWN_GRACE = Duration.ofMinutes(5);

  @Spec CommandSpec spec;
  @Mixin LauncherOptions launcherOptions;

  @Parameters(
      arity = "1..*",
      paramLabel = "POD",
      description =
          "namespace/name, a name in the default namespace (every pod of that name), or a UID.")
  List<String> pods;

  @Option(
      names = "--grace-period",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "Time between SIGTERM and SIGKILL. Default: each pod's own, else 30s.")
  Duration gracePeriod;

  @Option(names = "--force", description = "Kill at once: the same as --grace-period 0.")
  boolean force;

  @Override
  public Integer call() {
    if (force && gracePeriod != null && !gracePeriod.isZero()) {
      throw new CliException(
          ExitCodes.INVALID_INPUT,
          "--force kills at once and conflicts with --grace-period "
              + gracePeriod.toSeconds()
              + "s; pass only one of them");
    }
    Duration grace = force ? Duration.ZERO : gracePeriod;
    Console console = new Console(spec.commandLine().getOut(), spec.commandLine().getErr(), false);
    Optional<Path> missingDirectory = StateDirectory.missing(launcherOptions);
    if (missingDirectory.isPresent()) {
      for (String argument : pods) {
        console.err(
            "error: " + StateDirectory.podNotFound(argument, missingDirectory.get()).getMessage());
      }
      return ExitCodes.NOT_FOUND;
    }
    try (PodLauncher launcher = launcherOptions.build(ReferenceResolver.none())) {
      List<PodRef> known = launcher.list();
      Set<PodRef> targets = new LinkedHashSet<>();
      List<String> missing = new ArrayList<>();
      for (String argument : pods) {
        List<PodRef> matches = PodSelector.select(argument, known);
        if (matches.isEmpty()) {
          missing.add(argument);
        }
        targets.addAll(matches);
      }
      int exitCode = ExitCodes.OK;
      for (PodRef ref : targets) {
        if (!terminate(launcher, ref, grace, console)) {
          exitCode = ExitCodes.FAILED;
        }
      }
      for (String argument : missing) {
        console.err("error: " + PodSelector.notFound(argument).getMessage());
      }
      return missing.isEmpty() ? exitCode : ExitCodes.NOT_FOUND;
    }
  }

  private static boolean terminate(
      PodLauncher launcher, PodRef ref, Duration grace, Console console) {
    String name = PodDescriptions.name(ref);
    boolean finished = launcher.status(ref).map(PodPhases::isFinished).orElse(false);
    // NOTE: the pod's own grace period is not visible through the launcher, so without
    // --grace-period the wait allows for one of up to UNKNOWN_GRACE.
    Duration bound = (grace == null ? UNKNOWN_GRACE : grace).plus(TERMINATE_SLACK);
    try {
      // The future completes once the pod's processes and files are gone, also when another
      // nodeless process supervises the pod and acts on the request.
      launcher.terminate(ref, grace).get(bound.toMillis(), TimeUnit.MILLISECONDS);
      console.out(
          "pod "
              + name
              + " (uid "
              + ref.uid()
              + ") "
              + (finished ? "removed; it had already finished" : "terminated and removed"));
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(ExitCodes.FAILED, "interrupted while terminating pod " + name, e);
    } catch (TimeoutException e) {
      console.err(
          "error: pod "
              + name
              + " did not stop within "
              + bound.toSeconds()
              + " s; check that the nodeless process running it is alive, then run rm again");
      return false;
    } catch (ExecutionException e) {
      console.err("error: terminating pod " + name + " failed: " + e.getCause().getMessage());
      return false;
    }
  }
}
