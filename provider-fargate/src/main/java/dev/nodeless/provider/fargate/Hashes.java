package dev.nodeless.provider.fargate;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 digests of names and request content, as lower-case hex. */
final class Hashes {
  /** Cloned for each digest: cheaper than a provider lookup per call. */
  private static final MessageDigest PROTOTYPE = lookUp();

  private Hashes() {}

  /**
   * Returns the first {@code length} hex digits of the SHA-256 of the parts. Each part is
   * length-prefixed, so {@code ("ab", "c")} and {@code ("a", "bc")} differ.
   */
  static String sha256(int length, String... parts) {
    MessageDigest digest = newDigest();
    for (String part : parts) {
      byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
      digest.update(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
      digest.update((byte) ':');
      digest.update(bytes);
    }
    return HexFormat.of().formatHex(digest.digest()).substring(0, length);
  }

  private static MessageDigest newDigest() {
    try {
      return (MessageDigest) PROTOTYPE.clone();
    } catch (CloneNotSupportedException e) {
      return lookUp();
    }
  }

  private static MessageDigest lookUp() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime provides SHA-256", e);
    }
  }
}
