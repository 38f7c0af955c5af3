package dev.nodeless.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs real processes through {@link Spawner} and checks what they see and report. */
class SpawnerTest {
  private final ExecutorService waiters = Executors.newCachedThreadPool();
  private final Spawner spawner = Spawner.load(waiters).orElseThrow();

  @TempDir Path logs;

  @AfterEach
  void stop() {
    spawner.close();
    waiters.shutdownNow();
  }

  @Test
  void outputReachesTheLogThroughTheEventLoop() throws Exception {
    Spawner.Child child =
        spawner.spawn(
            "/bin/sh",
            List.of("sh", "-c", "echo first; printf 'no newline'; sleep 0.2; echo; echo last"),
            Map.of(),
            "/");
    LogWriter log = new LogWriter(logs.resolve("main.0.log"), Clock.systemUTC());
    log.create();

    child.pumpTo(log).get(10, TimeUnit.SECONDS);

    assertThat(child.exit().get(10, TimeUnit.SECONDS)).isZero();
    assertThat(LogWriter.isDone(log.file())).isTrue();
    assertThat(Files.readAllLines(log.file()))
        .extracting(line -> line.substring(line.indexOf(' ') + 1))
        .containsExactly("first", "no newline", "last");
    assertThatThrownBy(child::output).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void manyChildrenNeedNoThreadEach() throws Exception {
    int before = Thread.activeCount();
    List<Spawner.Child> children = new ArrayList<>();
    List<CompletableFuture<Void>> pumps = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      Spawner.Child child =
          spawner.spawn(
              "/bin/sh", List.of("sh", "-c", "echo child " + i + "; exec sleep 2"), Map.of(), "/");
      LogWriter log = new LogWriter(logs.resolve("c" + i + ".0.log"), Clock.systemUTC());
      log.create();
      pumps.add(child.pumpTo(log));
      children.add(child);
    }

    // 100 running children with their logs, and still a handful of threads.
    assertThat(Thread.activeCount() - before).isLessThan(20);
    for (Spawner.Child child : children) {
      assertThat(child.exit().get(20, TimeUnit.SECONDS)).isZero();
    }
    CompletableFuture.allOf(pumps.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
    assertThat(Files.readString(logs.resolve("c42.0.log"))).endsWith(" child 42\n");
  }

  @Test
  void childGetsSessionEnvironmentAndDirectory() throws Exception {
    Spawner.Child child =
        spawner.spawn(
            "/bin/sh",
            List.of(
                "sh",
                "-c",
                "echo sid=$(cut -d' ' -f6 /proc/$$/stat) pid=$$; pwd; env; ls /proc/$$/fd"),
            Map.of("ONLY", "this"),
            "/tmp");

    String output = new String(child.output().readAllBytes(), StandardCharsets.UTF_8);
    child.output().close();

    assertThat(child.exit().get(10, TimeUnit.SECONDS)).isZero();
    assertThat(output).contains("sid=" + child.pid() + " pid=" + child.pid());
    assertThat(output).contains("\n/tmp\n");
    assertThat(output).contains("ONLY=this").doesNotContain("JAVA_HOME=");
    // The shell has standard input, output and error open, and no descriptor of the JVM.
    assertThat(output.substring(output.lastIndexOf("ONLY=this"))).endsWith("\n0\n1\n2\n");
  }

  @Test
  void exitCodesMatchTheJdk() throws Exception {
    Spawner.Child exited = spawner.spawn("/bin/sh", List.of("sh", "-c", "exit 3"), Map.of(), "/");
    Spawner.Child killed =
        spawner.spawn("/bin/sh", List.of("sh", "-c", "kill -9 $$"), Map.of(), "/");

    assertThat(exited.exit().get(10, TimeUnit.SECONDS)).isEqualTo(3);
    assertThat(killed.exit().get(10, TimeUnit.SECONDS)).isEqualTo(128 + 9);
  }

  @Test
  void startTimeMatchesTheJdk() throws Exception {
    Spawner.Child child = spawner.spawn("/bin/sleep", List.of("sleep", "30"), Map.of(), "/");
    try {
      Instant jdk = ProcessHandle.of(child.pid()).orElseThrow().info().startInstant().orElseThrow();
      assertThat(child.startInstant()).isEqualTo(jdk);
      assertThat(ProcStat.startInstant(child.pid())).contains(jdk);
    } finally {
      ProcessTree.signal(child.pid(), child.startInstant(), java.util.Set.of(), true);
      child.exit().get(10, TimeUnit.SECONDS);
    }
    assertThat(ProcStat.startInstant(child.pid())).isEmpty();
  }

  @Test
  void missingProgramOrDirectoryFails() {
    assertThatThrownBy(() -> spawner.spawn("/no/such/program", List.of("x"), Map.of(), "/"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("/no/such/program");
    assertThatThrownBy(() -> spawner.spawn("/bin/true", List.of("true"), Map.of(), "/no/such/dir"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("/no/such/dir");
  }
}
