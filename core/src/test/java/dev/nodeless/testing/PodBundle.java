package dev.nodeless.testing;

import dev.nodeless.ReferenceResolver;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A generated pod with the ConfigMaps and Secrets that its references need. Every mandatory
 * reference of the pod resolves against {@link #resolver()}.
 *
 * @param pod the pod, without {@code metadata.uid}
 * @param configMaps the ConfigMaps the pod refers to
 * @param secrets the Secrets the pod refers to, with values in {@code data} (base64) or {@code
 *     stringData}
 */
public record PodBundle(Pod pod, List<ConfigMap> configMaps, List<Secret> secrets) {

  public PodBundle {
    Objects.requireNonNull(pod, "pod");
    configMaps = List.copyOf(configMaps);
    secrets = List.copyOf(secrets);
  }

  /** The ConfigMaps and Secrets as one list, as the CLI would read them from files. */
  public List<HasMetadata> objects() {
    List<HasMetadata> objects = new ArrayList<>(configMaps);
    objects.addAll(secrets);
    return objects;
  }

  /** A resolver that finds exactly {@link #objects()}. */
  public ReferenceResolver resolver() {
    return ReferenceResolver.of(objects());
  }

  @Override
  public String toString() {
    // Secrets stay out of test reports; the pod and object names are enough to reproduce.
    return "PodBundle{pod="
        + pod
        + ", configMaps="
        + configMaps.stream().map(map -> map.getMetadata().getName()).toList()
        + ", secrets="
        + secrets.stream().map(secret -> secret.getMetadata().getName()).toList()
        + "}";
  }
}
