package dev.nodeless.local;

import dev.nodeless.PodRef;
import dev.nodeless.ValidationProblem;
import dev.nodeless.local.ContainerEngine.Kind;
import dev.nodeless.local.ContainerEngine.Result;
import dev.nodeless.spi.ContainerStates;
import dev.nodeless.spi.RegistryCredential;
import dev.nodeless.spi.ResolvedPod;
import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HostAlias;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each container instance as a container of podman or docker, driven through the engine's
 * command-line tool (see {@link ContainerEngine}). Each pod gets a sandbox: a podman pod (or, under
 * docker, an infra container whose namespaces the others join) with one network namespace, and
 * memory-backed emptyDir volumes. Every pod, container and volume carries the labels {@value
 * #OWNER_LABEL}, {@value #POD_UID_LABEL} and {@value #SUPERVISOR_LABEL}, so that a later launcher
 * can remove what a crashed one left.
 *
 * <p>Exits are learned from the engine's event stream, with a periodic listing as a safety net.
 * Logs are written by the engine's monitor (conmon) straight into the pod's log files in the CRI
 * format that {@link LogReader} reads; under docker, {@code docker logs --follow} copies them.
 */
final class EngineRuntime implements ContainerRuntime {
  private static final Logger LOG = LoggerFactory.getLogger(EngineRuntime.class);

  static final String OWNER_LABEL = "dev.nodeless.owner";
  static final String POD_UID_LABEL = "dev.nodeless.pod-uid";
  static final String SUPERVISOR_LABEL = "dev.nodeless.supervisor";
  static final String CONTAINER_LABEL = "dev.nodeless.container";

  /** How long an image pull may take. */
  private static final Duration PULL_TIMEOUT = Duration.ofMinutes(15);

  /** How often running containers are listed in case the event stream missed an exit. */
  private static final Duration SAFETY_POLL = Duration.ofSeconds(5);

  /** Variables that the engine's own tool reads; they reach a container through a file instead. */
  private static final Pattern CLIENT_VARIABLES =
      Pattern.compile("(CONTAINERS_|XDG_|DOCKER_|REGISTRY_AUTH_FILE|TMPDIR$|HOME$|BUILDAH_).*");

  /** A reference the engines accept: [registry[:port]/]path[:tag][@digest]. */
  private static final Pattern IMAGE_REFERENCE =
      Pattern.compile(
          "^(?:[a-zA-Z0-9.-]+(?::[0-9]+)?/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
              + "(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*"
              + "(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@[a-z0-9]+:[a-fA-F0-9]{32,})?$");

  private static final java.util.concurrent.atomic.AtomicLong INSTANCES =
      new java.util.concurrent.atomic.AtomicLong();

  private final ContainerEngine engine;
  private final ContainerSettings settings;
  private final String owner;
  private final String supervisor;
  private final Executor blocking;
  private final ScheduledExecutorService scheduler;
  private final Clock clock;
  private final List<String> enterNamespace;
  private final Map<String, EngineContainer> running = new ConcurrentHashMap<>();
  private final Map<String, Instant> unclaimedDeaths = new ConcurrentHashMap<>();
  private final Map<String, ImageInfo> images = new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicBoolean sizeWarning = new AtomicBoolean();
  private final Instant startedAt;
  private final ScheduledFuture<?> safetyPoll;
  private final KernelOomWatcher oomWatcher;
  private volatile Process events;
  private volatile Instant lastEvent;

  /**
   * @param owner identifies the state directory, so that labels tell whose containers these are
   * @param blocking runs engine commands, which block; a pool that grows as needed
   */
  EngineRuntime(
      ContainerEngine engine,
      ContainerSettings settings,
      String owner,
      Executor blocking,
      ScheduledExecutorService scheduler,
      Clock clock) {
    this.engine = engine;
    this.settings = settings;
    this.owner = owner;
    // The counter tells apart the runtimes of several launchers in one JVM.
    this.supervisor = supervisorId(ProcessHandle.current()) + "-" + INSTANCES.incrementAndGet();
    this.blocking = blocking;
    this.scheduler = scheduler;
    this.clock = clock;
    this.startedAt = clock.instant().minusSeconds(1);
    this.lastEvent = startedAt;
    String nsenter = ProcessRuntime.Tools.which("nsenter");
    boolean root = LocalValidator.isRoot();
    this.enterNamespace =
        nsenter == null
            ? List.of("nsenter")
            : root || engine.kind() == Kind.DOCKER
                ? List.of(nsenter)
                : List.of(engine.binary().toString(), "unshare", nsenter);
    this.oomWatcher = KernelOomWatcher.shared();
    this.safetyPoll =
        scheduler.scheduleWithFixedDelay(
            () -> blocking.execute(this::checkRunning),
            SAFETY_POLL.toMillis(),
            SAFETY_POLL.toMillis(),
            TimeUnit.MILLISECONDS);
  }

  @Override
  public String name() {
    return engine.kind().label();
  }

  ContainerEngine engine() {
    return engine;
  }

  @Override
  public boolean hostProcesses() {
    return false;
  }

  @Override
  public List<ValidationProblem> validate(ResolvedPod pod) {
    return ContainerValidator.validate(pod, settings, engine.kind());
  }

  /**
   * The label value of a supervising JVM: its PID and start time, which together never repeat.
   *
   * <p>NOTE: each JVM derives start times from the boot time it read when it started. A wall-clock
   * step between the starts of two JVMs, such as a VM restored from a snapshot, makes one take the
   * other's live containers for orphans and remove them.
   */
  static String supervisorId(ProcessHandle process) {
    long start = process.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    return process.pid() + "-" + start;
  }

  /** Whether the JVM named by a supervisor label, {@code <pid>-<start>-<runtime>}, still runs. */
  static boolean supervisorAlive(String id) {
    String[] parts = id.split("-");
    if (parts.length < 2) {
      return false;
    }
    try {
      long pid = Long.parseLong(parts[0]);
      long start = Long.parseLong(parts[1]);
      return ProcessHandle.of(pid)
          .filter(ProcessHandle::isAlive)
          .map(handle -> supervisorId(handle).equals(pid + "-" + start))
          .orElse(false);
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private List<String> labels(PodRef pod) {
    return List.of(
        "--label",
        OWNER_LABEL + "=" + owner,
        "--label",
        POD_UID_LABEL + "=" + pod.uid(),
        "--label",
        SUPERVISOR_LABEL + "=" + supervisor);
  }

  static String safeName(String text) {
    return text.replaceAll("[^a-zA-Z0-9_.-]", "-");
  }

  // ---- sandbox -------------------------------------------------------------------------------

  @Override
  public Sandbox createSandbox(ResolvedPod resolved, PodDirectory dir) throws IOException {
    PodRef ref = resolved.ref();
    PodSpec spec = resolved.pod().getSpec();
    String name = safeName("nodeless_" + ref.namespace() + "_" + ref.name() + "_" + ref.uid());
    EngineSandbox sandbox =
        new EngineSandbox(ref, spec, name, resolved.registryCredentials(), dir.root());
    try {
      createMemoryVolumes(sandbox, spec, dir);
      List<String> args = new ArrayList<>();
      String hostname =
          spec.getHostname() == null || spec.getHostname().isEmpty()
              ? ref.name()
              : spec.getHostname();
      if (hostname.length() > 63) {
        hostname = hostname.substring(0, 63);
      }
      boolean hostNetwork = Boolean.TRUE.equals(spec.getHostNetwork());
      String network = hostNetwork ? "host" : settings.network();
      if (engine.kind() == Kind.PODMAN) {
        args.addAll(List.of("pod", "create", "--name", name, "--infra-name", sandbox.infra));
        keepMounted(sandbox, args);
        args.addAll(labels(ref));
        args.addAll(List.of("--network", network));
        if (!hostNetwork) {
          args.addAll(List.of("--hostname", hostname));
        }
        args.add(
            "--share="
                + (Boolean.TRUE.equals(spec.getShareProcessNamespace())
                    ? "ipc,net,uts,pid"
                    : "ipc,net,uts"));
      } else {
        args.addAll(List.of("run", "-d", "--name", sandbox.infra));
        keepMounted(sandbox, args);
        args.addAll(labels(ref));
        args.addAll(List.of("--network", network, "--ipc", "shareable"));
        if (!hostNetwork) {
          args.addAll(List.of("--hostname", hostname));
        }
      }
      if (spec.getHostAliases() != null) {
        for (HostAlias alias : spec.getHostAliases()) {
          for (String host : alias.getHostnames()) {
            args.add("--add-host=" + host + ":" + alias.getIp());
          }
        }
      }
      for (Container container : allContainers(spec)) {
        if (container.getPorts() == null) {
          continue;
        }
        for (ContainerPort port : container.getPorts()) {
          if (port.getHostPort() != null && port.getHostPort() > 0 && !hostNetwork) {
            String ip = port.getHostIP() == null ? "127.0.0.1" : port.getHostIP();
            String protocol =
                port.getProtocol() == null ? "tcp" : port.getProtocol().toLowerCase(Locale.ROOT);
            args.add(
                "--publish="
                    + ip
                    + ":"
                    + port.getHostPort()
                    + ":"
                    + port.getContainerPort()
                    + "/"
                    + protocol);
          }
        }
      }
      if (engine.kind() == Kind.DOCKER) {
        args.add(image(settings.pauseImage(), "IfNotPresent", sandbox).id());
      }
      Result result = engine.run(args);
      if (!result.ok()) {
        throw new IOException(
            "cannot create the " + name() + " pod of " + ref + ": " + result.error());
      }
      LOG.debug("Created {} pod {} for pod {}", name(), name, ref);
      return sandbox;
    } catch (IOException | RuntimeException e) {
      sandbox.close();
      throw e;
    }
  }

  /**
   * Mounts the tmpfs volumes into the infra container too: the engine unmounts a tmpfs volume, and
   * loses its files, once no running container uses it, while an emptyDir lives as long as its pod.
   */
  private static void keepMounted(EngineSandbox sandbox, List<String> args) {
    for (String volume : sandbox.memoryVolumes.values()) {
      args.add("--volume=" + volume + ":/.nodeless-volumes/" + volume);
    }
  }

  private void createMemoryVolumes(EngineSandbox sandbox, PodSpec spec, PodDirectory dir)
      throws IOException {
    if (spec.getVolumes() == null) {
      return;
    }
    for (Volume volume : spec.getVolumes()) {
      if (volume.getEmptyDir() == null || !"Memory".equals(volume.getEmptyDir().getMedium())) {
        continue;
      }
      String name = sandbox.name + "_" + safeName(volume.getName());
      List<String> args = new ArrayList<>(List.of("volume", "create"));
      args.addAll(labels(sandbox.ref));
      args.addAll(List.of("--opt", "type=tmpfs", "--opt", "device=tmpfs"));
      Quantity size = volume.getEmptyDir().getSizeLimit();
      List<String> sized = new ArrayList<>(args);
      if (size != null) {
        sized.addAll(
            List.of(
                "--opt", "o=size=" + Quantity.getAmountInBytes(size).longValue() + ",mode=1777"));
      } else {
        sized.addAll(List.of("--opt", "o=mode=1777"));
      }
      sized.add(name);
      Result result = engine.run(sized);
      if (!result.ok() && size != null && result.error().contains("not supported")) {
        // Podman 4.3 reads size= as a project quota and refuses it for tmpfs volumes.
        if (sizeWarning.compareAndSet(false, true)) {
          LOG.warn(
              "{} cannot size tmpfs volumes ({}); memory-backed emptyDir sizeLimit is not"
                  + " enforced, the container's memory limit still is",
              engine,
              result.error());
        }
        // TODO: size memory-backed emptyDirs on podman versions that refuse o=size.
        args.addAll(List.of("--opt", "o=mode=1777", name));
        result = engine.run(args);
      }
      if (!result.ok()) {
        throw new IOException(
            "cannot create the tmpfs volume of emptyDir "
                + volume.getName()
                + " in pod "
                + sandbox.ref
                + ": "
                + result.error());
      }
      sandbox.memoryVolumes.put(dir.volume(volume.getName()), name);
    }
  }

  private static List<Container> allContainers(PodSpec spec) {
    List<Container> all = new ArrayList<>();
    if (spec.getInitContainers() != null) {
      all.addAll(spec.getInitContainers());
    }
    if (spec.getContainers() != null) {
      all.addAll(spec.getContainers());
    }
    return all;
  }

  /** A podman pod, or a docker infra container, plus its memory-backed volumes. */
  private final class EngineSandbox implements Sandbox {
    final PodRef ref;
    final PodSpec spec;
    final List<RegistryCredential> credentials;
    final Path podDir;
    final String name;
    final String infra;
    final Map<Path, String> memoryVolumes = new LinkedHashMap<>();
    private final NamespacePorts ports;
    private volatile long infraPid;
    private final AtomicBoolean removed = new AtomicBoolean();

    EngineSandbox(
        PodRef ref, PodSpec spec, String name, List<RegistryCredential> credentials, Path podDir) {
      this.ref = ref;
      this.spec = spec;
      this.credentials = List.copyOf(credentials);
      this.podDir = podDir;
      this.name = name;
      this.infra = name + "_infra";
      this.ports = new NamespacePorts(this::infraPid, enterNamespace, blocking);
    }

    private long infraPid() throws IOException {
      if (infraPid > 0) {
        return infraPid;
      }
      Result result = engine.run(List.of("inspect", "--format", "{{.State.Pid}}", infra));
      long pid = result.ok() ? Long.parseLong(result.stdout().strip()) : 0;
      if (pid <= 0) {
        throw new IOException(
            "the infra container of pod " + ref + " is not running: " + result.error());
      }
      infraPid = pid;
      return pid;
    }

    @Override
    public String record() {
      return "engine="
          + name()
          + " pod="
          + name
          + (memoryVolumes.isEmpty() ? "" : " volumes=" + String.join(",", memoryVolumes.values()));
    }

    @Override
    public void close() {
      if (removed.compareAndSet(false, true)) {
        removeSandbox(name, List.copyOf(memoryVolumes.values()));
      }
    }
  }

  private void removeSandbox(String name, List<String> volumes) {
    try {
      if (engine.kind() == Kind.PODMAN) {
        Result result = engine.run(List.of("pod", "rm", "-f", "-t", "0", name));
        if (!result.ok() && !result.error().contains("no pod with name")) {
          LOG.warn("Cannot remove podman pod {}: {}", name, result.error());
        }
      } else {
        Result members =
            engine.run(
                List.of(
                    "ps",
                    "-a",
                    "-q",
                    "--filter",
                    "label=" + SUPERVISOR_LABEL,
                    "--filter",
                    "name=^" + name + "_"));
        List<String> ids = new ArrayList<>(List.of("rm", "-f"));
        members.stdout().lines().filter(line -> !line.isBlank()).forEach(ids::add);
        ids.add(name + "_infra");
        engine.run(ids);
      }
      if (!volumes.isEmpty()) {
        List<String> args = new ArrayList<>(List.of("volume", "rm", "-f"));
        args.addAll(volumes);
        Result result = engine.run(args);
        if (!result.ok()) {
          LOG.warn("Cannot remove the volumes {} of {}: {}", volumes, name, result.error());
        }
      }
      LOG.debug("Removed {} pod {}", name(), name);
    } catch (IOException e) {
      LOG.warn("Cannot remove {} pod {}: {}", name(), name, e.toString());
    }
  }

  // ---- images --------------------------------------------------------------------------------

  /** The ID of an image present locally, and its user. */
  private record ImageInfo(String id, String user, String digest) {}

  /** Applies the pull policy and returns the image ID to run. */
  private ImageInfo image(String image, String policy, EngineSandbox sandbox) throws IOException {
    if (image == null || image.isBlank() || !IMAGE_REFERENCE.matcher(image).matches()) {
      throw new ContainerWaitingException(
          ContainerWaitingException.INVALID_IMAGE_NAME,
          null,
          "Failed to apply default image tag \""
              + image
              + "\": couldn't parse image name \""
              + image
              + "\": invalid reference format");
    }
    String effective = policy == null || policy.isEmpty() ? defaultPullPolicy(image) : policy;
    switch (effective) {
      case "Never" -> {
        ImageInfo found = inspectImage(image);
        if (found == null) {
          throw new ContainerWaitingException(
              ContainerWaitingException.ERR_IMAGE_NEVER_PULL,
              null,
              "Container image \"" + image + "\" is not present with pull policy of Never");
        }
        return found;
      }
      case "IfNotPresent" -> {
        ImageInfo cached = images.get(image);
        if (cached != null) {
          return cached;
        }
        ImageInfo found = inspectImage(image);
        return found != null ? found : pull(image, sandbox, null);
      }
      default -> {
        return pull(image, sandbox, inspectImage(image));
      }
    }
  }

  /** Kubernetes' default: {@code Always} for {@code :latest} or no tag, else IfNotPresent. */
  static String defaultPullPolicy(String image) {
    if (image.contains("@")) {
      return "IfNotPresent";
    }
    int slash = image.lastIndexOf('/');
    int colon = image.lastIndexOf(':');
    boolean tagged = colon > slash;
    return !tagged || image.substring(colon + 1).equals("latest") ? "Always" : "IfNotPresent";
  }

  private ImageInfo pull(String image, EngineSandbox sandbox, ImageInfo local) throws IOException {
    PodRef pod = sandbox.ref;
    LOG.info("Pulling image {} for pod {}", image, pod);
    List<String> args = new ArrayList<>();
    Path auth = writeCredentials(sandbox);
    Result result;
    try {
      if (auth != null && engine.kind() == Kind.DOCKER) {
        args.addAll(List.of("--config", auth.getParent().toString()));
      }
      args.add("pull");
      if (engine.kind() == Kind.PODMAN) {
        args.add("--quiet");
        if (auth != null) {
          args.add("--authfile=" + auth);
        }
      }
      args.add(image);
      result = engine.run(args, Map.of(), PULL_TIMEOUT);
    } finally {
      if (auth != null) {
        PodDirectory.deleteTree(auth.getParent());
      }
    }
    if (result.ok()) {
      images.remove(image);
      ImageInfo pulled = inspectImage(image);
      if (pulled != null) {
        return pulled;
      }
    }
    if (local != null) {
      // The kubelet would fail here; a launcher without registry access runs what it has.
      LOG.warn(
          "Cannot pull image {} for pod {} ({}); running the local image {}",
          image,
          pod,
          result.error(),
          local.id());
      return local;
    }
    LOG.info("Pull of image {} for pod {} failed: {}", image, pod, result.error());
    throw ContainerWaitingException.pullFailed(image, result.error());
  }

  /**
   * Writes the pod's registry logins from {@code imagePullSecrets} as a registry auth file (the
   * {@code auths} map of podman's auth.json and docker's config.json), readable by the launcher's
   * user only, or returns null when the pod has none. The caller deletes its directory.
   */
  private static Path writeCredentials(EngineSandbox sandbox) throws IOException {
    if (sandbox.credentials.isEmpty()) {
      return null;
    }
    Map<String, Object> auths = new LinkedHashMap<>();
    for (RegistryCredential credential : sandbox.credentials) {
      String token =
          java.util.Base64.getEncoder()
              .encodeToString(
                  (credential.username() + ":" + credential.password())
                      .getBytes(StandardCharsets.UTF_8));
      auths.putIfAbsent(credential.server(), Map.of("auth", token));
    }
    Path directory = sandbox.podDir.resolve("registry-auth");
    PodDirectory.deleteTree(directory);
    Files.createDirectory(
        directory,
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Path file = directory.resolve("config.json");
    Files.writeString(
        file, PodDirectory.JSON.asJson(Map.of("auths", auths)), StandardCharsets.UTF_8);
    return file;
  }

  private ImageInfo inspectImage(String image) throws IOException {
    Result result =
        engine.run(
            List.of(
                "image",
                "inspect",
                "--format",
                "{{.Id}}|{{.Config.User}}|{{range .RepoDigests}}{{.}} {{end}}",
                image));
    if (!result.ok()) {
      return null;
    }
    String[] parts = result.stdout().strip().split("\\|", -1);
    String digest = parts.length > 2 ? parts[2].strip() : "";
    int space = digest.indexOf(' ');
    ImageInfo info =
        new ImageInfo(
            parts[0],
            parts.length > 1 ? parts[1] : "",
            space < 0 ? digest : digest.substring(0, space));
    images.put(image, info);
    return info;
  }

  // ---- containers ----------------------------------------------------------------------------

  @Override
  public RunningContainer start(ContainerLaunch launch) throws IOException {
    if (closed.get()) {
      throw new IOException("the " + name() + " runtime is closed");
    }
    Container container = launch.spec().container();
    EngineSandbox sandbox = (EngineSandbox) launch.sandbox();
    ImageInfo image = image(container.getImage(), container.getImagePullPolicy(), sandbox);
    String user = user(launch, image);
    String name =
        safeName(
            sandbox.name
                + "_"
                + launch.containerName()
                + "_"
                + launch.instanceId().substring(0, 12));
    Files.createDirectories(launch.runDir());
    launch.log().create();

    Map<String, String> values = new LinkedHashMap<>();
    List<String> args = new ArrayList<>(List.of("run", "-d", "--name", name));
    args.addAll(labels(launch.pod()));
    args.addAll(List.of("--label", CONTAINER_LABEL + "=" + launch.containerName()));
    if (engine.kind() == Kind.PODMAN) {
      args.addAll(List.of("--pod", sandbox.name));
      args.addAll(List.of("--log-driver", "k8s-file", "--log-opt", "path=" + launch.log().file()));
    } else {
      String infra = "container:" + sandbox.infra;
      args.addAll(List.of("--network", infra, "--ipc", infra));
      if (Boolean.TRUE.equals(sandbox.spec.getShareProcessNamespace())) {
        args.addAll(List.of("--pid", infra));
      }
    }
    args.addAll(List.of("--pull", "never"));
    if (!launch.spec().command().isEmpty()) {
      args.add("--entrypoint=" + PodDirectory.JSON.asJson(launch.spec().command()));
    }
    environment(launch, values, args);
    if (container.getWorkingDir() != null && !container.getWorkingDir().isEmpty()) {
      args.add("--workdir=" + container.getWorkingDir());
    }
    for (ContainerLaunch.Mount mount : launch.mounts()) {
      args.add("--mount=" + mount(mount, sandbox));
    }
    if (launch.memoryLimitBytes() != null) {
      args.add("--memory=" + launch.memoryLimitBytes());
      args.add("--memory-swap=" + launch.memoryLimitBytes());
    }
    if (launch.cpuLimitCores() != null) {
      args.add("--cpus=" + launch.cpuLimitCores().max(new BigDecimal("0.01")).toPlainString());
    }
    security(launch, user, args);
    if (Boolean.TRUE.equals(container.getStdin())) {
      args.add("--interactive");
    }
    if (Boolean.TRUE.equals(container.getTty())) {
      args.add("--tty");
    }
    args.add(image.id());
    args.addAll(launch.spec().args());

    EngineContainer instance = new EngineContainer(name, launch, sandbox, image);
    followEvents();
    running.put(name, instance);
    Result result = engine.run(args, values, ContainerEngine.COMMAND_TIMEOUT);
    if (!result.ok()) {
      running.remove(name);
      removeQuietly(name);
      if (result.exitCode() == 126 || result.exitCode() == 127) {
        launch.log().markDone();
        return instance.failedToStart(result.error());
      }
      if (result.error().contains("image not known") || result.error().contains("No such image")) {
        images.remove(container.getImage());
      }
      throw new IOException(
          name() + " cannot create container " + launch.containerName() + ": " + result.error());
    }
    instance.started(result.stdout().strip(), clock.instant());
    Instant died = unclaimedDeaths.remove(name);
    if (died != null) {
      blocking.execute(() -> collect(instance));
    }
    LOG.debug(
        "Started container {} of pod {} as {} {}",
        launch.containerName(),
        launch.pod(),
        name(),
        name);
    return instance;
  }

  /** The {@code --user} value, or null for the image's own; checks runAsNonRoot as the kubelet. */
  private String user(ContainerLaunch launch, ImageInfo image) throws ContainerWaitingException {
    SecurityContext container = launch.spec().container().getSecurityContext();
    PodSecurityContext pod = ((EngineSandbox) launch.sandbox()).spec.getSecurityContext();
    Long uid =
        container != null && container.getRunAsUser() != null
            ? container.getRunAsUser()
            : pod == null ? null : pod.getRunAsUser();
    Long gid =
        container != null && container.getRunAsGroup() != null
            ? container.getRunAsGroup()
            : pod == null ? null : pod.getRunAsGroup();
    Boolean nonRoot =
        container != null && container.getRunAsNonRoot() != null
            ? container.getRunAsNonRoot()
            : pod == null ? null : pod.getRunAsNonRoot();
    if (Boolean.TRUE.equals(nonRoot)) {
      String imageUser = image.user() == null ? "" : image.user();
      int colon = imageUser.indexOf(':');
      String imageUid = colon < 0 ? imageUser : imageUser.substring(0, colon);
      String where =
          " (pod: \""
              + launch.pod().name()
              + "_"
              + launch.pod().namespace()
              + "("
              + launch.pod().uid()
              + ")\", container: "
              + launch.containerName()
              + ")";
      if (uid == null && !imageUid.isEmpty() && !imageUid.matches("\\d+")) {
        throw new ContainerWaitingException(
            ContainerWaitingException.CREATE_CONFIG_ERROR,
            null,
            "container has runAsNonRoot and image has non-numeric user ("
                + imageUid
                + "), cannot verify user is non-root"
                + where);
      }
      long effective = uid != null ? uid : imageUid.isEmpty() ? 0 : Long.parseLong(imageUid);
      if (effective == 0) {
        throw new ContainerWaitingException(
            ContainerWaitingException.CREATE_CONFIG_ERROR,
            null,
            "container has runAsNonRoot and image will run as root" + where);
      }
    }
    if (uid == null && gid == null) {
      return null;
    }
    String userPart;
    if (uid != null) {
      userPart = uid.toString();
    } else {
      String imageUser = image.user() == null || image.user().isEmpty() ? "0" : image.user();
      int colon = imageUser.indexOf(':');
      userPart = colon < 0 ? imageUser : imageUser.substring(0, colon);
    }
    return gid == null ? userPart : userPart + ":" + gid;
  }

  private void environment(ContainerLaunch launch, Map<String, String> values, List<String> args)
      throws IOException {
    StringBuilder file = new StringBuilder();
    for (Map.Entry<String, String> entry : launch.env().entrySet()) {
      String key = entry.getKey();
      if (CLIENT_VARIABLES.matcher(key).matches()) {
        if (entry.getValue().contains("\n")) {
          // TODO: pass multi-line values of variables that the engine's tool reads itself.
          throw new IOException(
              "variable " + key + " has a multi-line value, which cannot be passed to " + name());
        }
        file.append(key).append('=').append(entry.getValue()).append('\n');
      } else {
        values.put(key, entry.getValue());
        args.add("--env=" + key);
      }
    }
    if (file.length() > 0) {
      Path envFile = launch.runDir().resolve("env");
      Files.deleteIfExists(envFile);
      Files.createFile(
          envFile,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(envFile, file, StandardCharsets.UTF_8);
      args.add("--env-file=" + envFile);
    }
  }

  private String mount(ContainerLaunch.Mount mount, EngineSandbox sandbox) throws IOException {
    String volume = null;
    for (Map.Entry<Path, String> entry : sandbox.memoryVolumes.entrySet()) {
      if (mount.source().equals(entry.getKey())) {
        volume = entry.getValue();
      } else if (mount.source().startsWith(entry.getKey())) {
        // TODO: mount a subPath of a memory-backed emptyDir.
        throw new IOException(
            "subPath of the memory-backed emptyDir at " + mount.target() + " is not supported");
      }
    }
    String source = volume != null ? volume : mount.source().toString();
    if (source.contains(",") || mount.target().contains(",")) {
      throw new IOException(
          "mount path "
              + mount.target()
              + " or its source contains a comma, which --mount cannot express");
    }
    return "type="
        + (volume != null ? "volume" : "bind")
        + ",source="
        + source
        + ",destination="
        + mount.target()
        + (mount.readOnly() ? ",ro=true" : "");
  }

  private void security(ContainerLaunch launch, String user, List<String> args) {
    SecurityContext context = launch.spec().container().getSecurityContext();
    PodSecurityContext pod = ((EngineSandbox) launch.sandbox()).spec.getSecurityContext();
    if (user != null) {
      args.add("--user=" + user);
    }
    if (pod != null) {
      if (pod.getSupplementalGroups() != null) {
        pod.getSupplementalGroups().forEach(group -> args.add("--group-add=" + group));
      }
      if (pod.getFsGroup() != null) {
        args.add("--group-add=" + pod.getFsGroup());
      }
    }
    String seccomp =
        context != null && context.getSeccompProfile() != null
            ? context.getSeccompProfile().getType()
            : pod != null && pod.getSeccompProfile() != null
                ? pod.getSeccompProfile().getType()
                : null;
    if ("Unconfined".equals(seccomp)) {
      args.add("--security-opt=seccomp=unconfined");
    }
    if (context == null) {
      return;
    }
    if (Boolean.TRUE.equals(context.getReadOnlyRootFilesystem())) {
      args.add("--read-only");
      if (engine.kind() == Kind.PODMAN) {
        args.add("--read-only-tmpfs=false");
      }
    }
    Capabilities capabilities = context.getCapabilities();
    if (capabilities != null) {
      if (capabilities.getDrop() != null) {
        capabilities.getDrop().forEach(cap -> args.add("--cap-drop=" + cap));
      }
      if (capabilities.getAdd() != null) {
        capabilities.getAdd().forEach(cap -> args.add("--cap-add=" + cap));
      }
    }
    if (Boolean.TRUE.equals(context.getPrivileged())) {
      args.add("--privileged");
    }
    if (Boolean.FALSE.equals(context.getAllowPrivilegeEscalation())) {
      args.add("--security-opt=no-new-privileges");
    }
  }

  private void removeQuietly(String name) {
    blocking.execute(
        () -> {
          try {
            engine.run(removeArgs(name));
          } catch (IOException e) {
            LOG.debug("Cannot remove container {}: {}", name, e.toString());
          }
        });
  }

  private List<String> removeArgs(String name) {
    return engine.kind() == Kind.PODMAN
        ? List.of("rm", "-f", "-t", "0", name)
        : List.of("rm", "-f", name);
  }

  // ---- exits ---------------------------------------------------------------------------------

  /** Starts following the event stream before the first container; it replays from the start. */
  private synchronized void followEvents() {
    if (events == null) {
      watchEvents();
    }
  }

  private void watchEvents() {
    if (closed.get()) {
      return;
    }
    String since = Long.toString(lastEvent.getEpochSecond() - 1);
    List<String> args =
        engine.kind() == Kind.PODMAN
            ? List.of(
                "events",
                "--format",
                "json",
                "--since",
                since,
                "--filter",
                "type=container",
                "--filter",
                "event=died",
                "--filter",
                "label=" + OWNER_LABEL + "=" + owner)
            : List.of(
                "events",
                "--format",
                "{{json .}}",
                "--since",
                since,
                "--filter",
                "type=container",
                "--filter",
                "event=die",
                "--filter",
                "label=" + OWNER_LABEL + "=" + owner);
    Process process;
    try {
      process = engine.start(args, Map.of());
      process.getOutputStream().close();
    } catch (IOException e) {
      LOG.warn("Cannot follow the {} event stream; relying on polling: {}", name(), e.toString());
      return;
    }
    events = process;
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader lines =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                  onEvent(line);
                }
              } catch (IOException e) {
                LOG.debug("The {} event stream ended: {}", name(), e.toString());
              }
              process.destroy();
              if (!closed.get()) {
                LOG.warn("The {} event stream stopped; following it again", name());
                scheduler.schedule(this::watchEvents, 1, TimeUnit.SECONDS);
                blocking.execute(this::checkRunning);
              }
            },
            "nodeless-" + name() + "-events");
    reader.setDaemon(true);
    reader.start();
    Thread errors =
        new Thread(
            () -> {
              try {
                process.getErrorStream().transferTo(java.io.OutputStream.nullOutputStream());
              } catch (IOException e) {
                LOG.trace("Event stream errors ended", e);
              }
            },
            "nodeless-" + name() + "-events-errors");
    errors.setDaemon(true);
    errors.start();
  }

  @SuppressWarnings("unchecked")
  private void onEvent(String line) {
    Map<String, Object> event;
    try {
      event = PodDirectory.JSON.unmarshal(line, Map.class);
    } catch (RuntimeException e) {
      LOG.debug("Ignoring an event line that is not JSON: {}", line);
      return;
    }
    String name;
    if (engine.kind() == Kind.PODMAN) {
      name = (String) event.get("Name");
    } else {
      Map<String, Object> actor = (Map<String, Object>) event.getOrDefault("Actor", Map.of());
      Map<String, Object> attributes =
          (Map<String, Object>) actor.getOrDefault("Attributes", Map.of());
      name = (String) attributes.get("name");
    }
    if (name == null) {
      return;
    }
    lastEvent = clock.instant();
    EngineContainer container = running.get(name);
    if (container == null || container.id == null) {
      unclaimedDeaths.put(name, clock.instant());
      scheduler.schedule(() -> unclaimedDeaths.remove(name), 1, TimeUnit.MINUTES);
      return;
    }
    blocking.execute(() -> collect(container));
  }

  /** Lists exited containers of this runtime, in case an event was missed. */
  private void checkRunning() {
    if (closed.get() || running.isEmpty()) {
      return;
    }
    try {
      Result result =
          engine.run(
              List.of(
                  "ps",
                  "-a",
                  "--filter",
                  "label=" + SUPERVISOR_LABEL + "=" + supervisor,
                  "--filter",
                  "status=exited",
                  "--format",
                  "{{.Names}}"));
      if (!result.ok()) {
        return;
      }
      for (String name : result.stdout().split("\\s+")) {
        EngineContainer container = running.get(name);
        if (container != null && container.id != null) {
          collect(container);
        }
      }
    } catch (IOException e) {
      LOG.debug("Cannot list the exited {} containers: {}", name(), e.toString());
    }
  }

  /** Reads how a stopped container ended, completes its exit and removes it. */
  @SuppressWarnings("unchecked")
  private void collect(EngineContainer container) {
    if (!container.collecting.compareAndSet(false, true)) {
      return;
    }
    int exitCode = -1;
    boolean oomKilled = false;
    String error = null;
    Instant finishedAt = clock.instant();
    try {
      Result result = engine.run(List.of("inspect", "--type", "container", container.name));
      if (result.ok()) {
        List<Map<String, Object>> all = PodDirectory.JSON.unmarshal(result.stdout(), List.class);
        Map<String, Object> state = (Map<String, Object>) all.get(0).get("State");
        Object running = state.get("Running");
        if (Boolean.TRUE.equals(running)) {
          container.collecting.set(false);
          return;
        }
        exitCode = ((Number) state.get("ExitCode")).intValue();
        oomKilled =
            Boolean.TRUE.equals(state.get("OOMKilled")) || kernelOomKill(container, exitCode);
        Object message = state.get("Error");
        error = message == null || message.toString().isEmpty() ? null : message.toString();
        finishedAt = instant((String) state.get("FinishedAt"), finishedAt);
      } else {
        error = "the container disappeared: " + result.error();
        exitCode = 137;
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("Cannot read how container {} ended: {}", container.name, e.toString());
      error = "cannot read how the container ended: " + e.getMessage();
      exitCode = 137;
    }
    running.remove(container.name);
    container.finish(exitCode, oomKilled, error, finishedAt);
  }

  /**
   * Whether the kernel log names the container in an OOM kill. A SIGKILL of a limited container
   * waits briefly for the log reader, which sees the record before the container dies.
   */
  private boolean kernelOomKill(EngineContainer container, int exitCode) {
    if (oomWatcher == null || container.launch.memoryLimitBytes() == null || exitCode != 137) {
      return false;
    }
    for (int i = 0; i < 10 && !oomWatcher.oomKilled(container.id); i++) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return oomWatcher.oomKilled(container.id);
  }

  private static Instant instant(String text, Instant fallback) {
    if (text == null) {
      return fallback;
    }
    try {
      Instant parsed = OffsetDateTime.parse(text).toInstant();
      return parsed.getEpochSecond() <= 0 ? fallback : parsed;
    } catch (DateTimeParseException e) {
      return fallback;
    }
  }

  // ---- one container -------------------------------------------------------------------------

  private final class EngineContainer implements RunningContainer {
    final String name;
    final ContainerLaunch launch;
    final EngineSandbox sandbox;
    final ImageInfo image;
    final AtomicBoolean collecting = new AtomicBoolean();
    final AtomicBoolean killSent = new AtomicBoolean();
    final CompletableFuture<Exit> exit = new CompletableFuture<>();
    volatile String id;
    volatile Instant startedAt;
    private Process logs;

    EngineContainer(String name, ContainerLaunch launch, EngineSandbox sandbox, ImageInfo image) {
      this.name = name;
      this.launch = launch;
      this.sandbox = sandbox;
      this.image = image;
    }

    void started(String id, Instant at) {
      this.id = id;
      this.startedAt = at;
      if (engine.kind() == Kind.DOCKER) {
        try {
          logs =
              engine
                  .command(List.of("logs", "--follow", "--timestamps", name))
                  .redirectErrorStream(true)
                  .redirectOutput(ProcessBuilder.Redirect.appendTo(launch.log().file().toFile()))
                  .start();
        } catch (IOException e) {
          LOG.warn("Cannot follow the log of container {}: {}", name, e.toString());
        }
      }
    }

    RunningContainer failedToStart(String message) {
      id = name;
      startedAt = clock.instant();
      exit.complete(
          new Exit(
              ContainerStates.START_ERROR_EXIT_CODE,
              ContainerStates.START_ERROR,
              message,
              startedAt));
      return this;
    }

    void finish(int code, boolean oomKilled, String error, Instant finishedAt) {
      if (logs != null) {
        try {
          if (!logs.waitFor(2, TimeUnit.SECONDS)) {
            logs.destroy();
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      try {
        launch.log().markDone();
      } catch (IOException e) {
        LOG.debug("Cannot mark the log of {} done: {}", name, e.toString());
      }
      try {
        engine.run(removeArgs(name));
      } catch (IOException e) {
        LOG.debug("Cannot remove container {}: {}", name, e.toString());
      }
      String reason = oomKilled ? ContainerStates.OOM_KILLED : null;
      String message = error;
      if (error != null && code >= 126 && code <= 128) {
        reason = ContainerStates.START_ERROR;
        code = ContainerStates.START_ERROR_EXIT_CODE;
      }
      exit.complete(new Exit(code, reason, message, finishedAt));
    }

    @Override
    public String id() {
      return name() + "://" + (id == null ? name : id);
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
      // A second SIGKILL would only cost another engine command, which fails.
      if (exit.isDone() || (force && !killSent.compareAndSet(false, true))) {
        return;
      }
      blocking.execute(
          () -> {
            try {
              Result result =
                  engine.run(List.of("kill", "--signal", force ? "KILL" : "TERM", name));
              if (!result.ok()) {
                LOG.debug("Cannot signal container {}: {}", name, result.error());
              }
            } catch (IOException e) {
              LOG.debug("Cannot signal container {}: {}", name, e.toString());
            }
          });
    }

    @Override
    public CompletableFuture<ExecResult> exec(List<String> command, Duration timeout) {
      List<String> args = new ArrayList<>(List.of("exec", name));
      args.addAll(command);
      return CompletableFuture.supplyAsync(
          () -> {
            try {
              Result result = engine.run(args, Map.of(), timeout);
              String output = result.stdout() + result.stderr();
              if (output.length() > 10 * 1024) {
                output = output.substring(0, 10 * 1024);
              }
              return new ExecResult(result.exitCode(), result.exitCode() == -1, output);
            } catch (IOException e) {
              return new ExecResult(-1, false, e.getMessage());
            }
          },
          blocking);
    }

    @Override
    public String record() {
      return "engine=" + name() + " container=" + name;
    }

    @Override
    public String imageId() {
      if (!image.digest().isEmpty()) {
        return image.digest();
      }
      // podman prints a bare hex ID, docker one with its sha256: prefix.
      return image.id().startsWith("sha256:") ? image.id() : "sha256:" + image.id();
    }

    @Override
    public Optional<PodPorts> podPorts() {
      return Boolean.TRUE.equals(sandbox.spec.getHostNetwork())
          ? Optional.empty()
          : Optional.of(sandbox.ports);
    }
  }

  // ---- leftovers -----------------------------------------------------------------------------

  @Override
  public int killLeftover(String record) {
    Map<String, String> fields = new LinkedHashMap<>();
    for (String field : record.trim().split(" ")) {
      int equals = field.indexOf('=');
      if (equals > 0) {
        fields.put(field.substring(0, equals), field.substring(equals + 1));
      }
    }
    if (!name().equals(fields.get("engine"))) {
      return 0;
    }
    try {
      if (fields.containsKey("container")) {
        return engine.run(removeArgs(fields.get("container"))).ok() ? 1 : 0;
      }
      if (fields.containsKey("pod")) {
        String volumes = fields.get("volumes");
        removeSandbox(fields.get("pod"), volumes == null ? List.of() : List.of(volumes.split(",")));
        return 1;
      }
    } catch (IOException e) {
      LOG.warn("Cannot remove the leftover {}: {}", record, e.toString());
    }
    return 0;
  }

  /**
   * Removes the pods, containers and volumes whose supervising JVM is gone, whichever state
   * directory they came from, as a reaper does for test containers.
   *
   * @return how many were removed
   */
  int reapOrphans() {
    int removed = 0;
    try {
      // Pods go first: podman removes their containers with them and refuses to remove an infra
      // container on its own.
      if (engine.kind() == Kind.PODMAN) {
        removed += reap(List.of("pod", "ps"), "pod");
      }
      removed += reap(List.of("ps", "-a"), "container");
      removed += reap(List.of("volume", "ls"), "volume");
    } catch (IOException | RuntimeException e) {
      LOG.warn("Cannot look for leftover {} containers: {}", name(), e.toString());
    }
    if (removed > 0) {
      LOG.info("Removed {} {} objects left by launchers that are gone", removed, name());
    }
    return removed;
  }

  private int reap(List<String> list, String kind) throws IOException {
    List<String> args = new ArrayList<>(list);
    args.addAll(
        List.of(
            "--filter",
            "label=" + SUPERVISOR_LABEL,
            "--format",
            (kind.equals("volume") ? "{{.Name}}" : kind.equals("pod") ? "{{.Name}}" : "{{.Names}}")
                + "\t{{index .Labels \""
                + SUPERVISOR_LABEL
                + "\"}}"));
    if (engine.kind() == Kind.DOCKER) {
      args.set(
          args.size() - 1,
          args.get(args.size() - 1)
              .replace(
                  "{{index .Labels \"" + SUPERVISOR_LABEL + "\"}}",
                  "{{.Label \"" + SUPERVISOR_LABEL + "\"}}"));
    }
    Result result = engine.run(args);
    if (!result.ok()) {
      throw new IOException("cannot list " + kind + "s: " + result.error());
    }
    List<String> orphans = new ArrayList<>();
    for (String line : result.stdout().split("\n")) {
      int tab = line.indexOf('\t');
      if (tab < 0) {
        continue;
      }
      String name = line.substring(0, tab).strip();
      String owner = line.substring(tab + 1).strip();
      if (!owner.equals(supervisor) && !supervisorAlive(owner)) {
        orphans.add(name);
      }
    }
    if (orphans.isEmpty()) {
      return 0;
    }
    List<String> remove = new ArrayList<>();
    switch (kind) {
      case "pod" -> remove.addAll(List.of("pod", "rm", "-f", "-t", "0"));
      case "volume" -> remove.addAll(List.of("volume", "rm", "-f"));
      default -> remove.addAll(removeArgs("x").subList(0, removeArgs("x").size() - 1));
    }
    remove.addAll(orphans);
    Result removed = engine.run(remove);
    if (!removed.ok()) {
      LOG.warn("Cannot remove leftover {}s {}: {}", kind, orphans, removed.error());
    }
    LOG.info("Removed leftover {} {}s of launchers that are gone: {}", name(), kind, orphans);
    return orphans.size();
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    safetyPoll.cancel(false);
    Process stream = events;
    if (stream != null) {
      stream.destroy();
    }
    try {
      Result left =
          engine.run(
              List.of(
                  "ps",
                  "-a",
                  "-q",
                  "--filter",
                  "label=" + SUPERVISOR_LABEL + "=" + supervisor,
                  "--filter",
                  "label=" + OWNER_LABEL + "=" + owner));
      List<String> ids = left.stdout().lines().filter(line -> !line.isBlank()).toList();
      if (!ids.isEmpty()) {
        LOG.warn("Removing {} {} containers that were still present at close", ids.size(), name());
        List<String> args = new ArrayList<>(removeArgs("x").subList(0, removeArgs("x").size() - 1));
        args.addAll(ids);
        engine.run(args);
      }
    } catch (IOException e) {
      LOG.warn("Cannot remove the {} containers of this launcher: {}", name(), e.toString());
    }
  }
}
