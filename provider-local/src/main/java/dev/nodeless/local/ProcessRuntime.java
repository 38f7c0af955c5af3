package dev.nodeless.local;

import dev.nodeless.ValidationProblem;
import dev.nodeless.local.Cgroups.InstanceCgroup;
import dev.nodeless.spi.ContainerStates;
import dev.nodeless.spi.ResolvedPod;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each container instance as a host process tree in a new session (via {@link Spawner}, or
 * {@code setsid} where it is not available), in a private mount namespace (via {@code unshare})
 * when it has volume mounts, and in its own cgroups when it has limits that the host can enforce.
 * The image is ignored: the command runs from the host's file system.
 */
final class ProcessRuntime implements ContainerRuntime {
  private static final Logger LOG = LoggerFactory.getLogger(ProcessRuntime.class);
  private static final int MAX_EXEC_OUTPUT = 10 * 1024;

  /** How long the output of a stopped instance may take to drain before it is cut off. */
  private static final Duration OUTPUT_DRAIN = Duration.ofSeconds(2);

  private final Tools tools;
  private final boolean mountNamespaces;
  private final Optional<Cgroups> cgroups;
  private final Optional<Spawner> spawner;
  private final ExecutorService logThreads;
  private final ScheduledExecutorService scheduler;
  private final Clock clock;
  private final AtomicLong execCounter = new AtomicLong();

  ProcessRuntime(
      Tools tools,
      boolean mountNamespaces,
      Optional<Cgroups> cgroups,
      Optional<Spawner> spawner,
      ExecutorService logThreads,
      ScheduledExecutorService scheduler,
      Clock clock) {
    this.tools = tools;
    this.mountNamespaces = mountNamespaces;
    this.cgroups = cgroups;
    this.spawner = spawner;
    this.logThreads = logThreads;
    this.scheduler = scheduler;
    this.clock = clock;
  }

  @Override
  public String name() {
    return "local";
  }

  boolean mountNamespaces() {
    return mountNamespaces;
  }

  boolean enforcesLimits() {
    return cgroups.isPresent();
  }

  @Override
  public List<ValidationProblem> validate(ResolvedPod pod) {
    return LocalValidator.validate(pod, mountNamespaces, tools.setpriv() != null);
  }

  @Override
  public RunningContainer start(ContainerLaunch launch) throws IOException {
    String id = name() + "://" + launch.instanceId();
    launch.log().create();
    Path startError = launch.runDir().resolve("start-error");

    boolean namespace =
        !launch.mounts().isEmpty() || !Files.isDirectory(Path.of(launch.workingDir()));
    InstanceCgroup cgroup = null;
    if (cgroups.isPresent()
        && (launch.memoryLimitBytes() != null || launch.cpuLimitCores() != null)) {
      cgroup =
          cgroups
              .get()
              .create(
                  "nodeless-" + launch.instanceId(),
                  launch.memoryLimitBytes(),
                  launch.cpuLimitCores());
    }
    boolean script = namespace || cgroup != null;
    if (script) {
      Files.createDirectories(launch.runDir());
    }
    List<String> privileges = privileges(launch);
    List<String> argv = new ArrayList<>();
    if (namespace) {
      argv.addAll(List.of(tools.unshare(), "--mount", "--propagation", "private"));
    }
    if (script) {
      argv.addAll(
          List.of(
              tools.sh(),
              "-c",
              StartScript.build(
                  cgroup == null ? List.of() : cgroup.procsFiles(),
                  launch.mounts(),
                  launch.workingDir(),
                  launch.runDir(),
                  startError,
                  privileges),
              "nodeless-start"));
      if (namespace) {
        Files.createDirectories(launch.runDir().resolve("root"));
        Files.createDirectories(launch.runDir().resolve("layers"));
      }
    }
    if (!script) {
      argv.addAll(privileges);
    }
    argv.addAll(launch.command());
    String executable = argv.get(0);
    if (!script) {
      // The container's own command must exist, also when setpriv runs first and executes it.
      String command = launch.command().get(0);
      String found = findExecutable(command, launch.env());
      if (found == null) {
        launch.log().markDone();
        return StoppedContainer.startError(
            id, clock.instant(), missingMessage(command, launch.env()));
      }
      executable = privileges.isEmpty() ? found : privileges.get(0);
    }
    String directory = script ? "/" : launch.workingDir();
    Child child;
    try {
      child =
          spawner.isPresent()
              ? Child.of(spawner.get().spawn(executable, argv, launch.env(), directory))
              : Child.of(startWithSetsid(argv, launch.env(), directory), logThreads);
    } catch (IOException e) {
      if (cgroup != null) {
        cgroup.remove();
      }
      throw e;
    }
    Instant startedAt = clock.instant();
    ProcessContainer container =
        new ProcessContainer(
            id, child, startedAt, cgroup, launch, namespace, startError, privileges);
    container.watch();
    LOG.debug("Started {} of pod {} as pid {}", launch.containerName(), launch.pod(), child.pid());
    return container;
  }

  /**
   * Returns the {@code setpriv} command and options that apply the container's user, groups,
   * no_new_privs and capabilities, or an empty list when it needs none of them.
   */
  private List<String> privileges(ContainerLaunch launch) {
    List<String> options =
        Privileges.setprivOptions(
            launch.podSecurityContext(), launch.spec().container().getSecurityContext());
    if (options.isEmpty()) {
      return List.of();
    }
    List<String> command = new ArrayList<>();
    command.add(tools.setpriv());
    command.addAll(options);
    return List.copyOf(command);
  }

  private Process startWithSetsid(List<String> argv, Map<String, String> env, String directory)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(tools.setsid());
    command.addAll(argv);
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().clear();
    builder.environment().putAll(env);
    builder.directory(new File(directory));
    builder.redirectErrorStream(true);
    builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    return builder.start();
  }

  /** A started container process, from the spawner or from {@link ProcessBuilder}. */
  private record Child(
      long pid,
      Function<LogWriter, CompletableFuture<Void>> logPump,
      Supplier<Instant> processStart,
      CompletableFuture<Integer> exitCode) {
    static Child of(Spawner.Child child) {
      return new Child(child.pid(), child::pumpTo, child::startInstant, child.exit());
    }

    static Child of(Process process, Executor logThreads) {
      Instant start = process.toHandle().info().startInstant().orElse(null);
      return new Child(
          process.pid(),
          log ->
              CompletableFuture.runAsync(
                  () -> {
                    try {
                      log.pump(process.getInputStream());
                    } catch (IOException e) {
                      throw new UncheckedIOException(e);
                    }
                  },
                  logThreads),
          () -> start,
          process.onExit().thenApply(Process::exitValue));
    }
  }

  /**
   * Finds the program as {@code execvp} would with the container's {@code PATH}; returns null when
   * there is none.
   */
  private static String findExecutable(String command, Map<String, String> env) {
    if (command.contains("/")) {
      Path path = Path.of(command);
      return Files.isExecutable(path) && !Files.isDirectory(path) ? command : null;
    }
    String path = env.getOrDefault("PATH", "");
    for (String dir : path.split(":")) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, command);
      if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
        return candidate.toString();
      }
    }
    return null;
  }

  /** Returns the start-error message the kubelet shows when the command cannot be executed. */
  private static String missingMessage(String command, Map<String, String> env) {
    return command.contains("/")
        ? "exec: \"" + command + "\": stat " + command + ": no such file or directory"
        : "exec: \"" + command + "\": executable file not found in $PATH";
  }

  @Override
  public int killLeftover(String record) {
    LeftoverRecord leftover = LeftoverRecord.parse(record);
    if (leftover == null) {
      return 0;
    }
    Set<Long> cgroupPids = leftover.cgroup() == null ? Set.of() : leftover.cgroup().pids();
    int signalled = ProcessTree.signal(leftover.pid(), leftover.start(), cgroupPids, true);
    InstanceCgroup cgroup = leftover.cgroup();
    if (cgroup != null) {
      // Removed here once its killed processes are gone, because a short-lived caller such as
      // nodeless ls may exit before a scheduled removal would run.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
      while (!cgroup.pids().isEmpty() && System.nanoTime() < deadline) {
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      if (cgroup.pids().isEmpty()) {
        cgroup.remove();
      } else {
        scheduler.schedule(cgroup::remove, 1, TimeUnit.SECONDS);
      }
    }
    return signalled;
  }

  @Override
  public void close() {
    // Instances belong to their supervisors, which stop them before the runtime closes.
    spawner.ifPresent(Spawner::close);
  }

  /** The PID, start time and cgroup of an instance, as stored for crash recovery. */
  record LeftoverRecord(long pid, Instant start, InstanceCgroup cgroup) {
    String format() {
      return "pid="
          + pid
          + " start="
          + (start == null ? 0 : start.toEpochMilli())
          + (cgroup == null ? "" : " cgroup=" + cgroup.toRecord());
    }

    static LeftoverRecord parse(String record) {
      long pid = -1;
      Instant start = null;
      InstanceCgroup cgroup = null;
      for (String field : record.trim().split(" ")) {
        int equals = field.indexOf('=');
        if (equals < 0) {
          continue;
        }
        String key = field.substring(0, equals);
        String value = field.substring(equals + 1);
        switch (key) {
          case "pid" -> pid = Long.parseLong(value);
          case "start" ->
              start = value.equals("0") ? null : Instant.ofEpochMilli(Long.parseLong(value));
          case "cgroup" -> cgroup = InstanceCgroup.fromRecord(value);
          default -> {}
        }
      }
      return pid <= 0 ? null : new LeftoverRecord(pid, start, cgroup);
    }
  }

  /** A running instance: the process tree of one session. */
  private final class ProcessContainer implements RunningContainer {
    private final String id;
    private final Child process;
    private final Instant startedAt;
    private final InstanceCgroup cgroup;
    private final ContainerLaunch launch;
    private final boolean namespace;
    private final Path startError;
    private final List<String> privileges;
    private final CompletableFuture<Exit> exit = new CompletableFuture<>();
    private final CompletableFuture<Void> outputDone = new CompletableFuture<>();

    ProcessContainer(
        String id,
        Child process,
        Instant startedAt,
        InstanceCgroup cgroup,
        ContainerLaunch launch,
        boolean namespace,
        Path startError,
        List<String> privileges) {
      this.id = id;
      this.process = process;
      this.startedAt = startedAt;
      this.cgroup = cgroup;
      this.launch = launch;
      this.namespace = namespace;
      this.startError = startError;
      this.privileges = privileges;
    }

    void watch() {
      process
          .logPump()
          .apply(launch.log())
          .whenComplete(
              (ignored, error) -> {
                if (error != null) {
                  LOG.warn(
                      "Log of container {} in pod {} failed: {}",
                      launch.containerName(),
                      launch.pod(),
                      error.toString());
                }
                outputDone.complete(null);
              });
      process.exitCode().thenAccept(this::onProcessExit);
    }

    /**
     * The main process ended: like a container runtime, stop what is left of the instance, then
     * wait for the output to drain.
     */
    private void onProcessExit(int code) {
      Instant finishedAt = clock.instant();
      ProcessTree.signal(process.pid(), process.processStart().get(), cgroupPids(), true);
      outputDone
          .completeOnTimeout(null, OUTPUT_DRAIN.toMillis(), TimeUnit.MILLISECONDS)
          .whenComplete(
              (ignored, error) -> {
                int exitCode = code;
                String reason = null;
                String message = null;
                if (Files.exists(startError)) {
                  exitCode = ContainerStates.START_ERROR_EXIT_CODE;
                  reason = ContainerStates.START_ERROR;
                  message = readQuietly(startError);
                } else if (cgroup != null && cgroup.oomKilled()) {
                  reason = ContainerStates.OOM_KILLED;
                }
                if (cgroup != null) {
                  cgroup.remove();
                }
                exit.complete(new Exit(exitCode, reason, message, finishedAt));
              });
    }

    private Set<Long> cgroupPids() {
      return cgroup == null ? Set.of() : cgroup.pids();
    }

    @Override
    public String id() {
      return id;
    }

    @Override
    public Instant startedAt() {
      return startedAt;
    }

    @Override
    public CompletableFuture<Exit> exit() {
      return exit;
    }

    @Override
    public void signal(boolean force) {
      if (exit.isDone()) {
        return;
      }
      int count =
          ProcessTree.signal(process.pid(), process.processStart().get(), cgroupPids(), force);
      LOG.debug(
          "Sent {} to {} processes of container {} in pod {}",
          force ? "SIGKILL" : "SIGTERM",
          count,
          launch.containerName(),
          launch.pod());
    }

    @Override
    public CompletableFuture<ExecResult> exec(List<String> command, Duration timeout) {
      List<String> argv = new ArrayList<>();
      argv.add(tools.setsid());
      if (cgroup != null) {
        // The command joins the instance's cgroup before it runs, as a command run by the CRI's
        // exec joins the container's, so its memory counts against the container's limit.
        StringBuilder join = new StringBuilder();
        for (Path procs : cgroup.procsFiles()) {
          join.append("echo $$ > ").append(StartScript.quote(procs.toString()));
          join.append(" || exit 126; ");
        }
        argv.addAll(
            List.of(tools.sh(), "-c", join.append("exec \"$@\"").toString(), "nodeless-exec"));
      }
      if (namespace) {
        argv.addAll(List.of(tools.nsenter(), "-t", Long.toString(process.pid()), "-m", "-r", "-w"));
      }
      argv.addAll(privileges);
      argv.addAll(command);
      Path output = launch.runDir().resolve("exec-" + execCounter.incrementAndGet() + ".out");
      try {
        Files.createDirectories(launch.runDir());
      } catch (IOException e) {
        return CompletableFuture.completedFuture(new ExecResult(-1, false, e.toString()));
      }
      ProcessBuilder builder = new ProcessBuilder(argv);
      builder.environment().clear();
      builder.environment().putAll(launch.env());
      builder.directory(new File(namespace ? "/" : launch.workingDir()));
      builder.redirectErrorStream(true);
      builder.redirectOutput(output.toFile());
      builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      Process exec;
      try {
        exec = builder.start();
      } catch (IOException e) {
        return CompletableFuture.completedFuture(new ExecResult(-1, false, e.getMessage()));
      }
      Instant execStart = exec.toHandle().info().startInstant().orElse(null);
      CompletableFuture<ExecResult> result = new CompletableFuture<>();
      var timer =
          scheduler.schedule(
              () -> {
                if (!result.isDone()) {
                  ProcessTree.signal(exec.pid(), execStart, Set.of(), true);
                  result.complete(new ExecResult(-1, true, readOutput(output)));
                }
              },
              timeout.toMillis(),
              TimeUnit.MILLISECONDS);
      exec.onExit()
          .thenRun(
              () -> {
                timer.cancel(false);
                result.complete(new ExecResult(exec.exitValue(), false, readOutput(output)));
              });
      return result;
    }

    @Override
    public String record() {
      return new LeftoverRecord(process.pid(), process.processStart().get(), cgroup).format();
    }
  }

  private static String readOutput(Path file) {
    try {
      byte[] bytes = Files.readAllBytes(file);
      Files.deleteIfExists(file);
      int length = Math.min(bytes.length, MAX_EXEC_OUTPUT);
      return new String(bytes, 0, length, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  private static String readQuietly(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "the start error message could not be read: " + e;
    }
  }

  /** An instance that never started a process. */
  private record StoppedContainer(String id, Instant startedAt, CompletableFuture<Exit> exit)
      implements RunningContainer {
    static StoppedContainer startError(String id, Instant now, String message) {
      return new StoppedContainer(
          id,
          now,
          CompletableFuture.completedFuture(
              new Exit(
                  ContainerStates.START_ERROR_EXIT_CODE,
                  ContainerStates.START_ERROR,
                  message,
                  now)));
    }

    @Override
    public void signal(boolean force) {}

    @Override
    public CompletableFuture<ExecResult> exec(List<String> command, Duration timeout) {
      return CompletableFuture.completedFuture(
          new ExecResult(-1, false, "container " + id + " is not running"));
    }

    @Override
    public String record() {
      return "";
    }
  }

  /** Absolute paths of the host tools the runtime uses, found once at start. */
  record Tools(String setsid, String unshare, String nsenter, String sh, String setpriv) {
    static Optional<Tools> find() {
      String setsid = which("setsid");
      String sh = Files.isExecutable(Path.of("/bin/sh")) ? "/bin/sh" : which("sh");
      if (setsid == null || sh == null) {
        return Optional.empty();
      }
      return Optional.of(
          new Tools(setsid, which("unshare"), which("nsenter"), sh, which("setpriv")));
    }

    static String which(String name) {
      String path = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
      List<String> dirs = new ArrayList<>(List.of(path.split(File.pathSeparator)));
      dirs.addAll(List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin"));
      for (String dir : dirs) {
        if (dir.isEmpty()) {
          continue;
        }
        Path candidate = Path.of(dir, name);
        if (Files.isExecutable(candidate)) {
          return candidate.toString();
        }
      }
      return null;
    }
  }

  static String newInstanceId() {
    return UUID.randomUUID().toString().replace("-", "");
  }
}
