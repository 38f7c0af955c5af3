package dev.nodeless.testing;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads the real pod manifests kept byte-exact under {@code fixtures/pods} in the core test
 * resources. Their origin is listed in {@code fixtures/pods/PROVENANCE.md}.
 */
public final class Fixtures {
  public static final String ROOT = "fixtures/pods/";
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private Fixtures() {}

  /** Relative paths of every fixture manifest, such as {@code pods/commands.yaml}, sorted. */
  public static List<String> all() {
    Path root = root();
    try (Stream<Path> files = Files.walk(root)) {
      return files
          .filter(Files::isRegularFile)
          .map(path -> root.relativize(path).toString().replace('\\', '/'))
          .filter(name -> name.endsWith(".yaml") || name.endsWith(".yml"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The directory holding the fixtures on disk. */
  public static Path root() {
    URL url = Fixtures.class.getClassLoader().getResource(ROOT + "PROVENANCE.md");
    if (url == null) {
      throw new IllegalStateException("fixtures/pods/PROVENANCE.md is not on the test classpath");
    }
    try {
      URI uri = url.toURI();
      if ("jar".equals(uri.getScheme())) {
        // Other modules read the fixtures from the core test-jar.
        try {
          FileSystems.getFileSystem(uri);
        } catch (FileSystemNotFoundException e) {
          try {
            FileSystems.newFileSystem(uri, Map.of());
          } catch (FileSystemAlreadyExistsException raced) {
            // Another thread opened it first.
          }
        }
      }
      return Path.of(uri).getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Path path(String name) {
    return root().resolve(name);
  }

  /** Every object in a fixture file, in file order. */
  public static List<HasMetadata> objects(String name) {
    try (InputStream in = Files.newInputStream(path(name))) {
      Object parsed = SERIALIZATION.unmarshal(in);
      List<HasMetadata> result = new ArrayList<>();
      if (parsed instanceof KubernetesList list) {
        result.addAll(list.getItems());
      } else if (parsed instanceof List<?> list) {
        list.forEach(item -> result.add((HasMetadata) item));
      } else if (parsed instanceof HasMetadata object) {
        result.add(object);
      }
      return result;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The pods in a fixture file: Pod objects as written, and the pod template of each Deployment,
   * StatefulSet, DaemonSet or Job, named after the workload.
   */
  public static List<Pod> pods(String name) {
    List<Pod> pods = new ArrayList<>();
    for (HasMetadata object : objects(name)) {
      if (object instanceof Pod pod) {
        pods.add(pod);
      } else {
        PodTemplateSpec template = template(object);
        if (template != null) {
          pods.add(
              new PodBuilder()
                  .withNewMetadataLike(template.getMetadata())
                  .withName(object.getMetadata().getName())
                  .withNamespace(object.getMetadata().getNamespace())
                  .endMetadata()
                  .withSpec(template.getSpec())
                  .build());
        }
      }
    }
    return pods;
  }

  /** The single pod of a fixture file that holds exactly one. */
  public static Pod pod(String name) {
    List<Pod> pods = pods(name);
    if (pods.size() != 1) {
      throw new IllegalArgumentException(name + " holds " + pods.size() + " pods, not 1");
    }
    return pods.get(0);
  }

  private static PodTemplateSpec template(HasMetadata object) {
    if (object instanceof Deployment deployment) {
      return deployment.getSpec().getTemplate();
    }
    if (object instanceof StatefulSet statefulSet) {
      return statefulSet.getSpec().getTemplate();
    }
    if (object instanceof DaemonSet daemonSet) {
      return daemonSet.getSpec().getTemplate();
    }
    if (object instanceof Job job) {
      return job.getSpec().getTemplate();
    }
    return null;
  }
}
