package dev.nodeless.provider.fargate;

import dev.nodeless.spi.ResolvedVolume;
import dev.nodeless.spi.VolumeFile;
import io.fabric8.kubernetes.api.model.DownwardAPIVolumeFile;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.MountPoint;
import software.amazon.awssdk.services.ecs.model.Secret;

/**
 * The file writer: a short-lived container that runs first and writes the files of configMap,
 * secret, downwardAPI and projected volumes into their task volumes, because ECS has no way to put
 * files into a volume. It also opens emptyDir volumes to non-root users when needed.
 *
 * <p>File contents travel base64-encoded in the writer's environment: plain files in the task
 * definition, files that differ per pod (downward API fields) in the RunTask override, and secret
 * files through SSM parameters in {@code secrets}. A shell script decodes each into place and sets
 * the file mode.
 */
final class FileWriter {
  /** An underscore keeps it apart from Kubernetes container names, which are DNS labels. */
  static final String CONTAINER_NAME = "nodeless_files";

  static final String MOUNT_ROOT = "/nodeless/volumes/";
  static final String VARIABLE_PREFIX = "NODELESS_FILE_";

  /**
   * The writer's definition and the environment its override needs.
   *
   * @param definition the container definition
   * @param overrides per-pod file contents for the RunTask container override
   */
  record Writer(ContainerDefinition definition, List<KeyValuePair> overrides) {}

  private FileWriter() {}

  /**
   * Builds the writer, or returns {@code null} when no volume needs one.
   *
   * @param openEmptyDirs whether emptyDir volumes must be made writable for non-root users
   */
  static Writer of(Volumes volumes, boolean openEmptyDirs, Context context) {
    boolean hasFiles = volumes.kinds().containsValue(Volumes.Kind.FILES);
    if (!hasFiles && !openEmptyDirs) {
      return null;
    }
    if (context.platform.windows()) {
      context.problem(
          "spec.volumes",
          null,
          "configMap, secret, downwardAPI and projected volumes are written by a Linux container,"
              + " which a Windows task cannot run",
          "pass the values as environment variables in a Windows pod");
      return null;
    }
    List<String> script = new ArrayList<>();
    script.add("set -e");
    List<KeyValuePair> environment = new ArrayList<>();
    List<KeyValuePair> overrides = new ArrayList<>();
    List<Secret> secrets = new ArrayList<>();
    List<MountPoint> mounts = new ArrayList<>();
    Long fsGroup = fsGroup(context);
    int index = 0;

    for (Map.Entry<String, Volumes.Kind> entry : volumes.kinds().entrySet()) {
      String name = entry.getKey();
      String root = MOUNT_ROOT + name;
      if (entry.getValue() == Volumes.Kind.EMPTY_DIR) {
        if (!openEmptyDirs) {
          continue;
        }
        script.add("chmod 0777 " + quote(root));
        if (fsGroup != null) {
          script.add("chgrp " + fsGroup + " " + quote(root) + " && chmod g+s " + quote(root));
        }
      } else {
        Volume spec = volumes.spec(name);
        ResolvedVolume resolved = context.pod.volumes().get(name);
        List<VolumeFile> files = resolved == null ? List.of() : resolved.files();
        Set<String> perPodPaths = perPodPaths(spec);
        Set<String> directories = new HashSet<>(Set.of(root));
        for (VolumeFile file : files) {
          String variable = VARIABLE_PREFIX + index++;
          String target = root + "/" + file.path();
          String directory = target.substring(0, target.lastIndexOf('/'));
          if (directories.add(directory)) {
            script.add("mkdir -p " + quote(directory));
          }
          if (file.content().length == 0) {
            script.add(": > " + quote(target));
          } else {
            script.add("printf '%s' \"$" + variable + "\" | base64 -d > " + quote(target));
            String encoded = Base64.getEncoder().encodeToString(file.content());
            if (file.secret()) {
              secretFile(name, spec, file, encoded, variable, secrets, context);
            } else if (perPodPaths.contains(file.path()) && context.perPodInOverrides) {
              overrides.add(pair(variable, encoded));
            } else {
              environment.add(pair(variable, encoded));
            }
          }
          script.add("chmod " + octal(file.mode()) + " " + quote(target));
        }
        if (fsGroup != null) {
          script.add("chgrp -R " + fsGroup + " " + quote(root));
        }
      }
      mounts.add(
          MountPoint.builder().sourceVolume(name).containerPath(root).readOnly(false).build());
    }

    ContainerDefinition.Builder definition =
        ContainerDefinition.builder()
            .name(CONTAINER_NAME)
            .image(context.settings.fileWriterImage())
            .essential(false)
            .user("0")
            .entryPoint("sh", "-c")
            .command(String.join("\n", script))
            .mountPoints(mounts);
    if (!environment.isEmpty()) {
      definition.environment(environment);
    }
    if (!secrets.isEmpty()) {
      definition.secrets(secrets);
    }
    return new Writer(definition.build(), List.copyOf(overrides));
  }

  private static void secretFile(
      String volumeName,
      Volume spec,
      VolumeFile file,
      String encoded,
      String variable,
      List<Secret> secrets,
      Context context) {
    if (encoded.length() > ContainerEnvironment.MAX_PARAMETER_BYTES) {
      context.problem(
          "spec.volumes[name=" + volumeName + "]",
          file.path() + " (" + file.content().length + " bytes)",
          "a secret file is passed base64-encoded through an SSM parameter, which holds at most "
              + ContainerEnvironment.MAX_PARAMETER_BYTES
              + " characters (about 6 KiB of file content)",
          "keep each secret file under 6 KiB");
      return;
    }
    String parameter =
        context.names.file(
            context.namespace(), Hashes.sha256(24, describeSource(spec), file.path()));
    context.parameter(
        SecretParameter.file(
            parameter, context.names.valueFrom(parameter), volumeName, file.path()));
    secrets.add(
        Secret.builder().name(variable).valueFrom(context.names.valueFrom(parameter)).build());
  }

  /** Collects the paths whose content is a downward API field, which differs per pod. */
  private static Set<String> perPodPaths(Volume volume) {
    Set<String> paths = new HashSet<>();
    if (volume.getDownwardAPI() != null) {
      addFieldPaths(volume.getDownwardAPI().getItems(), paths);
    }
    if (volume.getProjected() != null && volume.getProjected().getSources() != null) {
      for (VolumeProjection source : volume.getProjected().getSources()) {
        if (source.getDownwardAPI() != null) {
          addFieldPaths(source.getDownwardAPI().getItems(), paths);
        }
      }
    }
    return paths;
  }

  private static void addFieldPaths(List<DownwardAPIVolumeFile> items, Set<String> paths) {
    if (items == null) {
      return;
    }
    for (DownwardAPIVolumeFile item : items) {
      if (item.getFieldRef() != null) {
        paths.add(item.getPath());
      }
    }
  }

  /**
   * Describes what a volume reads, by object names and item mappings only. The description is the
   * input of the digest that names a secret file's SSM parameter, so the same spec yields the same
   * name.
   */
  static String describeSource(Volume volume) {
    StringBuilder text = new StringBuilder();
    if (volume.getSecret() != null) {
      text.append("secret ").append(volume.getSecret().getSecretName());
      appendItems(volume.getSecret().getItems(), text);
    }
    if (volume.getProjected() != null && volume.getProjected().getSources() != null) {
      for (VolumeProjection source : volume.getProjected().getSources()) {
        if (source.getSecret() != null) {
          text.append("|secret ").append(source.getSecret().getName());
          appendItems(source.getSecret().getItems(), text);
        } else if (source.getConfigMap() != null) {
          text.append("|configMap ").append(source.getConfigMap().getName());
          appendItems(source.getConfigMap().getItems(), text);
        } else {
          text.append("|other");
        }
      }
    }
    return text.toString();
  }

  private static void appendItems(List<KeyToPath> items, StringBuilder text) {
    if (items == null) {
      return;
    }
    for (KeyToPath item : items) {
      text.append(' ').append(item.getKey()).append('=').append(item.getPath());
    }
  }

  private static Long fsGroup(Context context) {
    PodSecurityContext security = context.pod.pod().getSpec().getSecurityContext();
    return security == null ? null : security.getFsGroup();
  }

  /** Formats permission bits as four octal digits, such as {@code 0644}. */
  private static String octal(int mode) {
    String digits = Integer.toOctalString(mode & 07777);
    return "0".repeat(Math.max(0, 4 - digits.length())) + digits;
  }

  /** Quotes a path for the POSIX shell: single quotes, with each inner quote closed and escaped. */
  static String quote(String text) {
    return "'" + text.replace("'", "'\"'\"'") + "'";
  }

  private static KeyValuePair pair(String name, String value) {
    return KeyValuePair.builder().name(name).value(value).build();
  }
}
