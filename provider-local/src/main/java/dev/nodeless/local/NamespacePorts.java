package dev.nodeless.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reaches a pod's loopback by running a small relay inside its network namespace: {@code nsenter}
 * enters the namespace of the pod's infra process and {@code bash} opens the connection with its
 * {@code /dev/tcp} redirection. Nothing runs inside the containers, so probes work with images that
 * hold no network tools, and no address outside the host's loopback is used.
 */
final class NamespacePorts implements PodPorts {
  private static final Logger LOG = LoggerFactory.getLogger(NamespacePorts.class);

  /** Connects fd 3 to the port given as $0 on the namespace's loopback. */
  private static final String CONNECT = "exec 3<>/dev/tcp/127.0.0.1/\"$0\"";

  /** Copies stdin to the connection and the connection to stdout. */
  private static final String RELAY = CONNECT + " || exit 1; cat <&3 & cat >&3; wait";

  /** Finds the PID of a process inside the pod's network namespace. */
  interface PidSource {
    long pid() throws IOException;
  }

  private final PidSource pid;
  private final List<String> enter;
  private final Executor threads;

  /**
   * @param enter the command prefix that enters a namespace, such as {@code [nsenter]}, or {@code
   *     [podman, unshare, nsenter]} for rootless podman
   */
  NamespacePorts(PidSource pid, List<String> enter, Executor threads) {
    this.pid = pid;
    this.enter = List.copyOf(enter);
    this.threads = threads;
  }

  private ProcessBuilder helper(String script, int port) throws IOException {
    List<String> argv = new java.util.ArrayList<>(enter);
    argv.add("--net=/proc/" + pid.pid() + "/ns/net");
    argv.addAll(List.of("bash", "-c", script, Integer.toString(port)));
    return new ProcessBuilder(argv);
  }

  @Override
  public CompletableFuture<Probes.Result> connect(int port, Duration timeout) {
    String target = "127.0.0.1:" + port + " in the pod's network namespace";
    return CompletableFuture.supplyAsync(
        () -> {
          Process process;
          try {
            process = helper(CONNECT, port).redirectErrorStream(true).start();
          } catch (IOException e) {
            return new Probes.Result(false, "cannot reach " + target + ": " + e.getMessage());
          }
          try (InputStream out = process.getInputStream()) {
            process.getOutputStream().close();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
              process.destroyForcibly();
              return new Probes.Result(false, "connect to " + target + " timed out");
            }
            if (process.exitValue() == 0) {
              return new Probes.Result(true, "connected to " + target);
            }
            String error = new String(out.readNBytes(1024), StandardCharsets.UTF_8).strip();
            return new Probes.Result(false, "connect to " + target + " failed: " + error);
          } catch (IOException e) {
            return new Probes.Result(false, "connect to " + target + " failed: " + e);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            return new Probes.Result(false, "interrupted");
          }
        },
        threads);
  }

  @Override
  public Relay relay(int port) throws IOException {
    ServerSocket server = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
    OpenRelay relay = new OpenRelay(server, port);
    threads.execute(relay::acceptLoop);
    return relay;
  }

  /** A listening socket on the host's loopback; each connection gets its own helper process. */
  private final class OpenRelay implements Relay {
    private final ServerSocket server;
    private final int port;
    private final List<AutoCloseable> open = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    OpenRelay(ServerSocket server, int port) {
      this.server = server;
      this.port = port;
    }

    @Override
    public InetSocketAddress address() {
      return new InetSocketAddress(server.getInetAddress(), server.getLocalPort());
    }

    void acceptLoop() {
      while (!closed) {
        Socket socket;
        try {
          socket = server.accept();
        } catch (IOException e) {
          return;
        }
        open.add(socket);
        try {
          Process process =
              helper(RELAY, port).redirectError(ProcessBuilder.Redirect.DISCARD).start();
          open.add(() -> killTree(process));
          threads.execute(() -> copy(socket::getInputStream, process::getOutputStream, null));
          threads.execute(() -> copy(process::getInputStream, socket::getOutputStream, socket));
        } catch (IOException e) {
          LOG.debug("Cannot start the relay to port {}: {}", port, e.toString());
          closeQuietly(socket);
        }
      }
    }

    @Override
    public void close() {
      closed = true;
      closeQuietly(server);
      open.forEach(NamespacePorts::closeQuietly);
      open.clear();
    }
  }

  private interface StreamSource<T> {
    T get() throws IOException;
  }

  /** Copies until the end of the input, then closes the output (and {@code socket}, if given). */
  private static void copy(
      StreamSource<InputStream> from, StreamSource<OutputStream> to, Socket socket) {
    try (InputStream in = from.get();
        OutputStream out = to.get()) {
      byte[] buffer = new byte[8192];
      int read;
      while ((read = in.read(buffer)) >= 0) {
        out.write(buffer, 0, read);
        out.flush();
      }
    } catch (IOException e) {
      LOG.trace("Relay copy ended: {}", e.toString());
    } finally {
      if (socket != null) {
        closeQuietly(socket);
      }
    }
  }

  private static void killTree(Process process) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      LOG.trace("Closing a relay resource failed", e);
    }
  }
}
