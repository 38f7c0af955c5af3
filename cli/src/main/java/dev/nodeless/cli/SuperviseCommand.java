package dev.nodeless.cli;

import dev.nodeless.PodLauncher;
import dev.nodeless.PodRef;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code nodeless supervise}: the background process of {@code run --detach}. It reads a Kubernetes
 * List of pods, ConfigMaps and Secrets from stdin, launches the pods, reports the handshake that
 * {@link Detacher} describes on stdout, then keeps supervising the pods until all finished. Its
 * stderr is the supervisor log.
 */
@Command(
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    name = "supervise",
    hidden = true,
    description = "Runs the pods of run --detach in the background; started by run, not by hand.")
final class SuperviseCommand implements Callable<Integer> {
  @ParentCommand Main main;
  @Spec CommandSpec spec;
  @Mixin LauncherOptions launcherOptions;

  @Option(names = "--timeout", converter = DurationConverter.class)
  Duration timeout;

  @Option(names = "--grace-period", converter = DurationConverter.class)
  Duration gracePeriod;

  @Override
  public Integer call() {
    KubernetesSerialization serialization = new KubernetesSerialization();
    PrintWriter handshake = spec.commandLine().getOut();
    PrintWriter log = spec.commandLine().getErr();
    Console console = new Console(log, log, false);
    console.err(Instant.now() + " supervisor " + ProcessHandle.current().pid() + " started");

    List<Pod> pods = new ArrayList<>();
    List<HasMetadata> references = new ArrayList<>();
    KubernetesList input = serialization.unmarshal(main.stdin(), KubernetesList.class);
    for (HasMetadata item : input.getItems()) {
      if (item instanceof Pod pod) {
        pods.add(pod);
      } else if (item instanceof ConfigMap || item instanceof Secret) {
        references.add(item);
      }
    }
    try (PodLauncher launcher = launcherOptions.build(ManifestReader.resolver(references));
        RunSession session = new RunSession(launcher, pods, console, null, gracePeriod);
        SignalGuard guard = new SignalGuard(session::stopForSignal, session::hurryStop)) {
      try {
        for (PodRef ref : session.launchAll(RunSession.deadlineAfter(timeout))) {
          send(handshake, serialization, Detacher.LAUNCHED, Map.of("uid", ref.uid()));
        }
      } catch (CliException e) {
        Map<String, String> failed = new LinkedHashMap<>();
        failed.put(Detacher.MESSAGE, e.getMessage());
        failed.put(Detacher.EXIT_CODE, Integer.toString(e.exitCode()));
        send(handshake, serialization, Detacher.FAILED, failed);
        console.err(Instant.now() + " launch failed: " + e.getMessage());
        return e.exitCode();
      }
      send(handshake, serialization, Detacher.READY, Map.of());
      // The foreground process stops reading after "ready" and may exit; nothing more goes there.
      handshake.close();

      boolean finished = session.awaitFinished(RunSession.deadlineAfter(timeout));
      if (!session.finish()) {
        return ExitCodes.TERMINATED;
      }
      if (!finished) {
        console.err(Instant.now() + " timed out after " + RunCommand.describe(timeout));
        session.terminateAll();
        return ExitCodes.TIMED_OUT;
      }
      int exitCode = RunCommand.report(session, console);
      console.err(Instant.now() + " every pod finished; supervisor exits");
      return exitCode;
    }
  }

  private static void send(
      PrintWriter handshake,
      KubernetesSerialization serialization,
      String event,
      Map<String, String> fields) {
    Map<String, String> line = new LinkedHashMap<>();
    line.put(Detacher.EVENT, event);
    line.putAll(fields);
    handshake.println(serialization.asJson(line));
    handshake.flush();
  }
}
