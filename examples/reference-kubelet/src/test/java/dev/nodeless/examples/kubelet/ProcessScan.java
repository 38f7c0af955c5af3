package dev.nodeless.examples.kubelet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Finds processes by a token in their environment, which survives {@code exec}, unlike argv. */
final class ProcessScan {
  private ProcessScan() {}

  static List<Long> withToken(String token) {
    byte[] needle = token.getBytes(StandardCharsets.US_ASCII);
    List<Long> found = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path entry : entries) {
        try {
          if (contains(Files.readAllBytes(entry.resolve("environ")), needle)) {
            found.add(Long.parseLong(entry.getFileName().toString()));
          }
        } catch (IOException e) {
          // The process ended while it was read.
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return found;
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
