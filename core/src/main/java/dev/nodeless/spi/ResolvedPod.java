package dev.nodeless.spi;

import dev.nodeless.PodRef;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A validated pod with every reference resolved: the final environment and command line of each
 * container and the files of each configMap, secret, downwardAPI and projected volume. Providers
 * and translators read this, never the caller's references. The pod itself carries the UID that the
 * launcher assigned. Immutable and safe to share between threads.
 */
public final class ResolvedPod {
  private final Pod pod;
  private final PodRef ref;
  private final List<ResolvedContainer> initContainers;
  private final List<ResolvedContainer> containers;
  private final Map<String, ResolvedVolume> volumes;
  private final List<RegistryCredential> registryCredentials;

  public ResolvedPod(
      Pod pod,
      List<ResolvedContainer> initContainers,
      List<ResolvedContainer> containers,
      Map<String, ResolvedVolume> volumes) {
    this(pod, initContainers, containers, volumes, List.of());
  }

  public ResolvedPod(
      Pod pod,
      List<ResolvedContainer> initContainers,
      List<ResolvedContainer> containers,
      Map<String, ResolvedVolume> volumes,
      List<RegistryCredential> registryCredentials) {
    this.pod = Objects.requireNonNull(pod, "pod");
    this.ref = PodRef.of(pod);
    this.initContainers = List.copyOf(initContainers);
    this.containers = List.copyOf(containers);
    this.volumes = Map.copyOf(volumes);
    this.registryCredentials = List.copyOf(registryCredentials);
  }

  /** The pod as launched, with metadata.uid and metadata.namespace set. */
  public Pod pod() {
    return pod;
  }

  public PodRef ref() {
    return ref;
  }

  /** Init containers in spec order, native sidecars ({@code restartPolicy: Always}) included. */
  public List<ResolvedContainer> initContainers() {
    return initContainers;
  }

  /** App containers in spec order. */
  public List<ResolvedContainer> containers() {
    return containers;
  }

  /**
   * Contents of the configMap, secret, downwardAPI and projected volumes, by volume name. Other
   * volume kinds (emptyDir, hostPath, ...) are not listed; read them from the pod spec.
   */
  public Map<String, ResolvedVolume> volumes() {
    return volumes;
  }

  /**
   * Registry logins from the Secrets in {@code spec.imagePullSecrets}, in the order of that list.
   * Empty when the pod names none.
   */
  public List<RegistryCredential> registryCredentials() {
    return registryCredentials;
  }

  @Override
  public String toString() {
    return "ResolvedPod{"
        + ref
        + ", initContainers="
        + initContainers.size()
        + ", containers="
        + containers.size()
        + ", volumes="
        + volumes.keySet()
        + "}";
  }
}
