package dev.nodeless.cli;

import dev.nodeless.PodLauncher;
import dev.nodeless.PodPhases;
import dev.nodeless.PodRef;
import dev.nodeless.ReferenceResolver;
import dev.nodeless.Subscription;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesListBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs pods in the background for {@code run --detach}. Closing a launcher stops the pods it
 * supervises, so the pods are launched by a separate {@code nodeless supervise} process that
 * outlives this one. This process validates the pods, starts the supervisor with the manifests on
 * its stdin, reads its launch results from its stdout, then watches the pods in the state directory
 * until each is running or finished.
 *
 * <p>Handshake on the supervisor's stdout, one JSON object per line: {@code {"event":"launched",
 * "uid":...}} per pod, then {@code {"event":"ready"}}, or {@code
 * {"event":"failed","message":...,"exitCode":"1"}} with the exit code to end with, after which the
 * supervisor has terminated whatever it launched and exits.
 */
final class Detacher {
  private static final Logger LOG = LoggerFactory.getLogger(Detacher.class);
  static final String EVENT = "event";
  static final String LAUNCHED = "launched";

  private static final Duration VISIBILITY_WAIT = Duration.ofSeconds(10);
  private static final Duration VISIBILITY_POLL = Duration.ofMillis(20);
  static final String READY = "ready";
  static final String FAILED = "failed";
  static final String MESSAGE = "message";
  static final String EXIT_CODE = "exitCode";
  private static final int LOG_TAIL_LINES = 20;
  private static final Duration EXIT_WAIT = Duration.ofSeconds(10);
  private static final Duration DEFAULT_GRACE = Duration.ofSeconds(30);

  /** Time beyond the grace period for the supervisor to notice the request and stop the pod. */
  private static final Duration TERMINATE_SLACK = Duration.ofSeconds(30);

  private final LauncherOptions launcherOptions;
  private final Console console;
  private final KubernetesSerialization serialization;
  private final boolean verbose;

  Detacher(
      LauncherOptions launcherOptions,
      Console console,
      KubernetesSerialization serialization,
      boolean verbose) {
    this.launcherOptions = launcherOptions;
    this.console = console;
    this.serialization = serialization;
    this.verbose = verbose;
  }

  /**
   * Starts the supervisor, waits until each pod is running or finished, and prints how to reach
   * them.
   *
   * @param pods validated pods with UIDs
   * @param timeout how long the pods may run before the supervisor terminates them, counted from
   *     its launch, and how long this process waits for them to run; {@code null} for no limit
   * @return the exit code: 0 unless a pod already failed
   */
  int detach(
      List<Pod> pods,
      List<HasMetadata> references,
      Duration timeout,
      Duration gracePeriod,
      OutputFormat output) {
    // Started before the supervisor, so this wait ends no later than the supervisor's own timeout.
    Long deadline = RunSession.deadlineAfter(timeout);
    Path logFile = logFile();
    Process supervisor = start(logFile, timeout, gracePeriod);
    LOG.info("Started supervisor process {} with log {}", supervisor.pid(), logFile);
    send(supervisor, logFile, pods, references);
    // Unbounded here: the supervisor applies the timeout to its launches and reports the result.
    awaitReady(supervisor, logFile, pods.size());
    List<PodRef> refs = new ArrayList<>();
    for (Pod pod : pods) {
      refs.add(PodRef.of(pod));
    }
    try (PodLauncher observer = observeAll(refs)) {
      boolean started = awaitStarted(observer, refs, deadline);
      if (!started) {
        terminate(observer, refs, gracePeriod);
        throw new CliException(
            ExitCodes.TIMED_OUT,
            "timed out before every pod was running, so the pods were terminated; raise --timeout"
                + " if they need longer to start. The supervisor log is "
                + logFile);
      }
      if (output != OutputFormat.text) {
        List<Pod> documents = new ArrayList<>();
        for (int i = 0; i < refs.size(); i++) {
          documents.add(
              PodDocuments.pod(
                  refs.get(i), pods.get(i), observer.status(refs.get(i)).orElse(null)));
        }
        console.out(PodDocuments.render(output, documents, serialization));
      }
      return report(observer, refs, logFile);
    }
  }

  /**
   * Builds a launcher that observes the supervisor's pods. A provider may show a launched pod to
   * other processes a little later (the local provider writes its files right after the first
   * status), so a launcher that misses one is built again, for at most {@link #VISIBILITY_WAIT}.
   */
  private PodLauncher observeAll(List<PodRef> refs) {
    long deadline = System.nanoTime() + VISIBILITY_WAIT.toNanos();
    while (true) {
      PodLauncher observer = launcherOptions.build(ReferenceResolver.none());
      if (refs.stream().allMatch(ref -> observer.status(ref).isPresent())
          || System.nanoTime() > deadline) {
        return observer;
      }
      observer.close();
      try {
        Thread.sleep(VISIBILITY_POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return launcherOptions.build(ReferenceResolver.none());
      }
    }
  }

  /** Asks the supervisor to terminate the pods and waits, bounded, until they are gone. */
  private void terminate(PodLauncher observer, List<PodRef> refs, Duration gracePeriod) {
    List<CompletableFuture<Void>> removals = new ArrayList<>();
    for (PodRef ref : refs) {
      removals.add(observer.terminate(ref, gracePeriod));
    }
    Duration bound = (gracePeriod == null ? DEFAULT_GRACE : gracePeriod).plus(TERMINATE_SLACK);
    try {
      CompletableFuture.allOf(removals.toArray(CompletableFuture[]::new))
          .get(bound.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      console.err("warning: not every pod confirmed it stopped within " + bound.toSeconds() + " s");
    }
  }

  private int report(PodLauncher observer, List<PodRef> refs, Path logFile) {
    int exitCode = ExitCodes.OK;
    for (PodRef ref : refs) {
      PodStatus status = observer.status(ref).orElse(new PodStatus());
      String name = PodDescriptions.name(ref);
      if (PodPhases.FAILED.equals(status.getPhase())) {
        console.err("pod " + name + " failed: " + PodDescriptions.failure(status));
        exitCode = ExitCodes.FAILED;
      } else if (PodPhases.SUCCEEDED.equals(status.getPhase())) {
        console.err("pod " + name + " succeeded");
      } else {
        console.err("pod " + name + " is running in the background (uid " + ref.uid() + ")");
      }
    }
    String stateDir =
        launcherOptions.explicitStateDir().map(dir -> " --state-dir " + dir).orElse("");
    String first = PodDescriptions.name(refs.get(0));
    console.err("  follow a log:   nodeless logs " + first + " -f" + stateDir);
    console.err("  stop a pod:     nodeless rm " + first + stateDir);
    console.err("  supervisor log: " + logFile);
    return exitCode;
  }

  private boolean awaitStarted(PodLauncher observer, List<PodRef> refs, Long deadline) {
    Map<PodRef, String> phases = new ConcurrentHashMap<>();
    List<CompletableFuture<PodStatus>> started = new ArrayList<>();
    Subscription subscription =
        observer.subscribeAll(
            (ref, status) -> {
              if (refs.contains(ref)) {
                phases.put(ref, PodDescriptions.phase(status));
                showProgress(refs, phases);
              }
            });
    try {
      for (PodRef ref : refs) {
        if (observer.status(ref).isEmpty()) {
          throw new CliException(
              ExitCodes.FAILED,
              "pod "
                  + PodDescriptions.name(ref)
                  + " was launched by the supervisor but is not in the state directory; check"
                  + " that --state-dir and -s settings match");
        }
        phases.put(ref, PodDescriptions.phase(observer.status(ref).get()));
        started.add(observer.when(ref, status -> !PodPhases.PENDING.equals(status.getPhase())));
      }
      showProgress(refs, phases);
      CompletableFuture<Void> all =
          CompletableFuture.allOf(started.toArray(CompletableFuture[]::new));
      if (deadline == null) {
        all.get();
      } else {
        all.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      }
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(ExitCodes.FAILED, "interrupted while waiting for the pods", e);
    } catch (ExecutionException e) {
      throw new CliException(ExitCodes.FAILED, "waiting for the pods failed: " + e.getCause(), e);
    } finally {
      subscription.close();
      console.endProgress();
    }
  }

  private void showProgress(List<PodRef> refs, Map<PodRef, String> phases) {
    List<String> parts = new ArrayList<>();
    for (PodRef ref : refs) {
      parts.add(PodDescriptions.name(ref) + " " + phases.getOrDefault(ref, "Pending"));
    }
    console.progress("waiting for pods to run: " + String.join(", ", parts));
  }

  // ---- supervisor process -------------------------------------------------------------------

  private Process start(Path logFile, Duration timeout, Duration gracePeriod) {
    List<String> command = supervisorCommand(timeout, gracePeriod);
    LOG.debug("Starting supervisor: {}", command);
    try {
      Files.createDirectories(logFile.getParent());
      return new ProcessBuilder(command)
          .redirectError(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
          .start();
    } catch (IOException e) {
      throw new CliException(
          ExitCodes.FAILED,
          "cannot start the background supervisor (" + command.get(0) + "): " + e.getMessage(),
          e);
    }
  }

  /** Builds the command line that runs {@code nodeless supervise} on this JVM and classpath. */
  private List<String> supervisorCommand(Duration timeout, Duration gracePeriod) {
    List<String> command = new ArrayList<>();
    // A new session detaches the supervisor from the terminal, so closing it sends no SIGHUP.
    Path setsid = Path.of("/usr/bin/setsid");
    if (Files.isExecutable(setsid)) {
      command.add(setsid.toString());
    }

    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // A small, quick-starting JVM: the supervisor mostly waits.
    command.add("-XX:+UseSerialGC");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-Xmx128m");

    String level = System.getProperty(Main.LOG_LEVEL_PROPERTY);
    command.add("-D" + Main.LOG_LEVEL_PROPERTY + "=" + (level == null ? "info" : level));
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Main.class.getName());

    command.add("supervise");
    command.addAll(launcherOptions.toArguments());
    if (timeout != null) {
      command.add("--timeout");
      command.add(timeout.toMillis() + "ms");
    }
    if (gracePeriod != null) {
      command.add("--grace-period");
      command.add(gracePeriod.toMillis() + "ms");
    }
    if (verbose) {
      command.add("-v");
    }
    return command;
  }

  /** Names the new supervisor's log, after deleting the logs of supervisors gone long ago. */
  private Path logFile() {
    Path directory = StateDirectory.supervisorLogs(launcherOptions);
    SupervisorLogs.prune(directory, Instant.now());
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    return directory.resolve("supervisor-" + stamp + "-" + ProcessHandle.current().pid() + ".log");
  }

  /**
   * Writes the pods, ConfigMaps and Secrets to the supervisor's stdin, keeping Secrets off disk.
   */
  private void send(
      Process supervisor, Path logFile, List<Pod> pods, List<HasMetadata> references) {
    List<HasMetadata> items = new ArrayList<>(pods);
    items.addAll(references);
    String document = serialization.asJson(new KubernetesListBuilder().withItems(items).build());
    try (OutputStream in = supervisor.getOutputStream()) {
      in.write(document.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new CliException(
          ExitCodes.FAILED,
          "the background supervisor stopped before reading the pods: "
              + e.getMessage()
              + "\n"
              + logTail(supervisor, logFile),
          e);
    }
  }

  private void awaitReady(Process supervisor, Path logFile, int podCount) {
    Map<?, ?> failure = readHandshake(supervisor);
    if (failure == null) {
      int exit = exitCode(supervisor);
      throw new CliException(
          ExitCodes.FAILED,
          "the background supervisor exited"
              + (exit < 0 ? "" : " with code " + exit)
              + " before starting the pods. "
              + logTail(supervisor, logFile)
              + "\nIts whole log is "
              + logFile);
    }
    if (!failure.isEmpty()) {
      int exitCode = ExitCodes.FAILED;
      try {
        exitCode = Integer.parseInt(String.valueOf(failure.get(EXIT_CODE)));
      } catch (NumberFormatException e) {
        LOG.debug("Supervisor sent no exit code: {}", failure);
      }
      throw new CliException(exitCode, failure.get(MESSAGE) + "\nThe supervisor log is " + logFile);
    }
    LOG.info("Supervisor {} launched {} pods", supervisor.pid(), podCount);
  }

  /**
   * Reads the handshake.
   *
   * @return an empty map once {@code ready} arrived, the {@code failed} event, or {@code null} when
   *     the supervisor's stdout ended first
   */
  private Map<?, ?> readHandshake(Process supervisor) {
    try (BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(supervisor.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        Map<?, ?> event = serialization.unmarshal(line, Map.class);
        Object type = event.get(EVENT);
        if (READY.equals(type)) {
          return Map.of();
        }
        if (FAILED.equals(type)) {
          return event;
        }
        LOG.debug("Supervisor reported {}", event);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return null;
  }

  private static int exitCode(Process process) {
    try {
      return process.waitFor(EXIT_WAIT.toMillis(), TimeUnit.MILLISECONDS)
          ? process.exitValue()
          : -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static String logTail(Process supervisor, Path logFile) {
    try {
      exitCode(supervisor);
      List<String> lines = Files.readAllLines(logFile);
      List<String> tail = lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size());
      return "Last lines of its log:\n  " + String.join("\n  ", tail);
    } catch (IOException e) {
      return "Its log could not be read: " + e.getMessage();
    }
  }
}
