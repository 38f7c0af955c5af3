package dev.nodeless.provider.fargate;

import dev.nodeless.testing.Fixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.util.Map;

/**
 * Makes the core fixtures readable when they come from the core test-jar (a reactor {@code verify}
 * build): {@code Fixtures.root()} turns a {@code jar:} URL into a path, which needs the jar's zip
 * file system to be open.
 */
// TODO: drop once Fixtures.root() opens the jar file system itself.
final class FixtureFiles {
  private FixtureFiles() {}

  static void open() {
    URL url = Fixtures.class.getClassLoader().getResource(Fixtures.ROOT + "PROVENANCE.md");
    if (url == null || !"jar".equals(url.getProtocol())) {
      return;
    }
    try {
      FileSystems.newFileSystem(url.toURI(), Map.of());
    } catch (FileSystemAlreadyExistsException e) {
      // Another test opened it already.
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
