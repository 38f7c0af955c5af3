package dev.nodeless.cli;

import dev.nodeless.ReferenceResolver;
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
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads manifests (multi-document YAML or JSON, {@code -} for stdin) and sorts their objects into
 * the pods to run and the ConfigMaps and Secrets that the pods may refer to. A workload contributes
 * its pod template as one pod named after it; other kinds are reported as ignored.
 */
final class ManifestReader {
  static final String STDIN = "-";

  private final KubernetesSerialization serialization;
  private final InputStream stdin;
  private final Consumer<String> notes;

  /**
   * @param notes receives one line per workload turned into a pod and per ignored object
   */
  ManifestReader(KubernetesSerialization serialization, InputStream stdin, Consumer<String> notes) {
    this.serialization = serialization;
    this.stdin = stdin;
    this.notes = notes;
  }

  /** A pod to run and where it came from, such as {@code job.yaml (Job pi)}. */
  record PodSource(Pod pod, String origin) {}

  /** The pods to run, in file order, and the ConfigMaps and Secrets read with them. */
  record Manifests(List<PodSource> pods, List<HasMetadata> references) {}

  /**
   * Reads every file.
   *
   * @throws CliException with exit code 2 when a file is missing or unreadable, or two pods share a
   *     namespace and name
   */
  Manifests read(List<String> files) {
    List<PodSource> pods = new ArrayList<>();
    List<HasMetadata> references = new ArrayList<>();
    for (String file : files) {
      List<Object> objects = parse(file);
      if (objects.isEmpty()) {
        notes.accept("note: " + file + " contains no objects");
      }
      for (int i = 0; i < objects.size(); i++) {
        sort(objects.get(i), file, i + 1, pods, references);
      }
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

  private List<Object> parse(String file) {
    Object parsed;
    try (InputStream in = open(file)) {
      parsed = serialization.unmarshal(in);
    } catch (NoSuchFileException e) {
      throw new CliException(
          ExitCodes.INVALID_INPUT, "file " + file + " not found; check the path given to -f");
    } catch (IOException e) {
      throw new CliException(
          ExitCodes.INVALID_INPUT, "cannot read " + file + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      // The YAML parser reports the line and column of the first syntax error.
      throw new CliException(
          ExitCodes.INVALID_INPUT,
          "cannot parse "
              + file
              + ": "
              + e.getMessage().strip()
              + "\nFix the YAML or JSON syntax at the position shown.",
          e);
    }
    List<Object> objects = new ArrayList<>();
    if (parsed instanceof KubernetesList list) {
      objects.addAll(list.getItems());
    } else if (parsed instanceof List<?> list) {
      for (Object item : list) {
        if (item instanceof KubernetesList nested) {
          objects.addAll(nested.getItems());
        } else if (item != null) {
          objects.add(item);
        }
      }
    } else if (parsed != null) {
      objects.add(parsed);
    }
    return objects;
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

  private void sort(
      Object parsed,
      String file,
      int document,
      List<PodSource> pods,
      List<HasMetadata> references) {
    if (!(parsed instanceof HasMetadata object) || parsed instanceof RawExtension) {
      throw new CliException(
          ExitCodes.INVALID_INPUT,
          "object "
              + document
              + " in "
              + file
              + " has no apiVersion and kind; add them, such as apiVersion: v1 and kind: Pod");
    }
    String described = object.getKind() + " " + nameOf(object);
    if (object instanceof Pod pod) {
      pods.add(new PodSource(new PodBuilder(pod).build(), file + " (" + described + ")"));
    } else if (object instanceof ConfigMap || object instanceof Secret) {
      references.add(object);
    } else {
      PodTemplateSpec template = template(object);
      if (template == null) {
        notes.accept(
            "ignored: "
                + described
                + " in "
                + file
                + " (nodeless runs only pods and the pod templates of workloads)");
        return;
      }
      Pod pod = podFromTemplate(object, template);
      notes.accept(
          "note: "
              + described
              + " in "
              + file
              + " runs as one pod, "
              + namespaceOf(pod.getMetadata())
              + "/"
              + pod.getMetadata().getName()
              + ", from its pod template; "
              + ignoredFields(object)
              + " and the other "
              + object.getKind()
              + " fields are ignored");
      pods.add(new PodSource(pod, file + " (" + described + ")"));
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

  private static void rejectDuplicates(List<PodSource> pods) {
    Map<String, PodSource> seen = new HashMap<>();
    for (PodSource source : pods) {
      ObjectMeta meta = source.pod().getMetadata();
      if (meta == null || meta.getName() == null) {
        continue; // validation reports the missing name with its field path
      }
      String key = namespaceOf(meta) + "/" + meta.getName();
      PodSource previous = seen.putIfAbsent(key, source);
      if (previous != null) {
        throw new CliException(
            ExitCodes.INVALID_INPUT,
            "pod "
                + key
                + " is defined twice, by "
                + previous.origin()
                + " and by "
                + source.origin()
                + "; rename one of them");
      }
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
