package dev.nodeless.provider.fargate;

import dev.nodeless.spi.EnvValue;
import dev.nodeless.spi.ResolvedContainer;
import dev.nodeless.spi.ResolvedPod;
import dev.nodeless.spi.ResolvedVolume;
import dev.nodeless.spi.VolumeFile;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/**
 * An SSM Parameter Store parameter (type {@code SecureString}) that the Fargate provider must write
 * before RunTask, because the task definition reads a secret from it. It names where the value is
 * in the {@link ResolvedPod} and never contains the value itself, so it is safe to log.
 *
 * @param name the parameter name, such as {@code /nodeless/prod/shop/db-creds/password}
 * @param valueFrom what the task definition's {@code secrets[].valueFrom} contains: the parameter
 *     ARN or, when the account is unknown, its name
 * @param encoding how the value is stored
 * @param perPod whether the parameter belongs to this pod alone and should be deleted with it;
 *     otherwise pods that read the same secret share it
 * @param containerName for an environment value: the container whose environment holds it; for a
 *     file: {@code null}
 * @param variable for an environment value: the variable name; for a file: {@code null}
 * @param volumeName for a file: the volume; otherwise {@code null}
 * @param path for a file: its path in the volume; otherwise {@code null}
 */
public record SecretParameter(
    String name,
    String valueFrom,
    Encoding encoding,
    boolean perPod,
    String containerName,
    String variable,
    String volumeName,
    String path) {

  /** The storage format of a parameter's value. */
  public enum Encoding {
    /** The value as UTF-8 text, injected unchanged as an environment variable. */
    TEXT,
    /** The bytes of a file, base64-encoded; the file writer container decodes them. */
    BASE64
  }

  public SecretParameter {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(valueFrom, "valueFrom");
    Objects.requireNonNull(encoding, "encoding");
  }

  static SecretParameter env(
      String name, String valueFrom, boolean perPod, String containerName, String variable) {
    return new SecretParameter(
        name, valueFrom, Encoding.TEXT, perPod, containerName, variable, null, null);
  }

  static SecretParameter file(String name, String valueFrom, String volumeName, String path) {
    return new SecretParameter(
        name, valueFrom, Encoding.BASE64, false, null, null, volumeName, path);
  }

  /**
   * Reads the value to store from the pod, encoded as {@link #encoding()} specifies.
   *
   * @throws IllegalArgumentException when the pod has no such variable or file
   */
  public String valueIn(ResolvedPod pod) {
    if (volumeName != null) {
      ResolvedVolume volume = pod.volumes().get(volumeName);
      if (volume != null) {
        for (VolumeFile file : volume.files()) {
          if (file.path().equals(path)) {
            return Base64.getEncoder().encodeToString(file.content());
          }
        }
      }
      throw new IllegalArgumentException(
          "pod " + pod.ref() + " has no file " + path + " in volume " + volumeName);
    }
    for (ResolvedContainer container : pod.initContainers()) {
      if (container.name().equals(containerName)) {
        return valueOf(container, pod);
      }
    }
    for (ResolvedContainer container : pod.containers()) {
      if (container.name().equals(containerName)) {
        return valueOf(container, pod);
      }
    }
    throw new IllegalArgumentException("pod " + pod.ref() + " has no container " + containerName);
  }

  private String valueOf(ResolvedContainer container, ResolvedPod pod) {
    for (EnvValue value : container.env()) {
      if (value.name().equals(variable)) {
        return encoding == Encoding.TEXT
            ? value.value()
            : Base64.getEncoder().encodeToString(value.value().getBytes(StandardCharsets.UTF_8));
      }
    }
    throw new IllegalArgumentException(
        "container " + containerName + " of pod " + pod.ref() + " has no variable " + variable);
  }
}
