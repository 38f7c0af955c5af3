package dev.nodeless.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class QuickStartTest {
  private static final Path ROOT = Path.of(System.getProperty("nodeless.repositoryRoot", ".."));
  private static final Path SOURCE = Path.of("src/main/java/dev/nodeless/docs/QuickStart.java");

  @Test
  void readmeShowsQuickStartSource() throws IOException {
    String source = Files.readString(SOURCE);
    String readme = Files.readString(ROOT.resolve("README.md"));
    Matcher region =
        Pattern.compile("// quick-start:begin\n(.*?)// quick-start:end\n", Pattern.DOTALL)
            .matcher(source);
    Matcher block = Pattern.compile("```java\n(.*?)```\n", Pattern.DOTALL).matcher(readme);

    assertThat(region.find()).as("quick-start markers in " + SOURCE).isTrue();
    assertThat(block.find()).as("a ```java block in README.md").isTrue();
    assertThat(block.group(1))
        .as("README.md's java block must equal the marked region of QuickStart.java")
        .isEqualTo(region.group(1));
  }

  @Test
  void quickStartRunsPodAndPrintsLog() throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      QuickStart.main(new String[0]);
    } finally {
      System.setOut(original);
    }

    String output = captured.toString(StandardCharsets.UTF_8);
    assertThat(output).contains("pod hello finished: Succeeded");
    assertThat(output).contains("hello from a pod");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> ProcessHandle.current().descendants().noneMatch(ProcessHandle::isAlive));
  }
}
