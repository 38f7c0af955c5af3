package dev.nodeless.cli;

import dev.nodeless.cli.ManifestReader.Manifests;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.InputStream;
import java.util.List;
import picocli.CommandLine.Option;

/** The {@code -f/--filename} option of the subcommands that read pods from manifest files. */
final class ManifestFiles {
  @Option(
      names = {"-f", "--filename"},
      required = true,
      arity = "1..*",
      paramLabel = "FILE",
      description =
          "Manifest file, YAML (several documents allowed) or JSON; - reads stdin. A directory"
              + " contributes its .yaml, .yml and .json files in name order, not recursing.")
  List<String> files;

  /**
   * Reads the files and prints the reader's notes (workloads turned into pods, ignored objects) on
   * the console's stderr.
   *
   * @param verb what the subcommand does with the pods, such as {@code run}, for the error message
   * @throws CliException with exit code 2 when a file is missing, unreadable or invalid, a
   *     directory contains no manifest, two pods share a namespace and name, or the files contain
   *     no pod
   */
  Manifests readPods(
      KubernetesSerialization serialization, InputStream stdin, Console console, String verb) {
    Manifests manifests = new ManifestReader(serialization, stdin, console::err).read(files);
    if (manifests.pods().isEmpty()) {
      throw new CliException(
          ExitCodes.INVALID_INPUT,
          "no pods to "
              + verb
              + " in "
              + String.join(", ", files)
              + "; the files must contain a Pod or a workload such as a Job or Deployment");
    }
    return manifests;
  }
}
