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
import java.util.Comparator;
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
      Instant now = Instant.now();
      List<String[]> rows = new ArrayList<>();
      rows.add(new String[] {"NAMESPACE", "NAME", "UID", "STATUS", "READY", "RESTARTS", "AGE"});
      List<PodRef> sorted = new ArrayList<>(pods);
      sorted.sort(
          Comparator.comparing(PodRef::namespace)
              .thenComparing(PodRef::name)
              .thenComparing(PodRef::uid));
      for (PodRef ref : sorted) {
        PodStatus status = launcher.status(ref).orElse(new PodStatus());
        String age =
            PodDocuments.started(status)
                .map(start -> PodDocuments.age(Duration.between(start, now)))
                .orElse("-");
        rows.add(
            new String[] {
              ref.namespace(),
              ref.name(),
              ref.uid().substring(0, Math.min(8, ref.uid().length())),
              PodDescriptions.displayStatus(status),
              PodDescriptions.ready(status),
              String.valueOf(PodDescriptions.restarts(status)),
              age
            });
      }
      printTable(out, rows);
      out.flush();
      return ExitCodes.OK;
    }
  }

  /** Prints rows as kubectl does: each column as wide as its widest cell, three spaces apart. */
  private static void printTable(PrintWriter out, List<String[]> rows) {
    int[] widths = new int[rows.get(0).length];
    for (String[] row : rows) {
      for (int column = 0; column < row.length; column++) {
        widths[column] = Math.max(widths[column], row[column].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int column = 0; column < row.length; column++) {
        line.append(row[column]);
        if (column < row.length - 1) {
          line.append(" ".repeat(widths[column] - row[column].length() + 3));
        }
      }
      out.println(line);
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
