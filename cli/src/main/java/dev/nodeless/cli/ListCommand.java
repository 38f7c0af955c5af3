package dev.nodeless.cli;

import dev.nodeless.PodLauncher;
import dev.nodeless.PodRef;
import dev.nodeless.ReferenceResolver;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.PrintWriter;
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
import picocli.CommandLine.Spec;

/** {@code nodeless ls}: the pods in the state directory with their phase, readiness and age. */
@Command(
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    name = "ls",
    aliases = "list",
    description = "Lists the pods in the state directory: phase, ready containers, restarts, age.")
final class ListCommand implements Callable<Integer> {
  private static final String ROW = "%-12s %-28s %-9s %-17s %-6s %-9s %s";

  @Spec CommandSpec spec;
  @Mixin LauncherOptions launcherOptions;

  @Option(
      names = {"-o", "--output"},
      defaultValue = "text",
      paramLabel = "FORMAT",
      description = "text (a table), json or yaml (a Kubernetes List of pods). Default: text.")
  OutputFormat output;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Optional<Path> missing = StateDirectory.missing(launcherOptions);
    if (missing.isPresent()) {
      // Reading a directory that does not exist must not create it, so no launcher is built.
      return printNoPods(out, "state directory " + missing.get() + " does not exist");
    }
    try (PodLauncher launcher = launcherOptions.build(ReferenceResolver.none())) {
      List<PodRef> pods = launcher.list();
      if (output != OutputFormat.text) {
        List<Pod> documents = new ArrayList<>();
        for (PodRef ref : pods) {
          documents.add(PodDocuments.pod(ref, null, launcher.status(ref).orElse(null)));
        }
        out.println(PodDocuments.render(output, documents, new KubernetesSerialization()));
        out.flush();
        return ExitCodes.OK;
      }
      if (pods.isEmpty()) {
        return printNoPods(out, null);
      }
      out.println(
          String.format(ROW, "NAMESPACE", "NAME", "UID", "STATUS", "READY", "RESTARTS", "AGE"));
      Instant now = Instant.now();
      for (PodRef ref : pods) {
        PodStatus status = launcher.status(ref).orElse(new PodStatus());
        String age =
            PodDocuments.started(status)
                .map(start -> PodDocuments.age(Duration.between(start, now)))
                .orElse("-");
        out.println(
            String.format(
                ROW,
                ref.namespace(),
                ref.name(),
                ref.uid().substring(0, Math.min(8, ref.uid().length())),
                PodDescriptions.displayStatus(status),
                PodDescriptions.ready(status),
                PodDescriptions.restarts(status),
                age));
      }
      out.flush();
      return ExitCodes.OK;
    }
  }

  /**
   * Prints an empty list in the output format: a note on stderr for text, an empty {@code List}
   * document for json and yaml.
   *
   * @param reason why there are no pods, or {@code null}
   */
  private int printNoPods(PrintWriter out, String reason) {
    if (output != OutputFormat.text) {
      out.println(PodDocuments.render(output, List.of(), new KubernetesSerialization()));
      out.flush();
    } else {
      PrintWriter err = spec.commandLine().getErr();
      err.println(reason == null ? "no pods" : "no pods: " + reason);
      err.flush();
    }
    return ExitCodes.OK;
  }
}
