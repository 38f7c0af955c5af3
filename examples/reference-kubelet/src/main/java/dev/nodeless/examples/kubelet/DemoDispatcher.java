package dev.nodeless.examples.kubelet;

import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Routes requests to the fabric8 CRUD dispatcher and adds what a kubelet and kubectl need from an
 * API server:
 *
 * <ul>
 *   <li>Graceful pod deletion: deleting a pod bound to a node with a grace period above 0 sets
 *       {@code deletionTimestamp} and {@code deletionGracePeriodSeconds} and keeps the pod until a
 *       delete with grace period 0; a UID precondition that does not match fails with 409. The mock
 *       keeps a marked object only while it has a finalizer, so the marked pod carries the
 *       finalizer {@value #DELETION_FINALIZER}, which the final delete removes.
 *   <li>TokenReview: registered tokens authenticate as their user; any other token does not.
 *   <li>Field selectors other than {@code metadata.name} and {@code metadata.namespace}, which the
 *       mock cannot evaluate: lists are filtered here; watches lose the term and send every object,
 *       and the kubelet filters pods by node name itself.
 *   <li>Discovery documents, so that kubectl works, and {@code pods/log}, read from the pod's
 *       kubelet with a client certificate, so that {@code kubectl logs} works (without {@code -f}:
 *       the mock cannot stream).
 * </ul>
 */
final class DemoDispatcher extends Dispatcher {
  static final String DELETION_FINALIZER = "demo.nodeless.dev/graceful-deletion";
  private static final Pattern POD_PATH =
      Pattern.compile("/api/v1/namespaces/([^/]+)/pods/([^/?]+)(\\?.*)?");
  private static final Pattern POD_LOG_PATH =
      Pattern.compile("/api/v1/namespaces/([^/]+)/pods/([^/?]+)/log(?:\\?(.*))?");
  private static final String TOKEN_REVIEWS = "/apis/authentication.k8s.io/v1/tokenreviews";

  private final IndexedCrudDispatcher crud;
  private final KubernetesSerialization serialization = new KubernetesSerialization();
  private final Map<String, String> tokens = new ConcurrentHashMap<>();
  private final List<ServingCertificate> kubeletClientCa =
      ServingCertificate.clientCa("nodeless-demo-kubelet-client-ca", "system:kube-apiserver");
  private volatile HttpClient kubeletClient;
  private volatile String serverAddress = "127.0.0.1";
  private final Object[] deletionLocks = newLocks(64);

  DemoDispatcher(IndexedCrudDispatcher crud) {
    this.crud = crud;
  }

  private static Object[] newLocks(int count) {
    Object[] locks = new Object[count];
    for (int i = 0; i < count; i++) {
      locks[i] = new Object();
    }
    return locks;
  }

  void serverAddress(String address) {
    this.serverAddress = address;
  }

  void addToken(String token, String user) {
    tokens.put(token, user);
  }

  String kubeletClientCaPem() {
    return kubeletClientCa.get(0).certificatePem();
  }

  void trustKubelet(X509Certificate servingCertificate) {
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("kubelet", servingCertificate);
      TrustManagerFactory trustManagers =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trustManagers.init(trust);
      ServingCertificate client = kubeletClientCa.get(1);
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry(
          "client", client.privateKey(), new char[0], new X509Certificate[] {client.certificate()});
      KeyManagerFactory keyManagers =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keyManagers.init(keys, new char[0]);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
      kubeletClient =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .sslContext(context)
              .connectTimeout(Duration.ofSeconds(10))
              .build();
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot trust the kubelet certificate: " + e, e);
    }
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    String path = request.getPath();
    String method = request.getMethod().toUpperCase(Locale.ROOT);
    if ("POST".equals(method) && path.startsWith(TOKEN_REVIEWS)) {
      return tokenReview(request);
    }
    if ("GET".equals(method)) {
      Optional<Object> discovery = DemoDiscovery.answer(path, serverAddress);
      if (discovery.isPresent()) {
        return json(200, discovery.get());
      }
      if (path.startsWith("/openapi/")) {
        return status(404, "NotFound", "the demo API server publishes no OpenAPI schema");
      }
      Matcher log = POD_LOG_PATH.matcher(path);
      if (log.matches()) {
        return podLog(log.group(1), log.group(2), log.group(3));
      }
      if (path.contains("fieldSelector=")) {
        return selected(request, path);
      }
    }
    Matcher pod = POD_PATH.matcher(path);
    if ("DELETE".equals(method) && pod.matches()) {
      return deletePod(request, pod.group(1), pod.group(2));
    }
    return withJsonType(crud.dispatch(request));
  }

  @Override
  public void shutdown() {
    crud.shutdown();
  }

  private MockResponse selected(RecordedRequest request, String path) {
    DemoFieldSelectors.Split split = DemoFieldSelectors.split(path);
    boolean watch = path.contains("watch=true") || path.contains("watch=1");
    if (watch) {
      return crud.dispatch(copy(request, HttpMethod.GET, split.pathWithoutUnsupported(), null));
    }
    MockResponse response =
        crud.dispatch(copy(request, HttpMethod.GET, split.pathWithoutUnsupported(), null));
    if (response.code() != 200 || split.unsupported().isEmpty()) {
      return withJsonType(response);
    }
    String filtered =
        DemoFieldSelectors.filterList(response.getBody().readUtf8(), split.unsupported());
    return new MockResponse()
        .setResponseCode(200)
        .setHeader("Content-Type", "application/json")
        .setBody(filtered);
  }

  private MockResponse deletePod(RecordedRequest request, String namespace, String name) {
    String podPath = "/api/v1/namespaces/" + namespace + "/pods/" + name;
    // The steps below read and write the same pod, so deletions of one pod must not interleave.
    synchronized (deletionLocks[Math.floorMod(podPath.hashCode(), deletionLocks.length)]) {
      return deletePod(request, podPath);
    }
  }

  private MockResponse deletePod(RecordedRequest request, String podPath) {
    Pod stored = get(podPath, Pod.class);
    if (stored == null) {
      return withJsonType(crud.dispatch(request));
    }
    String body = request.getUtf8Body();
    DeleteOptions options =
        body == null || body.isBlank()
            ? new DeleteOptions()
            : serialization.unmarshal(body, DeleteOptions.class);
    String uid = stored.getMetadata().getUid();
    if (options.getPreconditions() != null
        && options.getPreconditions().getUid() != null
        && !options.getPreconditions().getUid().equals(uid)) {
      return status(
          409,
          "Conflict",
          "Precondition failed: UID in precondition: "
              + options.getPreconditions().getUid()
              + ", UID in object meta: "
              + uid);
    }
    long grace = gracePeriod(options, stored);
    boolean bound = stored.getSpec() != null && stored.getSpec().getNodeName() != null;
    boolean marked = stored.getMetadata().getDeletionTimestamp() != null;
    if (grace > 0 && bound) {
      // The API server keeps a bound pod until its kubelet has stopped it. The mark is one update,
      // so watchers see one change, as from a real API server.
      if (marked) {
        return json(200, stored);
      }
      MockResponse updated =
          put(
              podPath,
              new PodBuilder(stored)
                  .editMetadata()
                  .addToFinalizers(DELETION_FINALIZER)
                  .withDeletionGracePeriodSeconds(grace)
                  .withDeletionTimestamp(
                      DateTimeFormatter.ISO_INSTANT.format(
                          Instant.now().plusSeconds(grace).truncatedTo(ChronoUnit.SECONDS)))
                  .endMetadata()
                  .build());
      return withJsonType(updated);
    }
    if (!marked) {
      crud.dispatch(copy(request, HttpMethod.DELETE, podPath, null));
    }
    Pod remaining = marked ? stored : get(podPath, Pod.class);
    if (remaining != null) {
      List<String> finalizers = new ArrayList<>(remaining.getMetadata().getFinalizers());
      finalizers.remove(DELETION_FINALIZER);
      put(
          podPath,
          new PodBuilder(remaining)
              .editMetadata()
              .withFinalizers(finalizers)
              .endMetadata()
              .build());
    }
    return json(200, stored);
  }

  private static long gracePeriod(DeleteOptions options, Pod stored) {
    if (options.getGracePeriodSeconds() != null) {
      return options.getGracePeriodSeconds();
    }
    Long spec =
        stored.getSpec() == null ? null : stored.getSpec().getTerminationGracePeriodSeconds();
    return spec == null ? 30 : spec;
  }

  private MockResponse tokenReview(RecordedRequest request) {
    TokenReview review = serialization.unmarshal(request.getUtf8Body(), TokenReview.class);
    String token = review.getSpec() == null ? null : review.getSpec().getToken();
    String user = token == null ? null : tokens.get(token);
    TokenReview answer =
        new TokenReviewBuilder(review)
            .withNewStatus()
            .withAuthenticated(user != null)
            .withNewUser()
            .withUsername(user)
            .endUser()
            .endStatus()
            .build();
    answer.getSpec().setToken(null);
    return json(201, answer);
  }

  /**
   * Reads a container log from the pod's kubelet, as the API server does for {@code kubectl logs}.
   * The whole response is read before it is returned, because the mock cannot stream, so {@code
   * follow} is dropped.
   */
  private MockResponse podLog(String namespace, String name, String query) {
    Pod pod = get("/api/v1/namespaces/" + namespace + "/pods/" + name, Pod.class);
    if (pod == null) {
      return status(404, "NotFound", "pods \"" + name + "\" not found");
    }
    Map<String, String> parameters = DemoFieldSelectors.queryParameters(query);
    String container = parameters.remove("container");
    parameters.remove("follow");
    if (container == null) {
      if (pod.getSpec().getContainers().size() != 1) {
        return status(400, "BadRequest", "a container name must be specified for pod " + name);
      }
      container = pod.getSpec().getContainers().get(0).getName();
    }
    String nodeName = pod.getSpec().getNodeName();
    Node node = nodeName == null ? null : get("/api/v1/nodes/" + nodeName, Node.class);
    HttpClient client = kubeletClient;
    if (node == null || client == null) {
      return status(503, "ServiceUnavailable", "the pod's kubelet cannot be reached");
    }
    String address =
        node.getStatus().getAddresses().stream()
            .filter(found -> "InternalIP".equals(found.getType()))
            .map(NodeAddress::getAddress)
            .findFirst()
            .orElse("127.0.0.1");
    int port = node.getStatus().getDaemonEndpoints().getKubeletEndpoint().getPort();
    StringBuilder url =
        new StringBuilder("https://")
            .append(address)
            .append(':')
            .append(port)
            .append("/containerLogs/")
            .append(namespace)
            .append('/')
            .append(name)
            .append('/')
            .append(container);
    String separator = "?";
    for (Map.Entry<String, String> parameter : parameters.entrySet()) {
      url.append(separator)
          .append(parameter.getKey())
          .append('=')
          .append(URLEncoder.encode(parameter.getValue(), StandardCharsets.UTF_8));
      separator = "&";
    }
    try {
      HttpResponse<String> answer =
          client.send(
              HttpRequest.newBuilder(URI.create(url.toString()))
                  .timeout(Duration.ofSeconds(30))
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return new MockResponse()
          .setResponseCode(answer.statusCode())
          .setHeader("Content-Type", "text/plain")
          .setBody(answer.body());
    } catch (IOException e) {
      return status(502, "BadGateway", "the kubelet failed to answer: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return status(503, "ServiceUnavailable", "interrupted");
    }
  }

  private <T> T get(String path, Class<T> type) {
    MockResponse response = crud.dispatch(copy(null, HttpMethod.GET, path, null));
    if (response.code() != 200) {
      return null;
    }
    return serialization.unmarshal(response.getBody().readUtf8(), type);
  }

  private MockResponse put(String path, Pod pod) {
    return crud.dispatch(copy(null, HttpMethod.PUT, path, serialization.asJson(pod)));
  }

  private MockResponse json(int code, Object body) {
    return new MockResponse()
        .setResponseCode(code)
        .setHeader("Content-Type", "application/json")
        .setBody(serialization.asJson(body));
  }

  private MockResponse status(int code, String reason, String message) {
    return json(
        code,
        new StatusBuilder()
            .withStatus("Failure")
            .withCode(code)
            .withReason(reason)
            .withMessage(message)
            .build());
  }

  /**
   * Labels a plain response as JSON: kubectl takes an unlabelled body for protobuf when it asked
   * for both.
   */
  private static MockResponse withJsonType(MockResponse response) {
    if (response != null
        && response.getWebSocketListener() == null
        && response.header("Content-Type") == null) {
      response.setHeader("Content-Type", "application/json");
    }
    return response;
  }

  private static RecordedRequest copy(
      RecordedRequest original, HttpMethod method, String path, String body) {
    Buffer buffer = new Buffer();
    if (body != null) {
      buffer.writeUtf8(body);
    }
    return new RecordedRequest(
        original == null ? "HTTP/1.1" : original.getHttpVersion(),
        method,
        path,
        original == null
            ? Headers.builder().add("Content-Type", "application/json").build()
            : original.getHeaders(),
        buffer);
  }
}
