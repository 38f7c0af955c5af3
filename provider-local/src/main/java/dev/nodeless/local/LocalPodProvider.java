package dev.nodeless.local;

import dev.nodeless.LogOptions;
import dev.nodeless.NodelessException;
import dev.nodeless.PodNotFoundException;
import dev.nodeless.PodPhases;
import dev.nodeless.PodRef;
import dev.nodeless.ValidationProblem;
import dev.nodeless.spi.DownwardFacts;
import dev.nodeless.spi.KubeletStatus;
import dev.nodeless.spi.OwnedPod;
import dev.nodeless.spi.PodProvider;
import dev.nodeless.spi.ProviderContext;
import dev.nodeless.spi.ResolvedPod;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local provider: runs each pod as host processes under {@link PodSupervisor}, keeps every pod
 * in its state directory and finds the pods of other processes there. See the package documentation
 * for settings, persistence and limits.
 */
final class LocalPodProvider implements PodProvider {
  private static final Logger LOG = LoggerFactory.getLogger(LocalPodProvider.class);

  /** Extra time {@link #close()} waits beyond the longest grace period. */
  private static final Duration CLOSE_MARGIN = Duration.ofSeconds(5);

  static final String SUPERVISOR_LOST = "SupervisorLost";

  private final ProviderContext context;
  private final LocalSettings settings;
  private final ProcessRuntime runtime;
  private final RuntimeChoice runtimeChoice;
  private final EngineRuntime engineRuntime;
  private final Probes probes;
  private final ThreadPoolExecutor workPool;
  private final ExecutorService logThreads;
  private final DownwardFacts facts;
  private final Map<String, PodSupervisor> supervised = new ConcurrentHashMap<>();
  private final Map<String, ObservedPod> observed = new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final ScheduledFuture<?> poller;

  LocalPodProvider(ProviderContext context, LocalSettings settings, ProcessRuntime.Tools tools)
      throws IOException {
    this.context = context;
    this.settings = settings;
    StateDirectoryGuard.prepare(settings.stateDir());
    this.workPool =
        new ThreadPoolExecutor(
            4,
            4,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            daemonThreads("nodeless-local"));
    workPool.allowCoreThreadTimeOut(true);
    this.logThreads = Executors.newCachedThreadPool(daemonThreads("nodeless-local-log"));
    boolean namespaces = settings.mountNamespaces() && PlatformCheck.mountNamespacesWork(tools);
    Optional<Cgroups> cgroups = settings.cgroups() ? Cgroups.detect() : Optional.empty();
    Optional<Spawner> spawner = settings.posixSpawn() ? Spawner.load(logThreads) : Optional.empty();
    this.runtime =
        new ProcessRuntime(
            tools, namespaces, cgroups, spawner, logThreads, context.scheduler(), context.clock());
    ContainerSettings containerSettings = ContainerSettings.parse(context.settings());
    this.runtimeChoice = RuntimeChoice.choose(containerSettings);
    this.engineRuntime =
        runtimeChoice.engine() == null
            ? null
            : new EngineRuntime(
                runtimeChoice.engine(),
                containerSettings,
                ownerId(settings.stateDir()),
                logThreads,
                context.scheduler(),
                context.clock());
    if (engineRuntime != null) {
      logThreads.execute(engineRuntime::reapOrphans);
    }
    this.probes = new Probes(workPool, context.scheduler());
    this.facts = downwardFacts(settings.nodeName());
    long pollMillis = settings.pollInterval().toMillis();
    this.poller =
        context
            .scheduler()
            .scheduleWithFixedDelay(
                () -> workPool.execute(this::poll), pollMillis, pollMillis, TimeUnit.MILLISECONDS);
    LOG.info(
        "Local provider started on state directory {} (mount namespaces: {}, cgroup limits: {},"
            + " process start: {}); pods run as {}",
        settings.stateDir(),
        namespaces ? "yes" : "no",
        cgroups.map(found -> found.version().name()).orElse("no"),
        spawner.isPresent() ? "posix_spawn" : "setsid",
        runtimeChoice.describe());
  }

  // ---- accessors for the supervisors ---------------------------------------------------------

  ExecutorService workPool() {
    return workPool;
  }

  Clock clock() {
    return context.clock();
  }

  ScheduledExecutorService scheduler() {
    return context.scheduler();
  }

  /** The runtime of this pod: see {@link RuntimeChoice}. */
  ContainerRuntime runtimeFor(ResolvedPod pod) {
    return runtimeChoice.containers(pod) ? engineRuntime : runtime;
  }

  /** The container runtime, when an engine answered. */
  Optional<EngineRuntime> engineRuntime() {
    return Optional.ofNullable(engineRuntime);
  }

  /** Identifies a state directory in container labels. */
  static String ownerId(Path stateDir) {
    try {
      byte[] hash =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(stateDir.toString().getBytes(StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(hash, 0, 8);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  Probes probes() {
    return probes;
  }

  LocalSettings settings() {
    return settings;
  }

  void statusChanged(PodRef ref, PodStatus status) {
    context.statusSink().statusChanged(ref, status);
  }

  void onFinished(PodSupervisor supervisor) {
    supervised.remove(supervisor.ref().uid(), supervisor);
  }

  // ---- PodProvider ---------------------------------------------------------------------------

  @Override
  public String name() {
    return "local";
  }

  @Override
  public DownwardFacts downwardFacts() {
    return facts;
  }

  @Override
  public List<ValidationProblem> validate(ResolvedPod pod) {
    List<ValidationProblem> problems = new ArrayList<>();
    String uid = pod.ref().uid();
    if (!uid.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}")) {
      problems.add(
          new ValidationProblem(
              "metadata.uid",
              uid,
              "the local provider names the pod's state directory after its UID, which must be"
                  + " letters, digits, '.', '_' or '-' (at most 128)",
              "use a UUID, or leave metadata.uid unset so that one is assigned"));
    }
    for (ValidationProblem problem : runtimeFor(pod).validate(pod)) {
      problems.add(withEnginesTried(problem));
    }
    return problems;
  }

  /** Adds the engines tried to the problem of a pod that needs an image when none was found. */
  private ValidationProblem withEnginesTried(ValidationProblem problem) {
    if (runtimeChoice.engine() != null
        || runtimeChoice.tried().isEmpty()
        || !problem.fieldPath().endsWith(".command")
        || problem.value() != null) {
      return problem;
    }
    return new ValidationProblem(
        problem.fieldPath(),
        problem.value(),
        problem.rule(),
        problem.fix() + " (tried here: " + String.join("; ", runtimeChoice.tried()) + ")");
  }

  @Override
  public CompletableFuture<Void> launch(ResolvedPod pod) {
    ensureOpen();
    String uid = pod.ref().uid();
    if (supervised.containsKey(uid)) {
      LOG.debug("Pod {} is already supervised here; launching nothing", pod.ref());
      return CompletableFuture.completedFuture(null);
    }
    PodDirectory dir = new PodDirectory(settings.stateDir(), uid);
    if (dir.exists()) {
      LOG.info("Pod {} already exists in {}; launching nothing", pod.ref(), dir.root());
      return CompletableFuture.completedFuture(null);
    }
    PodSupervisor supervisor = new PodSupervisor(this, pod, dir);
    if (supervised.putIfAbsent(uid, supervisor) != null) {
      return CompletableFuture.completedFuture(null);
    }
    return supervisor
        .launch()
        .whenComplete(
            (ignored, error) -> {
              if (error != null) {
                supervised.remove(uid, supervisor);
              }
            });
  }

  /**
   * Rewrites the changed files of the pod's configMap, secret, downwardAPI and projected volumes,
   * each by an atomic rename, and removes the files that are gone. A pod that another process
   * supervises is not changed.
   */
  @Override
  public CompletableFuture<Boolean> refreshVolumes(ResolvedPod pod) {
    ensureOpen();
    PodSupervisor supervisor = supervised.get(pod.ref().uid());
    if (supervisor == null) {
      LOG.debug("Pod {} is not supervised here; its volumes stay as they are", pod.ref());
      return CompletableFuture.completedFuture(false);
    }
    return supervisor.refreshVolumes(pod);
  }

  @Override
  public CompletableFuture<Void> terminate(PodRef pod, Duration gracePeriod) {
    ensureOpen();
    PodSupervisor supervisor = supervised.get(pod.uid());
    if (supervisor != null) {
      return supervisor.terminate(gracePeriod, false);
    }
    PodDirectory dir = new PodDirectory(settings.stateDir(), pod.uid());
    if (!dir.exists()) {
      return CompletableFuture.completedFuture(null);
    }
    return CompletableFuture.supplyAsync(() -> terminateElsewhere(pod, dir, gracePeriod), workPool)
        .thenCompose(future -> future);
  }

  /** Terminates a pod that no supervisor of this provider runs. */
  private CompletableFuture<Void> terminateElsewhere(
      PodRef pod, PodDirectory dir, Duration gracePeriod) {
    try {
      if (dir.tryLock()) {
        try {
          recoverIfAbandoned(pod, dir);
        } finally {
          dir.unlock();
        }
        dir.remove(workPool);
        observed.remove(pod.uid());
        LOG.info("Removed pod {}, which no process supervised", pod);
        return CompletableFuture.completedFuture(null);
      }
      Path request = PodDirectory.terminateRequest(settings.stateDir(), pod.uid());
      String grace = gracePeriod == null ? "" : Long.toString(gracePeriod.toMillis());
      PodDirectory.writeAtomically(request, grace.getBytes(StandardCharsets.UTF_8));
      LOG.info("Asked the process that supervises pod {} to terminate it", pod);
      ObservedPod watched = observed.computeIfAbsent(pod.uid(), uid -> new ObservedPod(pod, dir));
      return watched.gone;
    } catch (IOException e) {
      return CompletableFuture.failedFuture(
          new NodelessException(
              "cannot terminate pod " + pod + ": " + e.getMessage(), pod, name(), true, e));
    }
  }

  @Override
  public InputStream logs(PodRef pod, String container, LogOptions options) {
    PodDirectory dir = new PodDirectory(settings.stateDir(), pod.uid());
    PodSupervisor supervisor = supervised.get(pod.uid());
    Pod spec =
        (supervisor != null ? Optional.of(supervisor.pod()) : dir.readPod())
            .orElseThrow(
                () -> new PodNotFoundException(pod, "it has no files in " + settings.stateDir()));
    if (!hasContainer(spec, container)) {
      throw new PodNotFoundException(pod, "it has no container named \"" + container + "\"");
    }
    // The newest instance is the newest log file: the status file may lag by up to 100 ms.
    int latest = dir.latestInstance(container);
    int instance =
        options.restartCount().isPresent()
            ? options.restartCount().getAsInt()
            : options.previous() ? latest - 1 : latest;
    String podName = pod.name();
    if (options.previous() && instance < 0) {
      throw new NodelessException(
          "previous terminated container \""
              + container
              + "\" in pod \""
              + podName
              + "\" not found",
          pod,
          name(),
          false,
          null);
    }
    Path log = dir.logFile(container, Math.max(instance, 0));
    if (instance < 0 || !Files.exists(log)) {
      ContainerStatus containerStatus =
          dir.readStatus().map(found -> containerStatus(found, container)).orElse(null);
      String reason =
          containerStatus != null
                  && containerStatus.getState() != null
                  && containerStatus.getState().getWaiting() != null
              ? containerStatus.getState().getWaiting().getReason()
              : "ContainerCreating";
      throw new NodelessException(
          "container \""
              + container
              + "\" in pod \""
              + podName
              + "\" is waiting to start: "
              + reason,
          pod,
          name(),
          true,
          null);
    }
    try {
      return new LogReader(log, options, () -> logStopped(dir, log));
    } catch (IOException e) {
      throw new NodelessException(
          "cannot read the log of " + container + ": " + e.getMessage(), pod, name(), true, e);
    }
  }

  private boolean logStopped(PodDirectory dir, Path log) {
    if (LogReader.isDone(log) || !dir.exists()) {
      return true;
    }
    if (supervised.containsKey(dir.root().getFileName().toString())) {
      return false;
    }
    Optional<PodStatus> status = dir.readStatus();
    if (status.isPresent() && PodPhases.isFinished(status.get())) {
      return true;
    }
    return !lockedElsewhere(dir);
  }

  private static boolean lockedElsewhere(PodDirectory dir) {
    try {
      if (dir.tryLock()) {
        dir.unlock();
        return false;
      }
      return true;
    } catch (IOException e) {
      return true;
    }
  }

  @Override
  public CompletableFuture<List<OwnedPod>> list() {
    return CompletableFuture.supplyAsync(this::scan, workPool);
  }

  private List<OwnedPod> scan() {
    List<OwnedPod> found = new ArrayList<>();
    try (DirectoryStream<Path> entries =
        Files.newDirectoryStream(PodDirectory.podsDir(settings.stateDir()))) {
      for (Path entry : entries) {
        String uid = entry.getFileName().toString();
        if (uid.startsWith(".")) {
          continue;
        }
        PodDirectory dir = new PodDirectory(settings.stateDir(), uid);
        PodSupervisor supervisor = supervised.get(uid);
        Optional<Pod> pod =
            supervisor != null
                ? Optional.of(new PodBuilder(supervisor.pod()).build())
                : dir.readPod();
        if (pod.isEmpty()) {
          LOG.debug("Skipping {}: it has no pod.json yet", entry);
          continue;
        }
        PodRef ref = PodRef.of(pod.get());
        if (supervisor == null) {
          try {
            if (dir.tryLock()) {
              try {
                recoverIfAbandoned(ref, dir);
              } finally {
                dir.unlock();
              }
            }
          } catch (IOException e) {
            LOG.warn("Cannot check the lock of pod {}: {}", ref, e.toString());
          }
          observed.computeIfAbsent(uid, key -> new ObservedPod(ref, dir));
        }
        found.add(new OwnedPod(ref, pod.get(), dir.readStatus().orElse(null)));
      }
    } catch (IOException e) {
      throw new NodelessException("cannot list the pods in " + settings.stateDir() + ": " + e, e);
    }
    return found;
  }

  /**
   * Cleans up a pod whose lock is free but whose status is not final: its supervisor died. Kills
   * the leftover processes it recorded (checking PID and start time first), removes its volumes and
   * marks it {@code Failed} with reason {@value #SUPERVISOR_LOST}. The pod is not run again. The
   * caller holds the pod's lock.
   */
  private void recoverIfAbandoned(PodRef ref, PodDirectory dir) throws IOException {
    Optional<PodStatus> status = dir.readStatus();
    if (status.isPresent() && PodPhases.isFinished(status.get())) {
      return;
    }
    int killed = 0;
    for (String record : dir.readProcesses().values()) {
      killed += runtime.killLeftover(record);
      if (engineRuntime != null) {
        killed += engineRuntime.killLeftover(record);
      }
    }
    Instant now = context.clock().instant();
    Pod pod = dir.readPod().orElseThrow();
    KubeletStatus lost =
        KubeletStatus.of(pod)
            .previous(status.orElse(null))
            .terminal(true)
            .hostIp(PodSupervisor.LOCAL_IP)
            .podIp(PodSupervisor.LOCAL_IP)
            .reason(
                SUPERVISOR_LOST,
                "The process that supervised this pod stopped without terminating it; process "
                    + ProcessHandle.current().pid()
                    + " stopped its "
                    + killed
                    + " leftover processes.")
            .startTime(status.map(PodStatus::getStartTime).map(Instant::parse).orElse(now));
    if (status.isPresent()) {
      List<ContainerStatus> containers = new ArrayList<>();
      if (status.get().getInitContainerStatuses() != null) {
        containers.addAll(status.get().getInitContainerStatuses());
      }
      if (status.get().getContainerStatuses() != null) {
        containers.addAll(status.get().getContainerStatuses());
      }
      for (ContainerStatus container : containers) {
        lost.container(stoppedBySupervisorLoss(container, now));
      }
    }
    PodStatus computed = lost.compute(now);
    computed.setPhase(PodPhases.FAILED);
    dir.writeStatus(computed);
    dir.deleteVolumes();
    Files.deleteIfExists(dir.processesFile());
    LOG.warn(
        "Pod {} was left by a supervisor that is gone: stopped {} leftover processes, removed its"
            + " volumes and marked it Failed ({}); it was cleaned up, not adopted",
        ref,
        killed,
        SUPERVISOR_LOST);
    statusChanged(ref, computed);
  }

  private static ContainerStatus stoppedBySupervisorLoss(ContainerStatus container, Instant now) {
    ContainerState state = container.getState();
    if (state == null || state.getRunning() == null) {
      return container;
    }
    return new ContainerStatusBuilder(container)
        .withReady(false)
        .withStarted(false)
        .withState(
            new ContainerStateBuilder()
                .withNewTerminated()
                .withExitCode(137)
                .withReason("Error")
                .withMessage("stopped because its supervisor was lost")
                .withStartedAt(state.getRunning().getStartedAt())
                .withFinishedAt(dev.nodeless.internal.Timestamps.format(now))
                .withContainerID(container.getContainerID())
                .endTerminated()
                .build())
        .build();
  }

  // ---- polling: terminate requests and observed pods -----------------------------------------

  private void poll() {
    if (closed.get()) {
      return;
    }
    try {
      pollTerminateRequests();
      pollObserved();
    } catch (RuntimeException e) {
      if (closed.get()) {
        // The provider closed while this poll ran, and its pool refused the poll's follow-up.
        LOG.debug("Polling the state directory {} stopped: {}", settings.stateDir(), e.toString());
      } else {
        LOG.warn("Polling the state directory {} failed: {}", settings.stateDir(), e.toString());
      }
    }
  }

  private void pollTerminateRequests() {
    if (supervised.isEmpty()) {
      return;
    }
    try (DirectoryStream<Path> requests =
        Files.newDirectoryStream(PodDirectory.requestsDir(settings.stateDir()), "*.terminate")) {
      for (Path request : requests) {
        String file = request.getFileName().toString();
        String uid = file.substring(0, file.length() - ".terminate".length());
        PodSupervisor supervisor = supervised.get(uid);
        if (supervisor == null) {
          continue;
        }
        String text = Files.readString(request, StandardCharsets.UTF_8).trim();
        Files.deleteIfExists(request);
        Duration grace = text.isEmpty() ? null : Duration.ofMillis(Long.parseLong(text));
        LOG.info("Pod {}: another process asked to terminate it", supervisor.ref());
        supervisor.terminate(grace, false);
      }
    } catch (IOException | NumberFormatException e) {
      LOG.warn("Cannot read the terminate requests in {}: {}", settings.stateDir(), e.toString());
    }
  }

  private void pollObserved() {
    for (ObservedPod pod : observed.values()) {
      if (!pod.dir.exists()) {
        observed.remove(pod.ref.uid());
        pod.gone.complete(null);
        continue;
      }
      try {
        FileTime modified = Files.getLastModifiedTime(pod.dir.statusFile());
        if (!modified.equals(pod.statusModified)) {
          pod.statusModified = modified;
          Optional<PodStatus> status = pod.dir.readStatus();
          status.ifPresent(found -> statusChanged(pod.ref, found));
        }
      } catch (IOException e) {
        LOG.debug("Cannot read the status of observed pod {}: {}", pod.ref, e.toString());
      }
      if (pod.gone.isDone()
          || !Files.exists(PodDirectory.terminateRequest(settings.stateDir(), pod.ref.uid()))) {
        continue;
      }
      try {
        if (pod.dir.tryLock()) {
          // The supervisor went away before it acted on the request.
          try {
            recoverIfAbandoned(pod.ref, pod.dir);
          } finally {
            pod.dir.unlock();
          }
          pod.dir.remove(workPool);
          Files.deleteIfExists(PodDirectory.terminateRequest(settings.stateDir(), pod.ref.uid()));
          observed.remove(pod.ref.uid());
          pod.gone.complete(null);
        }
      } catch (IOException e) {
        LOG.warn("Cannot terminate pod {}: {}", pod.ref, e.toString());
      }
    }
  }

  /** A pod that another process supervises, or a finished pod that no process supervises. */
  private static final class ObservedPod {
    final PodRef ref;
    final PodDirectory dir;
    final CompletableFuture<Void> gone = new CompletableFuture<>();
    FileTime statusModified;

    ObservedPod(PodRef ref, PodDirectory dir) {
      this.ref = ref;
      this.dir = dir;
    }
  }

  // ---- close ---------------------------------------------------------------------------------

  /**
   * Stops every pod that this provider supervises, each with its own grace period, and waits until
   * their processes are gone. Their files stay in the state directory with a final status. Pods
   * that other processes supervise are left alone.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    poller.cancel(false);
    List<CompletableFuture<Void>> stopping = new ArrayList<>();
    Duration longest = Duration.ZERO;
    for (PodSupervisor supervisor : supervised.values()) {
      Duration grace = supervisor.gracePeriod();
      if (grace.compareTo(longest) > 0) {
        longest = grace;
      }
      stopping.add(supervisor.terminate(null, true));
    }
    if (!stopping.isEmpty()) {
      LOG.info("Closing the local provider: stopping {} pods", stopping.size());
    }
    try {
      CompletableFuture.allOf(stopping.toArray(CompletableFuture[]::new))
          .get(longest.plus(CLOSE_MARGIN).toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
      LOG.warn("Not every pod stopped in time while closing the local provider: {}", e.toString());
    }
    for (ObservedPod pod : observed.values()) {
      pod.gone.complete(null);
    }
    runtime.close();
    if (engineRuntime != null) {
      engineRuntime.close();
    }
    probes.close();
    workPool.shutdown();
    logThreads.shutdown();
    LOG.info("Local provider closed");
  }

  private void ensureOpen() {
    if (closed.get()) {
      throw new IllegalStateException("the local provider is closed");
    }
  }

  // ---- helpers -------------------------------------------------------------------------------

  private static boolean hasContainer(Pod pod, String name) {
    List<Container> all = new ArrayList<>();
    if (pod.getSpec().getInitContainers() != null) {
      all.addAll(pod.getSpec().getInitContainers());
    }
    if (pod.getSpec().getContainers() != null) {
      all.addAll(pod.getSpec().getContainers());
    }
    return all.stream().anyMatch(container -> name.equals(container.getName()));
  }

  private static ContainerStatus containerStatus(PodStatus status, String name) {
    List<ContainerStatus> all = new ArrayList<>();
    if (status.getInitContainerStatuses() != null) {
      all.addAll(status.getInitContainerStatuses());
    }
    if (status.getContainerStatuses() != null) {
      all.addAll(status.getContainerStatuses());
    }
    return all.stream().filter(found -> name.equals(found.getName())).findFirst().orElse(null);
  }

  private static DownwardFacts downwardFacts(String nodeName) {
    Map<String, BigDecimal> allocatable = new HashMap<>();
    allocatable.put("cpu", BigDecimal.valueOf(Runtime.getRuntime().availableProcessors()));
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      allocatable.put("memory", BigDecimal.valueOf(os.getTotalMemorySize()));
    }
    return new DownwardFacts(nodeName, PodSupervisor.LOCAL_IP, PodSupervisor.LOCAL_IP, allocatable);
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
