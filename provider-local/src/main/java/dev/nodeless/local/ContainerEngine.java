package dev.nodeless.local;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the command-line tool of a container engine, podman or docker, which share the commands used
 * here. Each call starts one short-lived process; no daemon socket is opened directly.
 */
final class ContainerEngine {
  private static final Logger LOG = LoggerFactory.getLogger(ContainerEngine.class);

  /** How long one engine command may take before it is killed; pulls have their own limit. */
  static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(2);

  /** The engine that the tool drives. */
  enum Kind {
    PODMAN,
    DOCKER;

    String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * The result of one command.
   *
   * @param exitCode the tool's exit code, -1 when it timed out
   * @param stdout its standard output
   * @param stderr its standard error, trimmed
   */
  record Result(int exitCode, String stdout, String stderr) {
    boolean ok() {
      return exitCode == 0;
    }

    /** The first error line of the tool, without its {@code Error: } prefix. */
    String error() {
      String text = stderr.isBlank() ? stdout : stderr;
      String last = "";
      for (String line : text.split("\n")) {
        if (line.startsWith("Error: ") || line.startsWith("Error response from daemon: ")) {
          return line.substring(line.indexOf(": ") + 2).strip();
        }
        if (!line.isBlank()) {
          last = line.strip();
        }
      }
      return last.isEmpty() ? "exit code " + exitCode : last;
    }
  }

  /**
   * The util-linux {@code setsid} command, or {@code null} where it is missing.
   *
   * <p>NOTE: without it, as on macOS, a Ctrl-C still reaches the engine commands directly.
   */
  private static final Path SETSID = which("setsid");

  private final Kind kind;
  private final Path binary;
  private final Map<String, String> environment;
  private final String version;

  private ContainerEngine(Kind kind, Path binary, Map<String, String> environment, String version) {
    this.kind = kind;
    this.binary = binary;
    this.environment = Map.copyOf(environment);
    this.version = version;
  }

  Kind kind() {
    return kind;
  }

  Path binary() {
    return binary;
  }

  String version() {
    return version;
  }

  @Override
  public String toString() {
    return kind.label() + " " + version + " (" + binary + ")";
  }

  /**
   * Finds the engine's tool and checks that the engine responds.
   *
   * @return the engine, or a sentence saying why it cannot be used
   */
  static Either find(Kind kind, ContainerSettings settings) {
    Path binary = settings.engineCommand() != null ? settings.engineCommand() : which(kind.label());
    if (binary == null) {
      return Either.failure(kind.label() + ": no " + kind.label() + " command on the PATH");
    }
    Map<String, String> environment = new java.util.HashMap<>();
    if (settings.registriesConf() != null && kind == Kind.PODMAN) {
      environment.put("CONTAINERS_REGISTRIES_CONF", settings.registriesConf().toString());
    }
    ContainerEngine engine = new ContainerEngine(kind, binary, environment, "?");
    Result result;
    try {
      result =
          engine.run(
              List.of("version", "--format", "{{.Server.Version}}"),
              Map.of(),
              Duration.ofSeconds(20));
    } catch (IOException e) {
      return Either.failure(kind.label() + ": " + binary + " cannot run: " + e.getMessage());
    }
    if (!result.ok() || result.stdout().isBlank()) {
      return Either.failure(
          kind.label()
              + ": "
              + binary
              + " is installed but its engine does not respond ("
              + result.error()
              + ")");
    }
    return Either.success(new ContainerEngine(kind, binary, environment, result.stdout().strip()));
  }

  /** An engine or the reason it is unusable. */
  record Either(ContainerEngine engine, String reason) {
    static Either success(ContainerEngine engine) {
      return new Either(engine, null);
    }

    static Either failure(String reason) {
      return new Either(null, reason);
    }
  }

  /** Runs one command and waits for it. */
  Result run(List<String> args) throws IOException {
    return run(args, Map.of(), COMMAND_TIMEOUT);
  }

  /**
   * Runs one command and waits for it.
   *
   * @param extraEnvironment variables added to the tool's environment, such as container variables
   *     passed with {@code --env NAME}; never logged
   * @param timeout how long it may take before it is killed
   */
  Result run(List<String> args, Map<String, String> extraEnvironment, Duration timeout)
      throws IOException {
    Process process = start(args, extraEnvironment);
    process.getOutputStream().close();
    ErrorReader errors = new ErrorReader(process.getErrorStream());
    errors.start();
    String stdout;
    try (InputStream in = process.getInputStream()) {
      Thread watchdog = killAfter(process, timeout);
      stdout = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      watchdog.interrupt();
    }
    int code;
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        return new Result(-1, stdout, "timed out after " + timeout.toSeconds() + " s");
      }
      code = process.exitValue();
      errors.join(timeout.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IOException("interrupted while running " + kind.label() + " " + args.get(0), e);
    }
    Result result = new Result(code, stdout, errors.text());
    if (LOG.isTraceEnabled()) {
      LOG.trace("{} {} -> {}", kind.label(), args, result.exitCode());
    }
    return result;
  }

  /** Starts a command whose streams the caller reads, such as {@code events}. */
  Process start(List<String> args, Map<String, String> extraEnvironment) throws IOException {
    ProcessBuilder builder = command(args);
    builder.environment().putAll(extraEnvironment);
    builder.redirectInput(ProcessBuilder.Redirect.PIPE);
    return builder.start();
  }

  /**
   * Builds the process of one command, in a session of its own where {@code setsid} exists. A
   * Ctrl-C in a terminal sends SIGINT to every process of the foreground process group. In that
   * group, {@code podman events} would die at once, while the launcher still needs it to see the
   * containers stop during their grace period. Outside it, only the JVM receives the signal, and
   * the launcher stops these commands itself when it closes.
   */
  ProcessBuilder command(List<String> args) {
    List<String> argv = new ArrayList<>(args.size() + 2);
    if (SETSID != null) {
      // The JVM's child is never a process group leader, so setsid execs in place without
      // forking, and the Process handle still refers to the engine tool.
      argv.add(SETSID.toString());
    }
    argv.add(binary.toString());
    argv.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(argv);
    builder.environment().putAll(environment);
    return builder;
  }

  private static Thread killAfter(Process process, Duration timeout) {
    Thread thread =
        new Thread(
            () -> {
              try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                  process.destroyForcibly();
                }
              } catch (InterruptedException e) {
                // The command finished first.
              }
            },
            "nodeless-engine-watchdog");
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  /** Drains standard error on its own thread so that a full pipe cannot stall the tool. */
  private static final class ErrorReader extends Thread {
    private final InputStream stream;
    private volatile String text = "";

    ErrorReader(InputStream stream) {
      super("nodeless-engine-stderr");
      setDaemon(true);
      this.stream = stream;
    }

    @Override
    public void run() {
      try (InputStream in = stream) {
        byte[] bytes = in.readNBytes(64 * 1024);
        text = new String(bytes, StandardCharsets.UTF_8).strip();
        in.transferTo(java.io.OutputStream.nullOutputStream());
      } catch (IOException e) {
        text = "cannot read the error output: " + e.getMessage();
      }
    }

    String text() {
      return text;
    }
  }

  static Path which(String name) {
    String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
    List<String> dirs = new ArrayList<>(List.of(path.split(File.pathSeparator)));
    dirs.addAll(List.of("/usr/local/bin", "/usr/bin", "/bin"));
    for (String dir : dirs) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, name);
      if (java.nio.file.Files.isExecutable(candidate)
          && !java.nio.file.Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    return null;
  }
}
