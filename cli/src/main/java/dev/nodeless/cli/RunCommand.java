package dev.nodeless.cli;

import dev.nodeless.PodLauncher;
import dev.nodeless.PodPhases;
import dev.nodeless.PodRef;
import dev.nodeless.ReferenceResolver;
import dev.nodeless.ValidationProblem;
import dev.nodeless.cli.ManifestReader.Manifests;
import dev.nodeless.cli.ManifestReader.PodSource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code nodeless run}: reads manifests, runs their pods, streams status changes and logs, and
 * exits once every pod finished.
 */
@Command(
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    name = "run",
    sortOptions = false,
    description = {
      "Runs every Pod in the files, and the pod template of each Deployment, StatefulSet,"
          + " DaemonSet, ReplicaSet, Job and CronJob as one pod. ConfigMaps and Secrets in the"
          + " files are what the pods' references resolve to; other kinds are ignored.",
      "Prints status changes on stderr and every container's log on stdout, prefixed by"
          + " [pod/container], and exits once every pod finished. Ctrl-C terminates the pods."
    })
final class RunCommand implements Callable<Integer> {
  private static final SecureRandom RANDOM = new SecureRandom();

  @ParentCommand Main main;
  @Spec CommandSpec spec;
  @Mixin LauncherOptions launcherOptions;

  @Mixin ManifestFiles manifestFiles;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "Terminate the pods and exit with code 124 when they have not finished this long after"
              + " the provider accepted them, such as 30s or 5m. With --detach, also the longest"
              + " wait for the pods to run.")
  Duration timeout;

  @Option(
      names = {"-d", "--detach"},
      description =
          "Return once every pod is running or finished, leaving a background process that"
              + " supervises them. Stop them with nodeless rm.")
  boolean detach;

  @Option(
      names = "--rm",
      description =
          "Remove the pods, with their logs, from the state directory once they finished."
              + " Without it, finished pods stay for nodeless ls and logs until nodeless rm.")
  boolean remove;

  @Option(
      names = {"-o", "--output"},
      defaultValue = "text",
      paramLabel = "FORMAT",
      description =
          "text, or json or yaml to print the pods with their final status as a Kubernetes List"
              + " on stdout; logs then go to stderr. Default: text.")
  OutputFormat output;

  @Option(
      names = "--grace-period",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "Time between SIGTERM and SIGKILL when the pods are terminated on Ctrl-C or timeout."
              + " Default: each pod's terminationGracePeriodSeconds, else 30s.")
  Duration gracePeriod;

  @Override
  public Integer call() {
    if (detach && remove) {
      throw new CliException(
          ExitCodes.INVALID_INPUT,
          "--rm removes the pods when this command ends, but --detach returns while they run;"
              + " pass only one of them, and remove detached pods with nodeless rm");
    }
    Console console =
        new Console(spec.commandLine().getOut(), spec.commandLine().getErr(), main.interactive());
    KubernetesSerialization serialization = new KubernetesSerialization();
    Manifests manifests = manifestFiles.readPods(serialization, main.stdin(), console, "run");
    List<Pod> pods = new ArrayList<>();
    for (PodSource source : manifests.pods()) {
      pods.add(withIdentity(source.pod()));
    }
    ReferenceResolver resolver = ManifestReader.resolver(manifests.references());
    if (detach) {
      try (PodLauncher launcher = launcherOptions.build(resolver)) {
        validate(launcher, pods, manifests.pods());
      }
      return new Detacher(launcherOptions, console, serialization, main.verbose())
          .detach(pods, manifests.references(), timeout, gracePeriod, output);
    }
    try (PodLauncher launcher = launcherOptions.build(resolver)) {
      validate(launcher, pods, manifests.pods());
      return runInForeground(launcher, pods, console, serialization);
    }
  }

  private int runInForeground(
      PodLauncher launcher,
      List<Pod> pods,
      Console console,
      KubernetesSerialization serialization) {
    Consumer<String> logSink = output == OutputFormat.text ? console::out : console::err;
    try (RunSession session = new RunSession(launcher, pods, console, logSink, gracePeriod);
        SignalGuard guard = new SignalGuard(session::stopForSignal, session::hurryStop)) {
      if (remove) {
        session.removeWhenStopped();
      }
      // The timeout bounds the launch, then counts again from when the provider accepted the
      // pods, so a slow start of this JVM or the provider does not eat into the pods' time.
      session.launchAll(RunSession.deadlineAfter(timeout));
      boolean finished = session.awaitFinished(RunSession.deadlineAfter(timeout));
      if (!session.finish()) {
        // A signal is terminating the pods; closing the guard waits for it, then the JVM exits.
        return ExitCodes.INTERRUPTED;
      }
      if (!finished) {
        List<String> names = session.launchedPods().stream().map(PodDescriptions::name).toList();
        console.err("timed out after " + describe(timeout) + "; terminating " + names);
        session.terminateAll();
        printDocument(session, console, serialization);
        if (remove) {
          session.removeAll();
        }
        throw new CliException(
            ExitCodes.TIMED_OUT,
            "run timed out after "
                + describe(timeout)
                + " and terminated "
                + names
                + "; raise --timeout if the pods need longer");
      }
      printDocument(session, console, serialization);
      int exitCode = report(session, console);
      if (remove) {
        session.removeAll();
      }
      return exitCode;
    }
  }

  /** Prints one line per pod: succeeded, or failed and why. */
  static int report(RunSession session, Console console) {
    int exitCode = ExitCodes.OK;
    for (PodRef ref : session.launchedPods()) {
      PodStatus status = session.status(ref).orElse(new PodStatus());
      if (PodPhases.SUCCEEDED.equals(status.getPhase())) {
        console.err("pod " + PodDescriptions.name(ref) + " succeeded");
      } else {
        console.err(
            "pod " + PodDescriptions.name(ref) + " failed: " + PodDescriptions.failure(status));
        exitCode = ExitCodes.FAILED;
      }
    }
    return exitCode;
  }

  private void printDocument(
      RunSession session, Console console, KubernetesSerialization serialization) {
    if (output == OutputFormat.text) {
      return;
    }
    List<Pod> documents = new ArrayList<>();
    for (PodRef ref : session.launchedPods()) {
      documents.add(PodDocuments.pod(ref, session.pod(ref), session.status(ref).orElse(null)));
    }
    console.out(PodDocuments.render(output, documents, serialization));
  }

  /**
   * Checks every pod before any starts.
   *
   * @throws CliException with exit code 2 listing every problem of every pod
   */
  static void validate(PodLauncher launcher, List<Pod> pods, List<PodSource> sources) {
    StringBuilder message = new StringBuilder();
    int invalid = 0;
    for (int i = 0; i < pods.size(); i++) {
      Pod pod = pods.get(i);
      List<ValidationProblem> problems = launcher.validate(pod);
      if (problems.isEmpty()) {
        continue;
      }
      invalid++;
      appendProblems(message, pod, sources.get(i).origin(), problems);
    }
    if (invalid > 0) {
      message.append("\nNothing was started. Fix the fields above and run again.");
      throw new CliException(ExitCodes.INVALID_INPUT, message.toString());
    }
  }

  /** Appends one pod's problems, one per line, to a message that may already list others. */
  static void appendProblems(
      StringBuilder message, Pod pod, String origin, List<ValidationProblem> problems) {
    message
        .append(message.length() == 0 ? "" : "\n")
        .append("invalid pod ")
        .append(ManifestReader.namespaceOf(pod.getMetadata()))
        .append("/")
        .append(pod.getMetadata().getName() == null ? "(unnamed)" : pod.getMetadata().getName())
        .append(" from ")
        .append(origin)
        .append(": ")
        .append(problems.size())
        .append(problems.size() == 1 ? " problem" : " problems");
    for (ValidationProblem problem : problems) {
      message.append("\n  - ").append(problem.describe());
    }
  }

  /**
   * Copies the pod with a UID and namespace, and a name from {@code metadata.generateName} when it
   * has none, so that every pod's reference is fixed before it is launched.
   */
  static Pod withIdentity(Pod pod) {
    ObjectMeta meta = pod.getMetadata() == null ? new ObjectMeta() : pod.getMetadata();
    ObjectMetaBuilder identity = new ObjectMetaBuilder(meta);
    if (meta.getUid() == null || meta.getUid().isEmpty()) {
      identity.withUid(UUID.randomUUID().toString());
    }
    identity.withNamespace(ManifestReader.namespaceOf(meta));
    if ((meta.getName() == null || meta.getName().isEmpty()) && meta.getGenerateName() != null) {
      identity.withName(meta.getGenerateName() + randomSuffix());
    }
    return new PodBuilder(pod).withMetadata(identity.build()).build();
  }

  /** Five characters from the alphabet the API server uses for generateName suffixes. */
  private static String randomSuffix() {
    String alphabet = "bcdfghjklmnpqrstvwxz2456789";
    StringBuilder suffix = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      suffix.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
    }
    return suffix.toString();
  }

  static String describe(Duration duration) {
    if (duration == null) {
      return "(no timeout)";
    }
    long millis = duration.toMillis();
    return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
  }
}
