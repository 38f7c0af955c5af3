package dev.nodeless.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nodeless.LogOptions;
import dev.nodeless.NodelessException;
import dev.nodeless.PodRef;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LogsTest extends LocalTestSupport {

  private PodRef finishedPod() {
    PodRef ref =
        launch(
            pod("logs", shell("main", "for i in 1 2 3 4 5; do echo line$i; done").build())
                .editSpec()
                .withRestartPolicy("Never")
                .endSpec()
                .build());
    awaitPhase(ref, "Succeeded");
    return ref;
  }

  @Test
  void tailLinesReturnsLastLines() {
    PodRef ref = finishedPod();

    assertThat(logs(ref, "main", LogOptions.builder().tailLines(2).build()))
        .isEqualTo("line4\nline5\n");
  }

  @Test
  void longLineStaysWhole() {
    PodRef ref =
        launch(
            pod(
                    "long-line",
                    shell("main", "head -c 200000 /dev/zero | tr '\\0' x; echo; echo next").build())
                .editSpec()
                .withRestartPolicy("Never")
                .endSpec()
                .build());
    awaitPhase(ref, "Succeeded");

    assertThat(logs(ref, "main")).isEqualTo("x".repeat(200_000) + "\nnext\n");
  }

  @Test
  void lineOfExactlyMaxLengthStaysOneLine() {
    PodRef ref =
        launch(
            pod(
                    "max-line",
                    shell(
                            "main",
                            "head -c "
                                + LogWriter.MAX_LINE
                                + " /dev/zero | tr '\\0' a; echo; echo next")
                        .build())
                .editSpec()
                .withRestartPolicy("Never")
                .endSpec()
                .build());
    awaitPhase(ref, "Succeeded");

    assertThat(logs(ref, "main")).isEqualTo("a".repeat(LogWriter.MAX_LINE) + "\nnext\n");
  }

  @Test
  void nonUtf8OutputKeptByteForByte() throws Exception {
    PodRef ref =
        launch(
            pod("binary", shell("main", "printf '\\200\\377ok\\n'").build())
                .editSpec()
                .withRestartPolicy("Never")
                .endSpec()
                .build());
    awaitPhase(ref, "Succeeded");

    try (java.io.InputStream in = launcher.logs(ref, "main", LogOptions.ofDefaults())) {
      assertThat(in.readAllBytes()).containsExactly((byte) 0x80, (byte) 0xff, 'o', 'k', '\n');
    }
  }

  @Test
  void limitBytesCutsOutput() {
    PodRef ref = finishedPod();

    assertThat(logs(ref, "main", LogOptions.builder().limitBytes(8).build()))
        .isEqualTo("line1\nli");
  }

  @Test
  void timestampsPrefixEachLine() {
    PodRef ref = finishedPod();

    String[] lines = logs(ref, "main", LogOptions.builder().timestamps(true).build()).split("\n");

    assertThat(lines).hasSize(5);
    String[] first = lines[0].split(" ", 2);
    assertThat(Instant.parse(first[0])).isBefore(Instant.now());
    assertThat(first[1]).isEqualTo("line1");
  }

  @Test
  void sinceTimeSkipsOlderLines() {
    PodRef ref = finishedPod();

    assertThat(
            logs(
                ref, "main", LogOptions.builder().sinceTime(Instant.now().plusSeconds(60)).build()))
        .isEmpty();
    assertThat(logs(ref, "main", LogOptions.builder().sinceTime(Instant.EPOCH).build()))
        .hasLineCount(5);
  }

  @Test
  void previousReadsTerminatedInstance() {
    PodRef ref = launch(pod("prev", shell("main", "echo instance; exit 1").build()).build());
    awaitStatus(ref, s -> restartCount(s, "main") >= 1);

    assertThat(logs(ref, "main", LogOptions.builder().previous(true).build()))
        .isEqualTo("instance\n");
  }

  @Test
  void previousWithoutRestartFails() {
    PodRef ref = finishedPod();

    assertThatThrownBy(() -> logs(ref, "main", LogOptions.builder().previous(true).build()))
        .isInstanceOf(NodelessException.class)
        .hasMessage("previous terminated container \"main\" in pod \"logs\" not found");
  }

  @Test
  void followEndsWhenContainerStops() throws Exception {
    PodRef ref =
        launch(
            pod("follow", shell("main", "echo first; sleep 1; echo second").build())
                .editSpec()
                .withRestartPolicy("Never")
                .endSpec()
                .build());
    awaitPhase(ref, "Running");

    try (InputStream in = launcher.logs(ref, "main", LogOptions.builder().follow(true).build())) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
          .isEqualTo("first\nsecond\n");
    }
  }
}
