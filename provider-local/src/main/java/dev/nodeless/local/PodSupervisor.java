package dev.nodeless.local;

import dev.nodeless.PodLauncher;
import dev.nodeless.PodRef;
import dev.nodeless.local.ContainerLaunch.Mount;
import dev.nodeless.local.RunningContainer.Exit;
import dev.nodeless.spi.ContainerStates;
import dev.nodeless.spi.EnvValue;
import dev.nodeless.spi.KubeletStatus;
import dev.nodeless.spi.ResolvedContainer;
import dev.nodeless.spi.ResolvedPod;
import dev.nodeless.spi.ResolvedVolume;
import dev.nodeless.spi.VolumeFile;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.HostAlias;
import io.fabric8.kubernetes.api.model.LifecycleHandler;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one pod with the kubelet's semantics on a {@link ContainerRuntime}: init containers one at a
 * time, native sidecars kept running, app containers together, restarts with crash-loop back-off,
 * probes, lifecycle hooks, graceful termination and the pod status.
 *
 * <p>All state lives on the pod's {@link SerialExecutor} (the strand): every event (an exit, a
 * probe result, a timer) is handed to the strand, so no field needs a lock and no thread waits.
 */
final class PodSupervisor {
  private static final Logger LOG = LoggerFactory.getLogger(PodSupervisor.class);

  /** The kubelet gives a container at least this long between SIGTERM and SIGKILL. */
  private static final Duration MINIMUM_GRACE = Duration.ofSeconds(2);

  /**
   * How long a status change may wait before it reaches the status file. Other processes read it
   * (the CLI, observers); this launcher reports every change at once. Each write creates a file,
   * which is costly on a busy ext4, so a short-lived pod that is removed writes none at all.
   */
  private static final Duration STATUS_FILE_DELAY = Duration.ofMillis(100);

  static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  static final String LOCAL_IP = "127.0.0.1";

  private final LocalPodProvider provider;
  private final ResolvedPod resolved;
  private final Pod pod;
  private final PodRef ref;
  private final PodDirectory dir;
  private final ContainerRuntime runtime;
  private final SerialExecutor strand;
  private final List<ContainerRun> inits = new ArrayList<>();
  private final List<ContainerRun> apps = new ArrayList<>();
  private final String restartPolicy;
  private final Map<String, String> processRecords = new LinkedHashMap<>();
  private final CompletableFuture<Void> finishedFuture = new CompletableFuture<>();

  /** Volumes whose files changed since launch, by name. Used on the strand only. */
  private final Map<String, ResolvedVolume> refreshedVolumes = new HashMap<>();

  private Instant startTime;
  private ContainerRuntime.Sandbox sandbox = ContainerRuntime.Sandbox.HOST;
  private PodStatus lastStatus;
  private PodStatus writtenStatus;
  private boolean podWritten;
  private boolean processesChanged;
  private boolean statusWriteScheduled;
  private boolean initialized;

  /** Set once no container may start again: the pod completes, failed or is terminated. */
  private boolean stopping;

  private boolean terminating;
  private boolean deadlineExceeded;
  private ScheduledFuture<?> deadlineTimer;
  private boolean removeWhenFinished;
  private boolean finished;
  private Instant deadline;

  PodSupervisor(LocalPodProvider provider, ResolvedPod resolved, PodDirectory dir) {
    this.provider = provider;
    this.resolved = resolved;
    this.pod = resolved.pod();
    this.ref = resolved.ref();
    this.dir = dir;
    this.runtime = provider.runtimeFor(resolved);
    this.strand = new SerialExecutor(provider.workPool(), "pod " + ref);
    String policy = pod.getSpec().getRestartPolicy();
    this.restartPolicy = policy == null ? "Always" : policy;
    for (ResolvedContainer container : resolved.initContainers()) {
      inits.add(new ContainerRun(container));
    }
    for (ResolvedContainer container : resolved.containers()) {
      apps.add(new ContainerRun(container));
    }
  }

  /** Returns the pod as launched, which nothing modifies. */
  Pod pod() {
    return pod;
  }

  PodRef ref() {
    return ref;
  }

  PodDirectory dir() {
    return dir;
  }

  /** Completes once nothing of the pod runs any more and its final status is written. */
  CompletableFuture<Void> finished() {
    return finishedFuture;
  }

  // ---- launch --------------------------------------------------------------------------------

  /**
   * Creates the pod's files, takes its lock and starts the first containers. On failure it removes
   * whatever it created.
   */
  CompletableFuture<Void> launch() {
    CompletableFuture<Void> accepted = new CompletableFuture<>();
    Runnable accept =
        () -> {
          try {
            boolean created;
            try {
              createRoot();
              created = dir.tryLock();
            } catch (FileAlreadyExistsException e) {
              created = false;
            }
            if (!created) {
              // Another process launched the same UID at the same moment; its files stay.
              LOG.info("Pod {} was launched by another process; launching nothing", ref);
              finished = true;
              provider.onFinished(this);
              finishedFuture.complete(null);
              accepted.complete(null);
              return;
            }
            writeVolumes();
            sandbox = runtime.createSandbox(resolved, dir);
            if (!sandbox.record().isEmpty()) {
              processRecords.put("sandbox", sandbox.record());
              processesChanged = true;
            }
            if (!runtime.hostProcesses()) {
              writePodAndProcesses();
            }
            startTime = provider.clock().instant();
            scheduleDeadline();
            LOG.info("Started pod {} in {}", ref, dir.root());
            accepted.complete(null);
          } catch (IOException | RuntimeException e) {
            LOG.warn("Launch of pod {} failed; removing its files: {}", ref, e.toString());
            cleanUpFailedLaunch();
            accepted.completeExceptionally(e);
            return;
          }
          // A task of its own, so that the caller gets its result before the containers start.
          strand.execute(this::advance);
          strand.execute(this::writePodAndProcesses);
        };
    if (runtime.hostProcesses()) {
      // Only files to write: on the caller's thread, which saves a hand-off. An engine's sandbox
      // takes a command that may run for seconds, so it stays on the provider's threads.
      strand.executeHere(accept);
    } else {
      strand.execute(accept);
    }
    return accepted;
  }

  private void createRoot() throws IOException {
    try {
      Files.createDirectory(dir.root());
    } catch (NoSuchFileException e) {
      // The state directory was removed while this provider ran.
      StateDirectoryGuard.prepare(dir.root().getParent().getParent());
      Files.createDirectory(dir.root());
    }
  }

  /**
   * Writes {@code pod.json}, which makes the pod visible to other processes and to recovery, then
   * the process records. For host processes this runs right after the first status went out, so the
   * file writes do not delay the launch. A crash before it leaves processes unrecorded, as a crash
   * between any start and its record does.
   */
  private void writePodAndProcesses() {
    if (finished && removeWhenFinished) {
      return;
    }
    if (podWritten) {
      if (processesChanged) {
        writeProcesses();
      }
      return;
    }
    try {
      dir.writePod(pod);
      podWritten = true;
    } catch (IOException e) {
      LOG.warn("Cannot write the pod file of pod {}: {}", ref, e.toString());
      return;
    }
    writeProcesses();
  }

  private void cleanUpFailedLaunch() {
    finished = true;
    sandbox.close();
    try {
      dir.unlock();
      dir.deleteAll();
    } catch (IOException | RuntimeException e) {
      LOG.warn("Cannot remove the files of pod {} in {}: {}", ref, dir.root(), e.toString());
    }
    finishedFuture.complete(null);
  }

  private void writeVolumes() throws IOException {
    boolean hostFiles = runtime.hostProcesses();
    List<Volume> volumes =
        pod.getSpec().getVolumes() == null ? List.of() : pod.getSpec().getVolumes();
    for (Volume volume : volumes) {
      Path target = dir.volume(volume.getName());
      if (volume.getEmptyDir() != null) {
        Files.createDirectories(target);
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxrwxrwx"));
      } else if (volume.getHostPath() != null) {
        String type = volume.getHostPath().getType() == null ? "" : volume.getHostPath().getType();
        Path host = Path.of(volume.getHostPath().getPath());
        if (type.equals("DirectoryOrCreate")) {
          Files.createDirectories(host);
        } else if (type.equals("FileOrCreate") && !Files.exists(host)) {
          Files.createDirectories(host.getParent());
          Files.createFile(host);
        }
      } else {
        ResolvedVolume files = resolved.volumes().get(volume.getName());
        writeFiles(target, files, hostFiles);
      }
    }
    if (hostFiles) {
      if (hasHostAliases()) {
        writeHosts();
      }
      shareVolumes(volumes);
    }
  }

  /**
   * Gives the containers' users access to the volumes the provider wrote, as the kubelet does. With
   * an fsGroup, every such volume belongs to that group, its directories get the setgid bit so that
   * new files join the group too, and secret files become readable by the group. Without one, a
   * secret volume belongs to the one user other than root that mounts it, if any.
   */
  private void shareVolumes(List<Volume> volumes) throws IOException {
    for (Volume volume : volumes) {
      if (volume.getHostPath() != null) {
        continue;
      }
      Sharing sharing = sharing(volume.getName());
      if (sharing.changesNothing()) {
        continue;
      }
      try (Stream<Path> paths = Files.walk(dir.volume(volume.getName()))) {
        for (Path path : (Iterable<Path>) paths::iterator) {
          sharing.apply(path);
        }
      }
    }
  }

  /** Returns how the files of one volume are shared, as {@link #shareVolumes} describes. */
  private Sharing sharing(String volumeName) {
    PodSecurityContext context = pod.getSpec().getSecurityContext();
    Long fsGroup = context == null ? null : context.getFsGroup();
    ResolvedVolume files = volumeFiles(volumeName);
    boolean secret = files != null && files.secret();
    Integer owner = null;
    if (fsGroup == null && secret) {
      Set<Long> readers = LocalValidator.secretReaders(resolved, volumeName);
      if (readers.size() == 1) {
        owner = readers.iterator().next().intValue();
      }
    }
    return new Sharing(fsGroup, secret, owner);
  }

  /**
   * The group or owner that a volume's paths get.
   *
   * @param fsGroup the pod's fsGroup, which every path joins
   * @param secret whether the volume contains secret files
   * @param owner without an fsGroup, the one user other than root that reads the secret volume
   */
  private record Sharing(Long fsGroup, boolean secret, Integer owner) {
    boolean changesNothing() {
      return fsGroup == null && owner == null;
    }

    void apply(Path path) throws IOException {
      if (fsGroup != null) {
        Files.setAttribute(path, "unix:gid", fsGroup.intValue(), LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) Files.getAttribute(path, "unix:mode");
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
          mode |= 02000 | (secret ? 0050 : 0);
        } else if (secret) {
          mode |= 0040;
        }
        Files.setAttribute(path, "unix:mode", mode & 07777);
      } else if (owner != null) {
        Files.setAttribute(path, "unix:uid", owner, LinkOption.NOFOLLOW_LINKS);
      }
    }
  }

  private boolean hasHostAliases() {
    return pod.getSpec().getHostAliases() != null && !pod.getSpec().getHostAliases().isEmpty();
  }

  /**
   * Writes the pod's own hosts file, as the kubelet does for a pod on the host network: the host's
   * {@code /etc/hosts}, then one line per host alias. It is mounted at {@code /etc/hosts} in each
   * container.
   */
  private void writeHosts() throws IOException {
    StringBuilder hosts = new StringBuilder();
    Path host = Path.of("/etc/hosts");
    if (Files.isReadable(host)) {
      hosts.append(Files.readString(host));
      if (hosts.length() > 0 && hosts.charAt(hosts.length() - 1) != '\n') {
        hosts.append('\n');
      }
    }
    hosts.append("\n# Entries added by HostAliases.\n");
    for (HostAlias alias : pod.getSpec().getHostAliases()) {
      hosts.append(alias.getIp());
      if (alias.getHostnames() != null) {
        for (String name : alias.getHostnames()) {
          hosts.append('\t').append(name);
        }
      }
      hosts.append('\n');
    }
    Path file = dir.hostsFile();
    Files.writeString(file, hosts);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
  }

  /**
   * Writes a resolved volume. For host processes, secret files get only their owner's permission
   * bits; containers get the modes of the spec, and the volumes directory is private instead.
   */
  private void writeFiles(Path target, ResolvedVolume volume, boolean hostFiles)
      throws IOException {
    Files.createDirectories(target);
    if (!hostFiles) {
      Files.setPosixFilePermissions(dir.volumesDir(), PosixFilePermissions.fromString("rwx------"));
    }
    boolean secret = hostFiles && volume != null && volume.secret();
    Files.setPosixFilePermissions(
        target, PosixFilePermissions.fromString(secret ? "rwx------" : "rwxr-xr-x"));
    if (volume == null) {
      return;
    }
    for (VolumeFile file : volume.files()) {
      Path path = inside(target, file.path());
      Files.createDirectories(path.getParent());
      Files.write(path, file.content());
      Files.setPosixFilePermissions(path, permissions(fileMode(file, hostFiles)));
    }
  }

  /**
   * Returns a volume file's mode. For host processes, a secret file keeps only its owner's bits.
   */
  private static int fileMode(VolumeFile file, boolean hostFiles) {
    return hostFiles && file.secret() ? (file.mode() & 0700) | 0400 : file.mode();
  }

  /** Returns the files a volume contains now: as launched, or as last refreshed. */
  private ResolvedVolume volumeFiles(String volumeName) {
    ResolvedVolume refreshed = refreshedVolumes.get(volumeName);
    return refreshed != null ? refreshed : resolved.volumes().get(volumeName);
  }

  // ---- volume refresh ------------------------------------------------------------------------

  /** See {@link LocalPodProvider#refreshVolumes}. */
  CompletableFuture<Boolean> refreshVolumes(ResolvedPod fresh) {
    CompletableFuture<Boolean> done = new CompletableFuture<>();
    strand.execute(
        () -> {
          if (stopping || finished) {
            done.complete(false);
            return;
          }
          try {
            done.complete(rewriteVolumes(fresh));
          } catch (IOException | RuntimeException e) {
            LOG.warn("Cannot refresh the volumes of pod {}: {}", ref, e.toString());
            done.completeExceptionally(e);
          }
        });
    return done;
  }

  private boolean rewriteVolumes(ResolvedPod fresh) throws IOException {
    boolean hostFiles = runtime.hostProcesses();
    boolean changed = false;
    List<Volume> volumes =
        pod.getSpec().getVolumes() == null ? List.of() : pod.getSpec().getVolumes();
    for (Volume volume : volumes) {
      ResolvedVolume after = fresh.volumes().get(volume.getName());
      ResolvedVolume before = volumeFiles(volume.getName());
      if (after == null || before == null || after.files().equals(before.files())) {
        continue;
      }
      refreshedVolumes.put(volume.getName(), after);
      Sharing sharing = hostFiles ? sharing(volume.getName()) : new Sharing(null, false, null);
      rewriteFiles(dir.volume(volume.getName()), before, after, hostFiles, sharing);
      changed = true;
    }
    return changed;
  }

  /**
   * Writes each changed file to a temporary file beside it, gives it its mode and owner, and
   * renames it over the old one, so that a reader sees either the old or the new content. Files no
   * longer in the volume are deleted, with the directories they leave empty.
   */
  private static void rewriteFiles(
      Path target, ResolvedVolume before, ResolvedVolume after, boolean hostFiles, Sharing sharing)
      throws IOException {
    Map<String, VolumeFile> old = new HashMap<>();
    before.files().forEach(file -> old.put(file.path(), file));
    for (VolumeFile file : after.files()) {
      VolumeFile previous = old.remove(file.path());
      if (file.equals(previous)) {
        continue;
      }
      Path path = inside(target, file.path());
      createShared(path.getParent(), target, sharing);
      Path temp = Files.createTempFile(path.getParent(), ".nodeless-", ".tmp");
      try {
        Files.write(temp, file.content());
        Files.setPosixFilePermissions(temp, permissions(fileMode(file, hostFiles)));
        sharing.apply(temp);
        Files.move(temp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(temp);
      }
    }
    for (String gone : old.keySet()) {
      Path path = inside(target, gone);
      Files.deleteIfExists(path);
      for (Path parent = path.getParent(); !parent.equals(target); parent = parent.getParent()) {
        try (Stream<Path> entries = Files.list(parent)) {
          if (entries.findAny().isPresent()) {
            break;
          }
        }
        Files.delete(parent);
      }
    }
  }

  /** Creates the directories up to {@code directory} that are missing, shared like the volume. */
  private static void createShared(Path directory, Path target, Sharing sharing)
      throws IOException {
    if (Files.isDirectory(directory)) {
      return;
    }
    createShared(directory.getParent(), target, sharing);
    Files.createDirectory(directory);
    sharing.apply(directory);
  }

  private static Path inside(Path target, String relative) throws IOException {
    Path path = target.resolve(relative).normalize();
    if (!path.startsWith(target) || path.equals(target)) {
      throw new IOException("volume file path " + relative + " leaves the volume");
    }
    return path;
  }

  static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] order = {
      PosixFilePermission.OTHERS_EXECUTE,
      PosixFilePermission.OTHERS_WRITE,
      PosixFilePermission.OTHERS_READ,
      PosixFilePermission.GROUP_EXECUTE,
      PosixFilePermission.GROUP_WRITE,
      PosixFilePermission.GROUP_READ,
      PosixFilePermission.OWNER_EXECUTE,
      PosixFilePermission.OWNER_WRITE,
      PosixFilePermission.OWNER_READ
    };
    for (int bit = 0; bit < order.length; bit++) {
      if ((mode & (1 << bit)) != 0) {
        set.add(order[bit]);
      }
    }
    return set;
  }

  // ---- scheduling of containers --------------------------------------------------------------

  /** Starts whatever may start now and notices completion. Runs on the strand. */
  private void advance() {
    if (finished) {
      return;
    }
    if (!stopping && !initialized) {
      if (!advanceInit()) {
        publish();
        return;
      }
      initialized = true;
    }
    if (!stopping) {
      for (ContainerRun run : apps) {
        if (!run.everStarted && run.instance == null && run.restartTimer == null) {
          start(run);
        }
      }
      if (apps.stream().allMatch(ContainerRun::doneForGood)) {
        LOG.debug("All app containers of pod {} finished; stopping sidecars", ref);
        beginStopping(null);
      }
    }
    if (stopping) {
      continueStopping();
    }
    publish();
  }

  /** Walks the init containers in order; returns true once all are done. */
  private boolean advanceInit() {
    for (ContainerRun run : inits) {
      if (run.sidecar) {
        if (!run.everStarted && run.instance == null) {
          start(run);
        }
        if (!run.started) {
          return false;
        }
        continue;
      }
      if (run.succeeded()) {
        continue;
      }
      if (run.instance != null || run.restartTimer != null) {
        return false;
      }
      if (run.everStarted) {
        // Failed and not restarted: only under restartPolicy Never.
        LOG.info("Init container {} of pod {} failed; the pod failed", run.name(), ref);
        beginStopping(null);
        continueStopping();
        return false;
      }
      start(run);
      return false;
    }
    return true;
  }

  private void start(ContainerRun run) {
    String instanceId = ProcessRuntime.newInstanceId();
    ResolvedContainer spec = run.spec;
    List<String> command = new ArrayList<>(spec.command());
    command.addAll(spec.args());
    run.everStarted = true;
    run.started = false;
    run.ready = false;
    run.postStartDone = false;
    LogWriter log = new LogWriter(dir.logFile(run.name(), run.restartCount), provider.clock());
    RunningContainer instance;
    try {
      ContainerLaunch launch =
          new ContainerLaunch(
              ref,
              run.name(),
              instanceId,
              command,
              environment(spec),
              workingDir(spec.container()),
              mountsWithHosts(spec),
              memoryLimit(spec.container()),
              cpuLimit(spec.container()),
              dir.runDir(instanceId),
              log,
              spec,
              sandbox,
              pod.getSpec().getSecurityContext());
      instance = runtime.start(launch);
      run.waitingReason = null;
    } catch (ContainerWaitingException e) {
      waitToStart(run, e);
      return;
    } catch (IOException | RuntimeException e) {
      LOG.warn("Cannot start container {} of pod {}: {}", run.name(), ref, e.toString());
      Instant now = provider.clock().instant();
      try {
        log.markDone();
      } catch (IOException ignored) {
        LOG.debug("Cannot mark the log of {} done", run.name());
      }
      run.instance = null;
      onExit(
          run,
          null,
          new Exit(
              ContainerStates.START_ERROR_EXIT_CODE,
              ContainerStates.START_ERROR,
              e.getMessage(),
              now));
      return;
    }
    run.instance = instance;
    run.containerId = instance.id();
    run.imageId = instance.imageId();
    run.startedAt = instance.startedAt();
    // Recorded right after the status goes out, which this task publishes first.
    strand.execute(
        () -> {
          if (run.instance == instance) {
            rememberProcess(instanceId, instance.record());
          }
        });
    LOG.debug("Container {} of pod {} started as {}", run.name(), ref, instance.id());
    run.instanceId = instanceId;
    if (runtime.hostProcesses()) {
      // The exit completes on a log thread of this provider, so that thread runs the strand too.
      instance.exit().thenAccept(exit -> strand.executeHere(() -> onExit(run, instance, exit)));
    } else {
      instance.exit().thenAcceptAsync(exit -> onExit(run, instance, exit), strand);
    }

    if (instance.exit().isDone()) {
      // It never ran (a start error) or already ended; onExit reports it.
      return;
    }
    LifecycleHandler postStart =
        spec.container().getLifecycle() == null
            ? null
            : spec.container().getLifecycle().getPostStart();
    if (postStart == null) {
      markRunning(run);
      return;
    }
    runHook(postStart, run, instance, gracePeriod())
        .thenAcceptAsync(
            result -> {
              if (run.instance != instance || run.stopRequested) {
                return;
              }
              if (result.success()) {
                markRunning(run);
              } else {
                LOG.warn(
                    "PostStart hook of container {} in pod {} failed ({}); killing the container",
                    run.name(),
                    ref,
                    result.detail());
                run.killedForRestart = true;
                kill(run, gracePeriod());
              }
              publish();
              advance();
            },
            strand);
  }

  private void markRunning(ContainerRun run) {
    run.postStartDone = true;
    Container container = run.spec.container();
    run.started = container.getStartupProbe() == null;
    run.ready = run.started && container.getReadinessProbe() == null;
    if (container.getStartupProbe() != null) {
      ProbeWorker startup =
          new ProbeWorker(run, run.instance, ProbeKind.STARTUP, container.getStartupProbe());
      run.probes.add(startup);
      startup.start();
    } else {
      startRegularProbes(run);
    }
  }

  private void startRegularProbes(ContainerRun run) {
    Container container = run.spec.container();
    List<ProbeWorker> added = new ArrayList<>();
    if (container.getLivenessProbe() != null) {
      added.add(
          new ProbeWorker(run, run.instance, ProbeKind.LIVENESS, container.getLivenessProbe()));
    }
    if (container.getReadinessProbe() != null) {
      added.add(
          new ProbeWorker(run, run.instance, ProbeKind.READINESS, container.getReadinessProbe()));
    }
    run.probes.addAll(added);
    added.forEach(ProbeWorker::start);
  }

  private void onExit(ContainerRun run, RunningContainer instance, Exit exit) {
    if (instance != null && run.instance != instance) {
      return;
    }
    run.instance = null;
    run.stopProbes();
    if (run.killTimer != null) {
      run.killTimer.cancel(false);
      run.killTimer = null;
    }
    if (run.instanceId != null) {
      forgetProcess(run.instanceId);
    }
    run.killing = false;
    run.started = false;
    run.ready = false;
    run.lastExit = exit;
    run.state =
        ContainerStates.terminated(
            exit.exitCode(),
            exit.reason() == null
                ? ContainerStates.exitReason(exit.exitCode(), false)
                : exit.reason(),
            exit.message(),
            instance == null ? null : run.startedAt,
            exit.finishedAt(),
            run.containerId);
    LOG.debug(
        "Container {} of pod {} exited with code {}{}",
        run.name(),
        ref,
        exit.exitCode(),
        exit.reason() == null ? "" : " (" + exit.reason() + ")");
    boolean restart = !stopping && !run.stopRequested && shouldRestart(run, exit);
    run.killedForRestart = false;
    if (restart) {
      scheduleRestart(run, exit.finishedAt());
    }
    advance();
  }

  private boolean shouldRestart(ContainerRun run, Exit exit) {
    if (run.sidecar) {
      return true;
    }
    if (run.init) {
      return !"Never".equals(restartPolicy) && exit.exitCode() != 0;
    }
    if (run.killedForRestart) {
      return !"Never".equals(restartPolicy);
    }
    return "Always".equals(restartPolicy)
        || ("OnFailure".equals(restartPolicy) && exit.exitCode() != 0);
  }

  private void scheduleRestart(ContainerRun run, Instant finishedAt) {
    Instant now = provider.clock().instant();
    Duration delay = run.backOff.delay(finishedAt, now);
    if (delay.isZero()) {
      run.backOff.next(finishedAt);
      restartNow(run);
      return;
    }
    run.waitingBackOff = true;
    run.backOffMessage = ContainerStates.crashLoopMessage(run.backOff.current(), run.name(), ref);
    LOG.info("Container {} of pod {} is in back-off for {} ms", run.name(), ref, delay.toMillis());
    run.restartTimer =
        provider
            .scheduler()
            .schedule(
                () ->
                    strand.execute(
                        () -> {
                          run.restartTimer = null;
                          run.waitingBackOff = false;
                          if (stopping || finished) {
                            advance();
                            return;
                          }
                          run.backOff.next(finishedAt);
                          restartNow(run);
                          advance();
                        }),
                delay.toMillis(),
                TimeUnit.MILLISECONDS);
  }

  private void restartNow(ContainerRun run) {
    run.lastState = run.state;
    run.restartCount++;
    run.state = null;
    LOG.debug("Restarting container {} of pod {} (restart {})", run.name(), ref, run.restartCount);
    start(run);
  }

  /**
   * The runtime cannot create the container yet, such as when its image cannot be pulled: it waits
   * with the kubelet's reason, shows the back-off reason while the supervisor waits, then tries
   * again. Restart counts do not change, as no container ran.
   */
  private void waitToStart(ContainerRun run, ContainerWaitingException e) {
    LOG.info("Container {} of pod {} cannot start yet: {}", run.name(), ref, e.getMessage());
    run.instance = null;
    run.waitingReason = e.reason();
    run.waitingMessage = e.getMessage();
    publish();
    run.pullBackOff.next(provider.clock().instant());
    Duration delay = run.pullBackOff.current();
    String backOffMessage =
        e.reason().equals(e.backOffReason())
            ? e.getMessage()
            : "Back-off pulling image \"" + run.spec.container().getImage() + "\"";
    run.restartTimer =
        provider
            .scheduler()
            .schedule(
                () ->
                    strand.execute(
                        () -> {
                          run.restartTimer = null;
                          if (stopping || finished) {
                            advance();
                            return;
                          }
                          start(run);
                          advance();
                        }),
                delay.toMillis(),
                TimeUnit.MILLISECONDS);
    provider
        .scheduler()
        .schedule(
            () ->
                strand.execute(
                    () -> {
                      if (run.instance == null
                          && run.restartTimer != null
                          && e.reason().equals(run.waitingReason)) {
                        run.waitingReason = e.backOffReason();
                        run.waitingMessage = backOffMessage;
                        publish();
                      }
                    }),
            Math.min(delay.toMillis() / 2, 1000),
            TimeUnit.MILLISECONDS);
  }

  // ---- active deadline -----------------------------------------------------------------------

  /** Stops the pod once {@code activeDeadlineSeconds} have passed since it started. */
  private void scheduleDeadline() {
    Long seconds = pod.getSpec().getActiveDeadlineSeconds();
    if (seconds == null) {
      return;
    }
    Duration delay = PodLauncher.capGracePeriod(Duration.ofSeconds(seconds));
    deadlineTimer =
        provider
            .scheduler()
            .schedule(
                () -> strand.execute(this::deadlineExceeded),
                delay.toMillis(),
                TimeUnit.MILLISECONDS);
  }

  /**
   * Fails the pod with reason {@code DeadlineExceeded} and stops its containers with their grace
   * period, as the kubelet does. Runs on the strand.
   */
  private void deadlineExceeded() {
    if (finished || stopping) {
      return;
    }
    LOG.info(
        "Pod {} ran longer than its activeDeadlineSeconds of {} s; stopping it",
        ref,
        pod.getSpec().getActiveDeadlineSeconds());
    deadlineExceeded = true;
    terminating = true;
    beginStopping(null);
    continueStopping();
    publish();
  }

  // ---- stopping ------------------------------------------------------------------------------

  /**
   * Stops the pod: no container starts again, app containers and init containers stop now, and
   * sidecars stop after them in reverse order.
   *
   * @param grace the grace period for each container, or null for the pod's own
   */
  private void beginStopping(Duration grace) {
    if (!stopping) {
      stopping = true;
      deadline = provider.clock().instant().plus(grace == null ? gracePeriod() : grace);
    }
    for (ContainerRun run : all()) {
      if (run.restartTimer != null) {
        run.restartTimer.cancel(false);
        run.restartTimer = null;
      }
    }
    for (ContainerRun run : all()) {
      if (!run.sidecar && run.instance != null) {
        kill(run, remainingGrace());
      }
    }
  }

  private void continueStopping() {
    boolean othersRunning = all().stream().anyMatch(run -> !run.sidecar && run.instance != null);
    if (othersRunning) {
      return;
    }
    for (int i = inits.size() - 1; i >= 0; i--) {
      ContainerRun run = inits.get(i);
      if (run.sidecar && run.instance != null) {
        kill(run, remainingGrace());
        return;
      }
    }
    finish();
  }

  private Duration remainingGrace() {
    Duration left = Duration.between(provider.clock().instant(), deadline);
    return left.isNegative() ? Duration.ZERO : left;
  }

  /**
   * Terminates the pod as a deletion does: stops every container, then removes the pod's files
   * unless {@code keepFiles}.
   */
  CompletableFuture<Void> terminate(Duration grace, boolean keepFiles) {
    Runnable stop =
        () -> {
          if (finished) {
            if (!keepFiles) {
              removeFiles();
            }
            return;
          }
          LOG.info("Terminating pod {}", ref);
          terminating = true;
          removeWhenFinished |= !keepFiles;
          if (stopping) {
            Instant requested =
                provider.clock().instant().plus(grace == null ? gracePeriod() : grace);
            if (requested.isBefore(deadline)) {
              deadline = requested;
            }
          }
          // A zero grace period cuts short the graceful stops already under way; the stops that
          // begin now send SIGKILL themselves.
          List<ContainerRun> alreadyKilling =
              all().stream().filter(run -> run.killing && run.instance != null).toList();
          beginStopping(grace);
          if (grace != null && grace.isZero()) {
            for (ContainerRun run : alreadyKilling) {
              if (run.instance != null) {
                run.instance.signal(true);
              }
            }
          }
          continueStopping();
          publish();
        };
    if (runtime.hostProcesses()) {
      // Signalling host processes takes a few system calls, so it runs on the caller's thread when
      // the strand is idle, which saves a hand-off.
      strand.executeHere(stop);
    } else {
      strand.execute(stop);
    }
    return finishedFuture;
  }

  /** PreStop hook, SIGTERM, then SIGKILL when the grace period ends. Runs on the strand. */
  private void kill(ContainerRun run, Duration grace) {
    RunningContainer instance = run.instance;
    if (instance == null || run.killing) {
      return;
    }
    run.killing = true;
    run.stopRequested |= stopping;
    run.stopProbes();
    LifecycleHandler preStop =
        run.spec.container().getLifecycle() == null
            ? null
            : run.spec.container().getLifecycle().getPreStop();
    if (grace.isZero()) {
      instance.signal(true);
      return;
    }
    Instant begin = provider.clock().instant();
    CompletableFuture<Void> hook =
        preStop == null || !run.postStartDone
            ? CompletableFuture.completedFuture(null)
            : runHook(preStop, run, instance, grace)
                .thenAccept(
                    result -> {
                      if (!result.success()) {
                        LOG.warn(
                            "PreStop hook of container {} in pod {} failed: {}",
                            run.name(),
                            ref,
                            result.detail());
                      }
                    });
    Runnable term =
        () -> {
          if (run.instance != instance) {
            return;
          }
          Duration left = grace.minus(Duration.between(begin, provider.clock().instant()));
          if (preStop != null && left.compareTo(MINIMUM_GRACE) < 0) {
            left = MINIMUM_GRACE;
          }
          instance.signal(false);
          run.killTimer =
              provider
                  .scheduler()
                  .schedule(
                      () -> {
                        LOG.info(
                            "Container {} of pod {} outlived its grace period; sending SIGKILL",
                            run.name(),
                            ref);
                        instance.signal(true);
                      },
                      Math.max(0, left.toMillis()),
                      TimeUnit.MILLISECONDS);
        };
    if (hook.isDone()) {
      // No hook to wait for, and this already runs on the strand.
      term.run();
    } else {
      hook.thenRunAsync(term, strand);
    }
  }

  private void finish() {
    if (finished) {
      return;
    }
    finished = true;
    if (deadlineTimer != null) {
      deadlineTimer.cancel(false);
    }
    publish();
    LOG.info("Pod {} finished in phase {}", ref, lastStatus.getPhase());
    sandbox.close();
    if (!removeWhenFinished) {
      // What stays for the CLI and observers: the pod, its status and its logs.
      try {
        dir.deleteVolumes();
        Files.deleteIfExists(dir.processesFile());
      } catch (IOException e) {
        LOG.warn("Cannot remove the volumes of pod {}: {}", ref, e.toString());
      }
    }
    dir.unlock();
    if (removeWhenFinished) {
      removeFiles();
    }
    provider.onFinished(this);
    finishedFuture.complete(null);
  }

  private void removeFiles() {
    try {
      dir.remove(provider.workPool());
      LOG.debug("Removed the files of pod {}", ref);
    } catch (IOException e) {
      LOG.warn("Cannot remove the files of pod {} in {}: {}", ref, dir.root(), e.toString());
    }
  }

  // ---- hooks and probes ----------------------------------------------------------------------

  private CompletableFuture<Probes.Result> runHook(
      LifecycleHandler handler, ContainerRun run, RunningContainer instance, Duration timeout) {
    if (handler.getSleep() != null && handler.getSleep().getSeconds() != null) {
      CompletableFuture<Probes.Result> slept = new CompletableFuture<>();
      long millis = Math.min(handler.getSleep().getSeconds() * 1000, timeout.toMillis());
      provider
          .scheduler()
          .schedule(
              () -> slept.complete(new Probes.Result(true, "slept")),
              millis,
              TimeUnit.MILLISECONDS);
      return slept;
    }
    if (handler.getExec() == null && handler.getHttpGet() == null) {
      // The kubelet does not run tcpSocket lifecycle handlers either.
      return CompletableFuture.completedFuture(new Probes.Result(true, "no action to run"));
    }
    return provider
        .probes()
        .run(
            handler.getExec(), handler.getHttpGet(), null, instance, run.spec.container(), timeout);
  }

  enum ProbeKind {
    STARTUP,
    LIVENESS,
    READINESS
  }

  /** Runs one probe of one instance with the kubelet's timing and thresholds. */
  private final class ProbeWorker {
    private final ContainerRun run;
    private final RunningContainer instance;
    private final ProbeKind kind;
    private final Probe probe;
    private Boolean lastResult;
    private int streak;
    private boolean stopped;
    private ScheduledFuture<?> timer;

    ProbeWorker(ContainerRun run, RunningContainer instance, ProbeKind kind, Probe probe) {
      this.run = run;
      this.instance = instance;
      this.kind = kind;
      this.probe = probe;
    }

    void start() {
      schedule(Duration.ofSeconds(value(probe.getInitialDelaySeconds(), 0)));
    }

    void stop() {
      stopped = true;
      if (timer != null) {
        timer.cancel(false);
      }
    }

    private void schedule(Duration delay) {
      if (stopped) {
        return;
      }
      timer =
          provider
              .scheduler()
              .schedule(
                  () -> strand.execute(this::probeOnce), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void probeOnce() {
      if (stopped || run.instance != instance) {
        return;
      }
      Instant begin = provider.clock().instant();
      Duration timeout = Duration.ofSeconds(Math.max(1, value(probe.getTimeoutSeconds(), 1)));
      provider
          .probes()
          .run(
              probe.getExec(),
              probe.getHttpGet(),
              probe.getTcpSocket(),
              instance,
              run.spec.container(),
              timeout)
          .thenAcceptAsync(result -> onResult(result, begin), strand);
    }

    private void onResult(Probes.Result result, Instant begin) {
      if (stopped || run.instance != instance) {
        return;
      }
      LOG.debug("{} probe of {} in pod {}: {}", kind, run.name(), ref, result.detail());
      if (lastResult != null && lastResult == result.success()) {
        streak++;
      } else {
        lastResult = result.success();
        streak = 1;
      }
      int successThreshold = value(probe.getSuccessThreshold(), 1);
      int failureThreshold = value(probe.getFailureThreshold(), 3);
      if (result.success() && streak >= successThreshold) {
        succeeded();
      } else if (!result.success() && streak >= failureThreshold) {
        failed(result);
      }
      if (!stopped) {
        Duration period = Duration.ofSeconds(Math.max(1, value(probe.getPeriodSeconds(), 10)));
        Duration elapsed = Duration.between(begin, provider.clock().instant());
        Duration next = period.minus(elapsed);
        schedule(next.isNegative() ? Duration.ZERO : next);
      }
      publish();
    }

    private void succeeded() {
      switch (kind) {
        case STARTUP -> {
          stop();
          run.probes.remove(this);
          run.started = true;
          run.ready = run.spec.container().getReadinessProbe() == null;
          startRegularProbes(run);
          advance();
        }
        case READINESS -> run.ready = true;
        case LIVENESS -> {}
      }
    }

    private void failed(Probes.Result result) {
      switch (kind) {
        case READINESS -> run.ready = false;
        case STARTUP, LIVENESS -> {
          LOG.info(
              "Container {} of pod {} failed its {} probe ({}); restarting it",
              run.name(),
              ref,
              kind.name().toLowerCase(java.util.Locale.ROOT),
              result.detail());
          run.killedForRestart = true;
          Long probeGrace = probe.getTerminationGracePeriodSeconds();
          kill(run, graceOf(probeGrace, gracePeriod()));
        }
      }
    }
  }

  private static int value(Integer value, int fallback) {
    return value == null || value <= 0 ? fallback : value;
  }

  // ---- status --------------------------------------------------------------------------------

  /** Computes the status and reports it when it changed. Runs on the strand. */
  private void publish() {
    if (startTime == null) {
      return;
    }
    boolean hasInits = !inits.isEmpty();
    KubeletStatus status =
        KubeletStatus.of(pod)
            .previous(lastStatus)
            .terminal(terminating && all().stream().allMatch(run -> run.instance == null))
            .hostIp(LOCAL_IP)
            .podIp(LOCAL_IP)
            .startTime(startTime);
    if (deadlineExceeded) {
      status.failed(
          "DeadlineExceeded", "Pod was active on the node longer than the specified deadline");
    }
    for (ContainerRun run : all()) {
      status.container(run.status(hasInits));
    }
    PodStatus computed = status.compute(provider.clock().instant());
    if (computed.equals(lastStatus)) {
      return;
    }
    lastStatus = computed;
    provider.statusChanged(ref, computed);
    if (finished) {
      writeStatusFile();
    } else if (!statusWriteScheduled) {
      statusWriteScheduled = true;
      provider
          .scheduler()
          .schedule(
              () -> strand.execute(this::writeStatusFile),
              STATUS_FILE_DELAY.toMillis(),
              TimeUnit.MILLISECONDS);
    }
  }

  /** Writes the latest status unless the file has it, or the pod's files are being removed. */
  private void writeStatusFile() {
    statusWriteScheduled = false;
    if (lastStatus == null
        || lastStatus.equals(writtenStatus)
        || (finished && removeWhenFinished)) {
      return;
    }
    try {
      dir.writeStatus(lastStatus);
      writtenStatus = lastStatus;
    } catch (IOException e) {
      LOG.warn("Cannot write the status file of pod {}: {}", ref, e.toString());
    }
  }

  // ---- container settings --------------------------------------------------------------------

  private Map<String, String> environment(ResolvedContainer spec) {
    Map<String, String> env = new LinkedHashMap<>();
    if (!runtime.hostProcesses()) {
      // The image and the engine provide PATH, HOME and HOSTNAME.
      spec.env().forEach(value -> env.put(value.name(), value.value()));
      return env;
    }
    env.put("PATH", DEFAULT_PATH);
    env.put("HOME", System.getProperty("user.home", "/"));
    String hostname = pod.getSpec().getHostname();
    env.put("HOSTNAME", hostname == null || hostname.isEmpty() ? hostnameOf(ref.name()) : hostname);
    for (EnvValue value : spec.env()) {
      env.put(value.name(), value.value());
    }
    return env;
  }

  private static String workingDir(Container container) {
    String dir = container.getWorkingDir();
    return dir == null || dir.isEmpty() ? "/" : dir;
  }

  private List<Mount> mounts(ResolvedContainer resolvedContainer) throws IOException {
    Container container = resolvedContainer.container();
    List<Mount> mounts = new ArrayList<>();
    if (container.getVolumeMounts() == null) {
      return mounts;
    }
    Map<String, Volume> volumes = new LinkedHashMap<>();
    if (pod.getSpec().getVolumes() != null) {
      pod.getSpec().getVolumes().forEach(volume -> volumes.put(volume.getName(), volume));
    }
    for (VolumeMount mount : container.getVolumeMounts()) {
      Volume volume = volumes.get(mount.getName());
      if (volume == null) {
        throw new IOException("volume " + mount.getName() + " is not defined in spec.volumes");
      }
      boolean managed = volume.getHostPath() == null;
      Path source =
          managed ? dir.volume(volume.getName()) : Path.of(volume.getHostPath().getPath());
      String subPath = resolvedContainer.subPath(mount);
      if (!subPath.isEmpty()) {
        Path sub = source.resolve(subPath).normalize();
        if (!sub.startsWith(source)) {
          // Names the field, not the path: an expanded subPathExpr may hold a secret value.
          throw new IOException("the sub-path of volume mount " + mount.getName() + " leaves it");
        }
        if (!Files.exists(sub)) {
          Files.createDirectories(sub);
        }
        source = sub;
      }
      boolean alwaysReadOnly =
          volume.getConfigMap() != null
              || volume.getSecret() != null
              || volume.getDownwardAPI() != null
              || volume.getProjected() != null;
      mounts.add(
          new Mount(
              source,
              mount.getMountPath(),
              alwaysReadOnly || Boolean.TRUE.equals(mount.getReadOnly()),
              Files.isDirectory(source)));
    }
    return mounts;
  }

  /**
   * Returns the host name the kubelet derives from a pod name: at most 63 characters, without a
   * trailing '-' or '.' that the cut would leave.
   */
  static String hostnameOf(String podName) {
    if (podName.length() <= 63) {
      return podName;
    }
    String cut = podName.substring(0, 63);
    int end = cut.length();
    while (end > 0 && (cut.charAt(end - 1) == '-' || cut.charAt(end - 1) == '.')) {
      end--;
    }
    return cut.substring(0, end);
  }

  /** Returns the container's mounts, with the pod's hosts file unless a volume covers it. */
  private List<Mount> mountsWithHosts(ResolvedContainer container) throws IOException {
    List<Mount> mounts = mounts(container);
    if (runtime.hostProcesses()
        && hasHostAliases()
        && mounts.stream().noneMatch(mount -> mount.target().equals("/etc/hosts"))) {
      mounts.add(new Mount(dir.hostsFile(), "/etc/hosts", false, false));
    }
    return mounts;
  }

  /**
   * Returns the memory limit to enforce, or {@code null}. A limit at or above the memory this JVM
   * can use (the host's, or its own cgroup's) can never bind, and one near 2^63 bytes is more than
   * a cgroup takes, so neither is written.
   */
  private static Long memoryLimit(Container container) {
    Quantity quantity = limitOf(container, "memory");
    if (quantity == null) {
      return null;
    }
    BigDecimal bytes = Quantity.getAmountInBytes(quantity);
    return bytes.compareTo(BigDecimal.valueOf(HostCapacity.MEMORY_BYTES)) >= 0
        ? null
        : bytes.longValue();
  }

  /**
   * Returns the CPU limit to enforce, or {@code null} for one at or above the CPUs this JVM has.
   */
  private static BigDecimal cpuLimit(Container container) {
    Quantity quantity = limitOf(container, "cpu");
    if (quantity == null) {
      return null;
    }
    BigDecimal cores = Quantity.getAmountInBytes(quantity);
    return cores.compareTo(BigDecimal.valueOf(HostCapacity.CPUS)) >= 0 ? null : cores;
  }

  private static Quantity limitOf(Container container, String resource) {
    if (container.getResources() == null || container.getResources().getLimits() == null) {
      return null;
    }
    return container.getResources().getLimits().get(resource);
  }

  /** The memory and CPUs this JVM can use, read once. */
  private static final class HostCapacity {
    static final long MEMORY_BYTES =
        ((com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean())
            .getTotalMemorySize();
    static final int CPUS = Runtime.getRuntime().availableProcessors();
  }

  /** Returns the pod's {@code terminationGracePeriodSeconds}, 30 s when unset. */
  Duration gracePeriod() {
    return graceOf(pod.getSpec().getTerminationGracePeriodSeconds(), Duration.ofSeconds(30));
  }

  /** Returns a grace period in seconds, at most {@link PodLauncher#MAX_GRACE_PERIOD}. */
  private static Duration graceOf(Long seconds, Duration unset) {
    return seconds == null ? unset : PodLauncher.capGracePeriod(Duration.ofSeconds(seconds));
  }

  private void rememberProcess(String instanceId, String record) {
    if (!record.isEmpty()) {
      processRecords.put(instanceId, record);
      processesChanged = true;
    }
    writePodAndProcesses();
  }

  /**
   * Forgets a stopped instance. The file keeps its record until the next write: a stale record is
   * harmless because recovery checks the PID's start time before it signals.
   */
  private void forgetProcess(String instanceId) {
    processRecords.remove(instanceId);
  }

  private void writeProcesses() {
    if (!processesChanged) {
      return;
    }
    processesChanged = false;
    try {
      dir.writeProcesses(processRecords);
    } catch (IOException e) {
      LOG.warn("Cannot write the process list of pod {}: {}", ref, e.toString());
    }
  }

  private List<ContainerRun> all() {
    List<ContainerRun> all = new ArrayList<>(inits);
    all.addAll(apps);
    return all;
  }

  // ---- per-container state -------------------------------------------------------------------

  /** The state of one container of the pod across its restarts. */
  private final class ContainerRun {
    final ResolvedContainer spec;
    final boolean init;
    final boolean sidecar;
    final BackOff backOff;
    final BackOff pullBackOff;
    final List<ProbeWorker> probes = new ArrayList<>();
    int restartCount;
    RunningContainer instance;
    String instanceId;
    String containerId;
    Instant startedAt;
    ContainerState state;
    ContainerState lastState;
    Exit lastExit;
    boolean everStarted;
    boolean postStartDone;
    boolean started;
    boolean ready;
    boolean killing;
    boolean killedForRestart;
    boolean stopRequested;
    boolean waitingBackOff;
    String backOffMessage;
    String waitingReason;
    String waitingMessage;
    String imageId;
    ScheduledFuture<?> restartTimer;
    ScheduledFuture<?> killTimer;

    ContainerRun(ResolvedContainer spec) {
      this.spec = spec;
      this.init = spec.init();
      this.sidecar = spec.sidecar();
      LocalSettings settings = provider.settings();
      this.backOff =
          new BackOff(settings.backOffInitial(), settings.backOffMax(), settings.backOffReset());
      this.pullBackOff =
          new BackOff(settings.backOffInitial(), settings.backOffMax(), settings.backOffReset());
    }

    String name() {
      return spec.name();
    }

    boolean succeeded() {
      return instance == null
          && restartTimer == null
          && lastExit != null
          && lastExit.exitCode() == 0
          && state != null
          && state.getTerminated() != null;
    }

    /** Whether this app container stopped and will not start again. */
    boolean doneForGood() {
      return everStarted && instance == null && restartTimer == null;
    }

    void stopProbes() {
      probes.forEach(ProbeWorker::stop);
      probes.clear();
    }

    ContainerStatus status(boolean podHasInits) {
      if (!everStarted) {
        return ContainerStates.notCreatedStatus(name(), spec.container().getImage(), podHasInits);
      }
      ContainerState current;
      String id = null;
      if (waitingReason != null && instance == null) {
        current = ContainerStates.waiting(waitingReason, waitingMessage);
      } else if (waitingBackOff) {
        current = ContainerStates.waiting(ContainerStates.CRASH_LOOP_BACK_OFF, backOffMessage);
      } else if (instance != null && postStartDone) {
        current = ContainerStates.running(startedAt);
        id = containerId;
      } else if (instance != null || state == null) {
        current = ContainerStates.notCreated(podHasInits);
      } else {
        current = state;
        id = containerId;
      }
      ContainerState last;
      if (waitingBackOff) {
        last = state;
      } else if (lastState != null) {
        last = lastState;
      } else {
        last = new ContainerState();
      }
      boolean initDone =
          init
              && !sidecar
              && current.getTerminated() != null
              && current.getTerminated().getExitCode() == 0;
      return new ContainerStatusBuilder()
          .withName(name())
          .withImage(spec.container().getImage() == null ? "" : spec.container().getImage())
          .withImageID(id == null || imageId == null ? "" : imageId)
          .withContainerID(id)
          .withReady(ready || initDone)
          .withStarted(instance != null && started)
          .withRestartCount(restartCount)
          .withState(current)
          .withLastState(last)
          .build();
    }
  }
}
