package dev.nodeless;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.Objects;

/**
 * Identity of a pod: namespace, name and UID. The UID is what launches are idempotent on, so two
 * pods with the same namespace and name but different UIDs are different pods.
 */
public record PodRef(String namespace, String name, String uid) {

  public PodRef {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(uid, "uid");
  }

  /**
   * Reads the reference of a pod whose metadata has a name and a UID; a missing namespace means
   * {@code default}, as in the API server.
   *
   * @throws IllegalArgumentException when the name or UID is missing
   */
  public static PodRef of(Pod pod) {
    ObjectMeta meta = pod.getMetadata();
    if (meta == null || meta.getName() == null || meta.getUid() == null) {
      throw new IllegalArgumentException(
          "pod has no metadata.name or metadata.uid; launch it through PodLauncher, which assigns a"
              + " UID");
    }
    String namespace = meta.getNamespace() == null ? "default" : meta.getNamespace();
    return new PodRef(namespace, meta.getName(), meta.getUid());
  }

  @Override
  public String toString() {
    return namespace + "/" + name + " (uid " + uid + ")";
  }
}
