package dev.nodeless.examples.kubelet;

import dev.nodeless.NodelessException;
import dev.nodeless.PodLauncher;
import dev.nodeless.PodNotFoundException;
import dev.nodeless.PodRef;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodListBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.io.IOException;
import java.io.InputStream;
import java.security.cert.Certificate;
import java.time.Clock;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kubelet HTTP API over TLS, served by Vert.x: {@code GET /containerLogs/...}, {@code GET
 * /pods}, {@code GET /metrics} and {@code GET /healthz}. Every route requires an authenticated user
 * unless anonymous access was switched on. Log streams are chunked. Each runs on its own thread,
 * because a follow stream blocks until the container writes, and stops as soon as the client
 * disconnects.
 */
final class KubeletServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KubeletServer.class);
  private static final String LOGS_PREFIX = "/containerLogs/";
  private static final long WRITE_TIMEOUT_SECONDS = 60;

  private final PodLauncher launcher;
  private final PodController pods;
  private final Authenticator authenticator;
  private final KubeletMetrics metrics;
  private final BooleanSupplier healthy;
  private final String nodeName;
  private final Clock clock;
  private final KubernetesSerialization serialization = new KubernetesSerialization();
  private final Vertx vertx =
      Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(4));
  private final ExecutorService logThreads =
      Executors.newCachedThreadPool(WorkQueue.daemonThreads("kubelet-logs"));
  private HttpServer server;

  KubeletServer(
      PodLauncher launcher,
      PodController pods,
      Authenticator authenticator,
      KubeletMetrics metrics,
      BooleanSupplier healthy,
      String nodeName,
      Clock clock) {
    this.launcher = launcher;
    this.pods = pods;
    this.authenticator = authenticator;
    this.metrics = metrics;
    this.healthy = healthy;
    this.nodeName = nodeName;
    this.clock = clock;
  }

  /** Starts listening and returns the port, which differs from the configured one when it was 0. */
  int start(KubeletConfig config, ServingCertificate certificate) {
    HttpServerOptions options =
        new HttpServerOptions()
            .setHost(config.bindAddress())
            .setPort(config.port())
            .setSsl(true)
            .setKeyCertOptions(
                new PemKeyCertOptions()
                    .setCertValue(Buffer.buffer(certificate.certificatePem()))
                    .setKeyValue(Buffer.buffer(certificate.keyPem())));
    config
        .clientCaFile()
        .ifPresent(
            ca ->
                options
                    .setTrustOptions(new PemTrustOptions().addCertPath(ca.toString()))
                    .setClientAuth(ClientAuth.REQUEST));
    try {
      server =
          vertx
              .createHttpServer(options)
              .requestHandler(this::handle)
              .listen()
              .toCompletionStage()
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NodelessException("interrupted while starting the kubelet API", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new NodelessException(
          "failed to listen on "
              + config.bindAddress()
              + ":"
              + config.port()
              + ": "
              + e.getCause()
              + ". Fix: pick a free port with --port",
          e);
    }
    LOG.info("Kubelet API listening on https://{}:{}", config.bindAddress(), server.actualPort());
    return server.actualPort();
  }

  private void handle(HttpServerRequest request) {
    List<Certificate> peers = peerCertificates(request);
    String authorization = request.getHeader("Authorization");
    vertx
        .executeBlocking(() -> authenticator.authenticate(peers, authorization), false)
        .onComplete(
            result -> {
              Optional<String> user = result.succeeded() ? result.result() : Optional.empty();
              if (user.isEmpty()) {
                LOG.debug(
                    "Refused unauthenticated request {} {}", request.method(), request.path());
                request.response().putHeader("WWW-Authenticate", "Bearer");
                text(request.response(), 401, "Unauthorized: send a client certificate or token");
                return;
              }
              LOG.debug("{} {} by {}", request.method(), request.path(), user.get());
              // TODO: authorize with SubjectAccessReviews (nodes/proxy, nodes/log) as the kubelet's
              // webhook authorizer does; any authenticated user may read every pod's logs now.
              route(request);
            });
  }

  private void route(HttpServerRequest request) {
    String path = request.path();
    if (request.method() != HttpMethod.GET) {
      text(request.response(), 405, "method " + request.method() + " not allowed; use GET");
    } else if ("/pods".equals(path) || "/pods/".equals(path)) {
      String body = serialization.asJson(new PodListBuilder().withItems(pods.apiPods()).build());
      request.response().setStatusCode(200).putHeader("Content-Type", "application/json").end(body);
    } else if ("/healthz".equals(path)) {
      boolean up = healthy.getAsBoolean();
      text(request.response(), up ? 200 : 503, up ? "ok" : "provider unhealthy");
    } else if ("/metrics".equals(path)) {
      request
          .response()
          .setStatusCode(200)
          .putHeader("Content-Type", KubeletMetrics.CONTENT_TYPE)
          .end(metrics.scrape());
    } else if (path.startsWith(LOGS_PREFIX)) {
      logs(request, path.substring(LOGS_PREFIX.length()));
    } else {
      // TODO: serve /exec, /attach, /portForward and /stats/summary for kubectl exec and top.
      text(request.response(), 404, "no route for " + path);
    }
  }

  private void logs(HttpServerRequest request, String rest) {
    String[] parts = rest.split("/", -1);
    if (parts.length != 3 || Stream.of(parts).anyMatch(String::isEmpty)) {
      text(request.response(), 404, "expected /containerLogs/{namespace}/{pod}/{container}");
      return;
    }
    LogQuery.Parsed query;
    try {
      query = LogQuery.parse(firstValues(request), clock);
    } catch (IllegalArgumentException e) {
      text(request.response(), 400, e.getMessage());
      return;
    }
    Optional<Pod> pod = pods.apiPod(parts[0], parts[1]);
    if (pod.isEmpty()) {
      text(
          request.response(),
          404,
          "pod " + parts[0] + "/" + parts[1] + " not found on node " + nodeName);
      return;
    }
    if (!hasContainer(pod.get(), parts[2])) {
      text(
          request.response(),
          404,
          "container " + parts[2] + " not found in pod " + parts[0] + "/" + parts[1]);
      return;
    }
    PodRef ref = PodRef.of(pod.get());
    logThreads.execute(() -> stream(request.response(), ref, parts[2], query));
  }

  private void stream(
      HttpServerResponse response, PodRef ref, String container, LogQuery.Parsed query) {
    InputStream in;
    try {
      in = launcher.logs(ref, container, query.options());
    } catch (PodNotFoundException e) {
      text(response, 404, e.getMessage());
      return;
    } catch (IllegalArgumentException e) {
      text(response, 400, e.getMessage());
      return;
    } catch (RuntimeException e) {
      LOG.warn("Opening the log of {} container {} failed: {}", ref, container, e.toString());
      text(response, 500, "failed to open the log: " + e.getMessage());
      return;
    }
    AtomicBoolean gone = new AtomicBoolean();
    response.closeHandler(
        ignored -> {
          gone.set(true);
          closeQuietly(in);
        });
    if (response.closed()) {
      gone.set(true);
    }
    metrics.logStreamOpened();
    LOG.debug("Streaming log of {} container {} ({})", ref, container, query.options());
    try {
      response
          .setStatusCode(200)
          .setChunked(true)
          .putHeader("Content-Type", "text/plain; charset=utf-8");
      copy(in, response, query.limitBytes().orElse(Long.MAX_VALUE), gone);
      if (!gone.get()) {
        response.end();
      }
    } catch (IOException | ExecutionException | TimeoutException e) {
      if (!gone.get()) {
        LOG.debug("Log stream of {} container {} ended: {}", ref, container, e.toString());
        response.reset();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      response.reset();
    } finally {
      closeQuietly(in);
      metrics.logStreamClosed();
      LOG.debug("Log stream of {} container {} closed", ref, container);
    }
  }

  private static void copy(
      InputStream in, HttpServerResponse response, long limit, AtomicBoolean gone)
      throws IOException, ExecutionException, TimeoutException, InterruptedException {
    byte[] chunk = new byte[8192];
    long remaining = limit;
    while (remaining > 0 && !gone.get()) {
      int read = in.read(chunk, 0, (int) Math.min(chunk.length, remaining));
      if (read < 0) {
        return;
      }
      if (read == 0 || gone.get()) {
        continue;
      }
      remaining -= read;
      response
          .write(Buffer.buffer(Arrays.copyOf(chunk, read)))
          .toCompletionStage()
          .toCompletableFuture()
          .get(WRITE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }
  }

  private static boolean hasContainer(Pod pod, String name) {
    Stream<String> names =
        Stream.of(
                pod.getSpec().getContainers().stream().map(Container::getName),
                nullSafe(pod.getSpec().getInitContainers()).stream().map(Container::getName),
                nullSafe(pod.getSpec().getEphemeralContainers()).stream()
                    .map(EphemeralContainer::getName))
            .flatMap(s -> s);
    return names.anyMatch(name::equals);
  }

  private static <T> List<T> nullSafe(List<T> list) {
    return list == null ? List.of() : list;
  }

  private static Map<String, String> firstValues(HttpServerRequest request) {
    Map<String, String> values = new HashMap<>();
    request.params().forEach(entry -> values.putIfAbsent(entry.getKey(), entry.getValue()));
    return values;
  }

  private static List<Certificate> peerCertificates(HttpServerRequest request) {
    try {
      List<Certificate> peers = request.connection().peerCertificates();
      return peers == null ? List.of() : peers;
    } catch (SSLPeerUnverifiedException e) {
      return List.of();
    }
  }

  private static void text(HttpServerResponse response, int status, String message) {
    if (response.ended() || response.closed()) {
      return;
    }
    response
        .setStatusCode(status)
        .putHeader("Content-Type", "text/plain; charset=utf-8")
        .end(message + "\n");
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException e) {
      LOG.debug("Closing a log stream failed: {}", e.toString());
    }
  }

  @Override
  public void close() {
    try {
      if (server != null) {
        server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn("Kubelet API did not stop cleanly: {}", e.toString());
    }
    logThreads.shutdownNow();
  }
}
