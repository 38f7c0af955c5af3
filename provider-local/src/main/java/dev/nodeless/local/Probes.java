package dev.nodeless.local;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ExecAction;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HTTPHeader;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.TCPSocketAction;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one probe or hook action without holding a thread while it waits: exec through the runtime,
 * httpGet with the asynchronous {@link HttpClient}, tcpSocket with an {@link
 * AsynchronousSocketChannel}. Like the kubelet, HTTPS probes do not verify certificates, and a
 * status code from 200 to 399 is a success.
 */
final class Probes implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Probes.class);

  /** Headers that {@link HttpClient} sets itself and does not let callers set. */
  private static final Set<String> RESTRICTED_HEADERS =
      Set.of("host", "connection", "content-length", "expect", "upgrade");

  static final String DEFAULT_HOST = "127.0.0.1";

  private final HttpClient http;
  private final ScheduledExecutorService scheduler;

  Probes(Executor executor, ScheduledExecutorService scheduler) {
    this.scheduler = scheduler;
    this.http =
        HttpClient.newBuilder()
            .executor(executor)
            .followRedirects(HttpClient.Redirect.NORMAL)
            .sslContext(trustingContext())
            .build();
  }

  /**
   * The result of one action.
   *
   * @param success whether it succeeded
   * @param detail what happened, for logs
   */
  record Result(boolean success, String detail) {}

  /** Runs whichever of the actions is set; exactly one must be. */
  CompletableFuture<Result> run(
      ExecAction exec,
      HTTPGetAction httpGet,
      TCPSocketAction tcpSocket,
      RunningContainer instance,
      Container container,
      Duration timeout) {
    if (exec != null) {
      List<String> command = exec.getCommand() == null ? List.of() : exec.getCommand();
      if (command.isEmpty()) {
        return CompletableFuture.completedFuture(new Result(false, "exec action has no command"));
      }
      return instance
          .exec(command, timeout)
          .thenApply(
              result ->
                  new Result(
                      result.succeeded(),
                      result.timedOut()
                          ? "command " + command + " timed out after " + timeout.toMillis() + " ms"
                          : "command "
                              + command
                              + " exited with "
                              + result.exitCode()
                              + ": "
                              + result.output().strip()));
    }
    boolean podLoopback = instance != null && instance.podPorts().isPresent();
    if (httpGet != null) {
      if (podLoopback && (httpGet.getHost() == null || httpGet.getHost().isEmpty())) {
        return httpGetThroughRelay(httpGet, instance.podPorts().get(), container, timeout);
      }
      return httpGet(httpGet, container, timeout);
    }
    if (tcpSocket != null) {
      if (podLoopback && (tcpSocket.getHost() == null || tcpSocket.getHost().isEmpty())) {
        return instance
            .podPorts()
            .get()
            .connect(resolvePort(tcpSocket.getPort(), container), timeout);
      }
      return tcpSocket(tcpSocket, container, timeout);
    }
    return CompletableFuture.completedFuture(new Result(false, "the probe has no action"));
  }

  /** Sends the request to the pod's loopback through a relay that lives as long as the request. */
  private CompletableFuture<Result> httpGetThroughRelay(
      HTTPGetAction action, PodPorts ports, Container container, Duration timeout) {
    PodPorts.Relay relay;
    try {
      relay = ports.relay(resolvePort(action.getPort(), container));
    } catch (IOException e) {
      return CompletableFuture.completedFuture(
          new Result(false, "cannot reach the pod's network namespace: " + e));
    }
    CompletableFuture<Result> result =
        httpGet(action, container, timeout, DEFAULT_HOST, relay.address().getPort());
    return result.whenComplete((ignored, error) -> relay.close());
  }

  private CompletableFuture<Result> httpGet(
      HTTPGetAction action, Container container, Duration timeout) {
    String host =
        action.getHost() == null || action.getHost().isEmpty() ? DEFAULT_HOST : action.getHost();
    return httpGet(action, container, timeout, host, resolvePort(action.getPort(), container));
  }

  private CompletableFuture<Result> httpGet(
      HTTPGetAction action, Container container, Duration timeout, String host, int port) {
    String scheme =
        action.getScheme() == null ? "http" : action.getScheme().toLowerCase(Locale.ROOT);
    String path = action.getPath() == null || action.getPath().isEmpty() ? "/" : action.getPath();
    if (!path.startsWith("/")) {
      path = "/" + path;
    }
    URI uri;
    try {
      uri = URI.create(scheme + "://" + hostForUri(host) + ":" + port + path);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.completedFuture(
          new Result(false, "invalid probe URL: " + e.getMessage()));
    }
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .timeout(timeout)
            .GET()
            .header("User-Agent", "kube-probe/1.33")
            .header("Accept", "*/*");
    if (action.getHttpHeaders() != null) {
      for (HTTPHeader header : action.getHttpHeaders()) {
        if (RESTRICTED_HEADERS.contains(header.getName().toLowerCase(Locale.ROOT))) {
          LOG.debug(
              "Probe header {} cannot be set with java.net.http; sending the default",
              header.getName());
          continue;
        }
        request.setHeader(header.getName(), header.getValue());
      }
    }
    return http.sendAsync(request.build(), HttpResponse.BodyHandlers.discarding())
        .handle(
            (response, error) -> {
              if (error != null) {
                return new Result(false, "GET " + uri + " failed: " + error.getCause());
              }
              int code = response.statusCode();
              return new Result(code >= 200 && code < 400, "GET " + uri + " returned " + code);
            });
  }

  private CompletableFuture<Result> tcpSocket(
      TCPSocketAction action, Container container, Duration timeout) {
    int port = resolvePort(action.getPort(), container);
    String host =
        action.getHost() == null || action.getHost().isEmpty() ? DEFAULT_HOST : action.getHost();
    CompletableFuture<Result> result = new CompletableFuture<>();
    AsynchronousSocketChannel channel;
    try {
      channel = AsynchronousSocketChannel.open();
    } catch (IOException e) {
      return CompletableFuture.completedFuture(new Result(false, "cannot open a socket: " + e));
    }
    var timer =
        scheduler.schedule(
            () -> {
              if (result.complete(
                  new Result(false, "connect to " + host + ":" + port + " timed out"))) {
                closeQuietly(channel);
              }
            },
            timeout.toMillis(),
            TimeUnit.MILLISECONDS);
    channel.connect(
        new InetSocketAddress(host, port),
        null,
        new CompletionHandler<Void, Void>() {
          @Override
          public void completed(Void ignored, Void attachment) {
            timer.cancel(false);
            result.complete(new Result(true, "connected to " + host + ":" + port));
            closeQuietly(channel);
          }

          @Override
          public void failed(Throwable error, Void attachment) {
            timer.cancel(false);
            result.complete(
                new Result(false, "connect to " + host + ":" + port + " failed: " + error));
            closeQuietly(channel);
          }
        });
    return result;
  }

  /**
   * The port number: the number itself, or the containerPort with this name.
   *
   * @return -1 when a name matches no port
   */
  static int resolvePort(IntOrString port, Container container) {
    if (port == null) {
      return -1;
    }
    if (port.getIntVal() != null) {
      return port.getIntVal();
    }
    String name = port.getStrVal();
    try {
      return Integer.parseInt(name);
    } catch (NumberFormatException e) {
      // A name; look it up below.
    }
    if (container.getPorts() != null) {
      for (ContainerPort candidate : container.getPorts()) {
        if (name.equals(candidate.getName())) {
          return candidate.getContainerPort();
        }
      }
    }
    return -1;
  }

  private static String hostForUri(String host) {
    return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
  }

  private static void closeQuietly(AsynchronousSocketChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      LOG.trace("Closing a probe socket failed", e);
    }
  }

  /** Accepts every certificate and host name, as the kubelet's HTTPS probes do. */
  private static SSLContext trustingContext() {
    TrustManager trustAll =
        new X509ExtendedTrustManager() {
          @Override
          public void checkClientTrusted(X509Certificate[] chain, String authType) {}

          @Override
          public void checkServerTrusted(X509Certificate[] chain, String authType) {}

          @Override
          public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

          @Override
          public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

          @Override
          public void checkClientTrusted(
              X509Certificate[] chain, String authType, SSLEngine engine) {}

          @Override
          public void checkServerTrusted(
              X509Certificate[] chain, String authType, SSLEngine engine) {}

          @Override
          public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
          }
        };
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {trustAll}, new SecureRandom());
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("TLS is not available in this JVM", e);
    }
  }

  @Override
  public void close() {
    // HttpClient on Java 17 has no close(); its selector thread ends once the client is
    // unreachable.
  }
}
