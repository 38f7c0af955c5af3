package dev.nodeless.spi;

import java.util.List;
import java.util.Objects;

/**
 * The files of one configMap, secret, downwardAPI or projected volume, after {@code items}, {@code
 * defaultMode} and per-item {@code mode} have been applied.
 *
 * @param name the volume name in the pod spec
 * @param secret whether any file holds secret data; such a volume must use the provider's secret
 *     mechanism
 * @param files the files, with paths relative to the mount point
 */
public record ResolvedVolume(String name, boolean secret, List<VolumeFile> files) {

  public ResolvedVolume {
    Objects.requireNonNull(name, "name");
    files = List.copyOf(files);
  }
}
