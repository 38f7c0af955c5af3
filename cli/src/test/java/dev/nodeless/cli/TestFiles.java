package dev.nodeless.cli;

import dev.nodeless.testing.Fixtures;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Copies classpath manifests to files, because the command reads files named by -f. */
final class TestFiles {
  private TestFiles() {}

  /** Copies a core fixture, such as {@code controllers/job.yaml}, byte-exact to the folder. */
  static Path fixture(Path folder, String name) {
    return copy(Fixtures.ROOT + name, folder);
  }

  /**
   * Copies a manifest of this module's test resources, such as {@code fail.yaml}, to the folder.
   */
  static Path manifest(Path folder, String name) {
    return copy("manifests/" + name, folder);
  }

  private static Path copy(String resource, Path folder) {
    Path target = folder.resolve(resource.substring(resource.lastIndexOf('/') + 1));
    try (InputStream in = TestFiles.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is not on the test classpath");
      }
      Files.copy(in, target);
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
