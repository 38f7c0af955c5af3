package dev.nodeless.provider.fargate;

import dev.nodeless.spi.ResolvedContainer;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.ecs.model.MountPoint;

/**
 * Pod volumes as ECS task volumes. Every supported kind becomes a task-scoped bind mount (Fargate's
 * only ephemeral volume): {@code emptyDir} as it is, and {@code configMap}, {@code secret}, {@code
 * downwardAPI} and {@code projected} filled by the file writer container before any other container
 * starts. Host paths, persistent volume claims and every network or CSI volume are rejected.
 */
final class Volumes {
  /** The kind of task volume that a pod volume becomes. */
  enum Kind {
    EMPTY_DIR,
    FILES
  }

  static final String UNSUPPORTED_TYPE =
      "volumes not supported: %s is of an unsupported volume Type";

  private final Map<String, Kind> kinds = new LinkedHashMap<>();
  private final Map<String, Volume> specs = new LinkedHashMap<>();

  private Volumes() {}

  /** Reads the pod's volumes, adding a problem for each unsupported one. */
  static Volumes of(Context context) {
    Volumes volumes = new Volumes();
    PodSpec spec = context.pod.pod().getSpec();
    List<Volume> declared = spec.getVolumes() == null ? List.of() : spec.getVolumes();
    for (int i = 0; i < declared.size(); i++) {
      Volume volume = declared.get(i);
      String path = "spec.volumes[" + i + "]";
      Kind kind = kind(volume);
      if (kind == null) {
        context.problem(
            path,
            volume.getName() + " (" + typeName(volume) + ")",
            "Pod not supported on Fargate: " + String.format(UNSUPPORTED_TYPE, volume.getName()),
            "use emptyDir, configMap, secret, downwardAPI or projected volumes; Fargate tasks have"
                + " no host paths and Nodeless does not attach persistent or network volumes");
        continue;
      }
      if (kind == Kind.EMPTY_DIR && "Memory".equals(volume.getEmptyDir().getMedium())) {
        context.note(
            path
                + ".emptyDir.medium Memory becomes a disk-backed volume: Fargate has no tmpfs"
                + " volumes");
      }
      volumes.kinds.put(volume.getName(), kind);
      volumes.specs.put(volume.getName(), volume);
    }
    return volumes;
  }

  /** Returns the pod volumes that become task volumes, by name, in spec order. */
  Map<String, Kind> kinds() {
    return kinds;
  }

  /** Returns the spec of a supported volume. */
  Volume spec(String name) {
    return specs.get(name);
  }

  /** Builds the mount points of one container, adding problems for mounts ECS cannot express. */
  List<MountPoint> mountPoints(ResolvedContainer container, Context context) {
    List<MountPoint> result = new ArrayList<>();
    List<VolumeMount> mounts = container.container().getVolumeMounts();
    if (mounts == null) {
      return result;
    }
    for (int i = 0; i < mounts.size(); i++) {
      VolumeMount mount = mounts.get(i);
      String path = container.fieldPath() + ".volumeMounts[" + i + "]";
      if (notBlank(mount.getSubPath()) || notBlank(mount.getSubPathExpr())) {
        context.problem(
            path + (notBlank(mount.getSubPath()) ? ".subPath" : ".subPathExpr"),
            notBlank(mount.getSubPath()) ? mount.getSubPath() : mount.getSubPathExpr(),
            "ECS mount points mount a whole volume and have no subPath",
            "mount the whole volume at its own path, or copy the file in the container's command");
        continue;
      }
      if (mount.getMountPropagation() != null && !"None".equals(mount.getMountPropagation())) {
        context.problem(
            path + ".mountPropagation",
            mount.getMountPropagation(),
            "Fargate supports no mount propagation",
            "remove mountPropagation");
        continue;
      }
      Kind kind = kinds.get(mount.getName());
      if (kind == null) {
        // An unsupported volume was reported already; a missing one is a validation error.
        if (!isDeclared(context, mount.getName())) {
          context.problem(
              path + ".name",
              mount.getName(),
              "no volume of this name is declared in spec.volumes",
              "declare the volume or remove the mount");
        }
        continue;
      }
      boolean readOnly = kind == Kind.FILES || Boolean.TRUE.equals(mount.getReadOnly());
      result.add(
          MountPoint.builder()
              .sourceVolume(mount.getName())
              .containerPath(mount.getMountPath())
              .readOnly(readOnly)
              .build());
    }
    return result;
  }

  /**
   * Returns whether any container that mounts an emptyDir runs as a user other than root, or the
   * pod sets fsGroup: then the file writer makes emptyDir volumes writable, because Fargate creates
   * bind mounts owned by root with mode 0755 while Kubernetes gives emptyDir mode 0777.
   */
  boolean emptyDirsNeedPermissions(List<ResolvedContainer> containers, Context context) {
    // NOTE: the image's USER is unknown here, so an image that runs as non-root without
    // runAsUser in the pod still gets a root-owned emptyDir; a translation note says so.
    PodSecurityContext pod = context.pod.pod().getSpec().getSecurityContext();
    if (pod != null && pod.getFsGroup() != null) {
      return kinds.containsValue(Kind.EMPTY_DIR);
    }
    for (ResolvedContainer container : containers) {
      if (!mountsEmptyDir(container)) {
        continue;
      }
      Long user = runAsUser(pod, container.container().getSecurityContext());
      if ((user != null && user != 0L) || runsAsNonRoot(pod, container)) {
        return true;
      }
    }
    return false;
  }

  private boolean mountsEmptyDir(ResolvedContainer container) {
    List<VolumeMount> mounts = container.container().getVolumeMounts();
    return mounts != null
        && mounts.stream().anyMatch(mount -> kinds.get(mount.getName()) == Kind.EMPTY_DIR);
  }

  private static boolean runsAsNonRoot(PodSecurityContext pod, ResolvedContainer container) {
    SecurityContext own = container.container().getSecurityContext();
    if (own != null && own.getRunAsNonRoot() != null) {
      return own.getRunAsNonRoot();
    }
    return pod != null && Boolean.TRUE.equals(pod.getRunAsNonRoot());
  }

  static Long runAsUser(PodSecurityContext pod, SecurityContext container) {
    if (container != null && container.getRunAsUser() != null) {
      return container.getRunAsUser();
    }
    return pod == null ? null : pod.getRunAsUser();
  }

  private static boolean isDeclared(Context context, String name) {
    List<Volume> declared = context.pod.pod().getSpec().getVolumes();
    return declared != null && declared.stream().anyMatch(v -> name.equals(v.getName()));
  }

  private static Kind kind(Volume volume) {
    if (volume.getEmptyDir() != null) {
      return Kind.EMPTY_DIR;
    }
    if (volume.getConfigMap() != null
        || volume.getSecret() != null
        || volume.getDownwardAPI() != null
        || volume.getProjected() != null) {
      return Kind.FILES;
    }
    return null;
  }

  /** Names the volume source's field, such as {@code hostPath}, for messages. */
  private static String typeName(Volume volume) {
    if (volume.getHostPath() != null) {
      return "hostPath";
    }
    if (volume.getPersistentVolumeClaim() != null) {
      return "persistentVolumeClaim";
    }
    if (volume.getCsi() != null) {
      return "csi";
    }
    if (volume.getNfs() != null) {
      return "nfs";
    }
    if (volume.getEphemeral() != null) {
      return "ephemeral";
    }
    if (volume.getImage() != null) {
      return "image";
    }
    return "unsupported type";
  }

  private static boolean notBlank(String text) {
    return text != null && !text.isEmpty();
  }
}
