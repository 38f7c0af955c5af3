package dev.nodeless.spi;

import java.util.Arrays;
import java.util.Objects;

/**
 * One file of a resolved volume. {@link #toString()} never shows the content.
 *
 * @param path path relative to the mount point, without {@code ..} segments
 * @param content the file bytes
 * @param mode the POSIX permission bits, such as {@code 0644}
 * @param secret whether the content came from a Secret
 */
public record VolumeFile(String path, byte[] content, int mode, boolean secret) {

  public VolumeFile {
    Objects.requireNonNull(path, "path");
    content = content.clone();
  }

  @Override
  public byte[] content() {
    return content.clone();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof VolumeFile file
        && path.equals(file.path)
        && Arrays.equals(content, file.content)
        && mode == file.mode
        && secret == file.secret;
  }

  @Override
  public int hashCode() {
    return Objects.hash(path, Arrays.hashCode(content), mode, secret);
  }

  @Override
  public String toString() {
    return "VolumeFile{"
        + path
        + ", "
        + content.length
        + " bytes, mode "
        + Integer.toOctalString(mode)
        + (secret ? ", secret" : "")
        + "}";
  }
}
