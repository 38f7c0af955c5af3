package dev.nodeless.cli;

import dev.nodeless.ReferenceResolver;
import dev.nodeless.cli.DocumentConverter.Conversion;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.runtime.RawExtension;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * Reads manifests (multi-document YAML or JSON, {@code -} for stdin) and sorts their objects into
 * the pods to run and the ConfigMaps and Secrets that the pods may refer to. A workload contributes
 * its pod template as one pod named after it; other kinds are reported as ignored.
 */
final class ManifestReader {
  /** The kinds this reader uses from the core API group, whose only version is v1. */
  private static final Set<Object> CORE_KINDS = Set.of("Pod", "ConfigMap", "Secret");

  static final String STDIN = "-";

  /** The file names that {@code kubectl apply -f DIR} reads from a directory. */
  private static final Pattern MANIFEST_NAME = Pattern.compile(".*\\.(yaml|yml|json)");

  private final KubernetesSerialization serialization;
  private final InputStream stdin;
  private final Consumer<String> notes;
  private final DocumentConverter converter;

  /**
   * @param notes receives one line per workload turned into a pod and per ignored object
   */
  ManifestReader(KubernetesSerialization serialization, InputStream stdin, Consumer<String> notes) {
    this.serialization = serialization;
    this.stdin = stdin;
    this.notes = notes;
    this.converter = new DocumentConverter(serialization);
  }

  /** A pod to run and where it came from, such as {@code job.yaml (Job pi)}. */
  record PodSource(Pod pod, String origin) {}

  /** The pods to run, in file order, and the ConfigMaps and Secrets read with them. */
  record Manifests(List<PodSource> pods, List<HasMetadata> references) {}

  /**
   * Reads every file. A directory contributes its files ending in .yaml, .yml or .json, in name
   * order and without recursing, as {@code kubectl apply -f DIR} reads it.
   *
   * @throws CliException with exit code 2 when a file is missing, unreadable or invalid, a
   *     directory contains no manifest, or two pods share a namespace and name. The message lists
   *     every invalid field of every file.
   */
  Manifests read(List<String> files) {
    List<PodSource> pods = new ArrayList<>();
    List<HasMetadata> references = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (String file : expand(files)) {
      List<Object> documents = parse(file);
      if (documents.stream().allMatch(document -> document == null)) {
        notes.accept("note: " + file + " contains no objects");
      }
      for (int i = 0; i < documents.size(); i++) {
        if (documents.get(i) != null) {
          sort(documents.get(i), file, i + 1, pods, references, problems);
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new CliException(
          ExitCodes.INVALID_INPUT,
          "invalid manifest: "
              + problems.size()
              + (problems.size() == 1 ? " problem" : " problems")
              + "\n  - "
              + String.join("\n  - ", problems)
              + "\nNothing was started. Fix the fields above and run again.");
    }
    rejectDuplicates(pods);
    return new Manifests(List.copyOf(pods), List.copyOf(references));
  }

  /**
   * Returns a resolver over the ConfigMaps and Secrets read.
   *
   * @throws CliException with exit code 2 when one has no name or two share a namespace and name
   */
  static ReferenceResolver resolver(List<HasMetadata> references) {
    try {
      return ReferenceResolver.of(references);
    } catch (IllegalArgumentException e) {
      throw new CliException(ExitCodes.INVALID_INPUT, e.getMessage(), e);
    }
  }

  /** Replaces each directory by its manifest files, sorted by name. */
  private static List<String> expand(List<String> files) {
    List<String> expanded = new ArrayList<>();
    for (String file : files) {
      Path path = Path.of(file);
      if (STDIN.equals(file) || !Files.isDirectory(path)) {
        expanded.add(file);
        continue;
      }
      List<String> manifests;
      try (Stream<Path> children = Files.list(path)) {
        manifests =
            children
                .filter(Files::isRegularFile)
                .filter(child -> MANIFEST_NAME.matcher(child.getFileName().toString()).matches())
                .sorted(Comparator.comparing(child -> child.getFileName().toString()))
                .map(Path::toString)
                .toList();
      } catch (IOException e) {
        throw new CliException(
            ExitCodes.INVALID_INPUT, "cannot list directory " + file + ": " + e.getMessage(), e);
      }
      if (manifests.isEmpty()) {
        throw new CliException(
            ExitCodes.INVALID_INPUT,
            "directory "
                + file
                + " contains no file ending in .yaml, .yml or .json; give a directory with"
                + " manifests, or name the files with -f");
      }
      expanded.addAll(manifests);
    }
    return expanded;
  }

  /**
   * Returns the file's documents in order, as the maps and lists that the parser builds. An empty
   * document is {@code null}. JSON is read as one document, or as one per item of a top-level
   * array.
   */
  private List<Object> parse(String file) {
    String text;
    try (InputStream in = open(file)) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new CliException(
          ExitCodes.INVALID_INPUT, "file " + file + " not found; check the path given to -f");
    } catch (IOException e) {
      throw new CliException(
          ExitCodes.INVALID_INPUT, "cannot read " + file + ": " + e.getMessage(), e);
    }
    List<Object> documents = new ArrayList<>();
    try {
      String start = text.stripLeading();
      if (start.startsWith("{") || start.startsWith("[")) {
        Object json = serialization.unmarshal(text, Object.class);
        if (json instanceof List<?> items) {
          documents.addAll(items);
        } else {
          documents.add(json);
        }
      } else {
        new Load(LoadSettings.builder().build()).loadAllFromString(text).forEach(documents::add);
      }
    } catch (RuntimeException e) {
      // Both parsers report the line and column of the first syntax error.
      throw new CliException(
          ExitCodes.INVALID_INPUT,
          "cannot parse "
              + file
              + ": "
              + String.valueOf(e.getMessage()).strip()
              + "\nFix the YAML or JSON syntax at the position shown.",
          e);
    }
    return documents;
  }

  private InputStream open(String file) throws IOException {
    if (STDIN.equals(file)) {
      // Closing the returned stream must not close the process's stdin for later readers.
      return new InputStream() {
        @Override
        public int read() throws IOException {
          return stdin.read();
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
          return stdin.read(buffer, offset, length);
        }
      };
    }
    return Files.newInputStream(Path.of(file));
  }

  @SuppressWarnings("unchecked")
  private void sort(
      Object document,
      String file,
      int index,
      List<PodSource> pods,
      List<HasMetadata> references,
      List<String> problems) {
    String place = file + ", document " + index;
    if (!(document instanceof Map<?, ?> map) || map.get("kind") == null) {
      problems.add(
          place + " has no apiVersion and kind; add them, such as apiVersion: v1 and kind: Pod");
      return;
    }
    Object kind = map.get("kind");
    Object metadata = map.get("metadata");
    Object name = metadata instanceof Map<?, ?> meta ? meta.get("name") : null;
    place += " (" + kind + " " + (name == null ? "(unnamed)" : name) + ")";
    Object apiVersion = map.get("apiVersion");
    if (CORE_KINDS.contains(kind) && !"v1".equals(apiVersion)) {
      // Else it would become an unknown object and be skipped, where the API server rejects it.
      problems.add(
          place
              + ": apiVersion "
              + (apiVersion == null ? "(missing)" : "'" + apiVersion + "'")
              + " has no kind "
              + kind
              + "; "
              + kind
              + " is in apiVersion v1, so set apiVersion: v1");
      return;
    }
    Conversion conversion =
        converter.convert((Map<String, Object>) document, "Secret".equals(kind));
    if (!conversion.problems().isEmpty()) {
      for (String problem : conversion.problems()) {
        problems.add(place + ": " + problem);
      }
      return;
    }
    if (conversion.object() instanceof KubernetesList list) {
      List<HasMetadata> items = list.getItems() == null ? List.of() : list.getItems();
      for (int i = 0; i < items.size(); i++) {
        HasMetadata item = items.get(i);
        if (item != null) {
          sortObject(item, file + ", document " + index + ", item " + (i + 1), pods, references);
        }
      }
    } else if (conversion.object() instanceof HasMetadata object
        && !(conversion.object() instanceof RawExtension)) {
      sortObject(object, file + ", document " + index, pods, references);
    } else {
      problems.add(place + " is not a Kubernetes object; check its apiVersion and kind");
    }
  }

  private void sortObject(
      HasMetadata object, String place, List<PodSource> pods, List<HasMetadata> references) {
    String described = object.getKind() + " " + nameOf(object);
    if (object instanceof Pod pod) {
      pods.add(new PodSource(new PodBuilder(pod).build(), place + " (" + described + ")"));
    } else if (object instanceof ConfigMap || object instanceof Secret) {
      references.add(object);
    } else {
      PodTemplateSpec template = template(object);
      if (template == null) {
        notes.accept(
            "ignored: "
                + described
                + " in "
                + place
                + " (nodeless runs only pods and the pod templates of workloads)");
        return;
      }
      Pod pod = podFromTemplate(object, template);
      notes.accept(
          "note: "
              + described
              + " in "
              + place
              + " runs as one pod, "
              + namespaceOf(pod.getMetadata())
              + "/"
              + pod.getMetadata().getName()
              + ", from its pod template; "
              + ignoredFields(object)
              + " and the other "
              + object.getKind()
              + " fields are ignored");
      pods.add(new PodSource(pod, place + " (" + described + ")"));
    }
  }

  private static Pod podFromTemplate(HasMetadata workload, PodTemplateSpec template) {
    ObjectMeta templateMeta =
        template.getMetadata() == null ? new ObjectMeta() : template.getMetadata();
    ObjectMeta meta =
        new ObjectMetaBuilder(templateMeta)
            .withName(workload.getMetadata() == null ? null : workload.getMetadata().getName())
            .withNamespace(
                workload.getMetadata() == null ? null : workload.getMetadata().getNamespace())
            .withUid(null)
            .withGenerateName(null)
            .build();
    return new PodBuilder().withMetadata(meta).withSpec(template.getSpec()).build();
  }

  private static PodTemplateSpec template(HasMetadata object) {
    if (object instanceof Deployment deployment && deployment.getSpec() != null) {
      return deployment.getSpec().getTemplate();
    }
    if (object instanceof StatefulSet statefulSet && statefulSet.getSpec() != null) {
      return statefulSet.getSpec().getTemplate();
    }
    if (object instanceof DaemonSet daemonSet && daemonSet.getSpec() != null) {
      return daemonSet.getSpec().getTemplate();
    }
    if (object instanceof ReplicaSet replicaSet && replicaSet.getSpec() != null) {
      return replicaSet.getSpec().getTemplate();
    }
    if (object instanceof Job job && job.getSpec() != null) {
      return job.getSpec().getTemplate();
    }
    if (object instanceof CronJob cronJob
        && cronJob.getSpec() != null
        && cronJob.getSpec().getJobTemplate() != null
        && cronJob.getSpec().getJobTemplate().getSpec() != null) {
      return cronJob.getSpec().getJobTemplate().getSpec().getTemplate();
    }
    return null;
  }

  private static String ignoredFields(HasMetadata workload) {
    if (workload instanceof Job) {
      return "completions, parallelism, backoffLimit";
    }
    if (workload instanceof CronJob) {
      return "the schedule";
    }
    if (workload instanceof DaemonSet) {
      return "the one-pod-per-node placement";
    }
    return "replicas";
  }

  /** Rejects pods that share a namespace and name, listing every such pair at once. */
  private static void rejectDuplicates(List<PodSource> pods) {
    Map<String, PodSource> seen = new HashMap<>();
    List<String> duplicates = new ArrayList<>();
    for (PodSource source : pods) {
      ObjectMeta meta = source.pod().getMetadata();
      if (meta == null || meta.getName() == null) {
        continue; // validation reports the missing name with its field path
      }
      String key = namespaceOf(meta) + "/" + meta.getName();
      PodSource previous = seen.putIfAbsent(key, source);
      if (previous != null) {
        duplicates.add(
            "pod "
                + key
                + " is defined twice, by "
                + previous.origin()
                + " and by "
                + source.origin()
                + "; rename one of them (metadata.name), or put it in another namespace");
      }
    }
    if (!duplicates.isEmpty()) {
      throw new CliException(ExitCodes.INVALID_INPUT, String.join("\n", duplicates));
    }
  }

  static String namespaceOf(ObjectMeta meta) {
    return meta == null || meta.getNamespace() == null || meta.getNamespace().isEmpty()
        ? "default"
        : meta.getNamespace();
  }

  private static String nameOf(HasMetadata object) {
    ObjectMeta meta = object.getMetadata();
    return meta == null || meta.getName() == null ? "(unnamed)" : meta.getName();
  }
}
