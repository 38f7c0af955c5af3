package dev.nodeless.examples.kubelet;

import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.InetAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-process API server for demo mode and tests: the fabric8 CRUD mock server on 127.0.0.1, plus
 * the few API server behaviours a kubelet relies on that the mock lacks.
 *
 * <ul>
 *   <li>Graceful pod deletion: deleting a pod bound to a node with a grace period above 0 sets
 *       {@code deletionTimestamp} and {@code deletionGracePeriodSeconds} and keeps the pod until a
 *       delete with grace period 0; a UID precondition that does not match fails with 409. The mock
 *       keeps a marked object only while it has a finalizer, so the marked pod carries the
 *       finalizer {@value #DELETION_FINALIZER}, which the final delete removes.
 *   <li>TokenReview: tokens registered with {@link #addToken} authenticate as their user; any other
 *       token does not.
 *   <li>The mock cannot evaluate a {@code spec.nodeName} field selector, so that term is removed
 *       and every pod is returned; the kubelet filters by node name itself.
 * </ul>
 */
public final class DemoApiServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DemoApiServer.class);
  static final String DELETION_FINALIZER = "demo.nodeless.dev/graceful-deletion";
  private static final Pattern POD_PATH =
      Pattern.compile("/api/v1/namespaces/([^/]+)/pods/([^/?]+)(\\?.*)?");
  private static final String TOKEN_REVIEWS = "/apis/authentication.k8s.io/v1/tokenreviews";

  /** Kept so that the level set on it is not lost when the logger is collected. */
  private static final java.util.logging.Logger MOCK_LOG =
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver.MockWebServer");

  private final KubernetesMockServer server;
  private final Map<String, String> tokens = new ConcurrentHashMap<>();
  private KubernetesClient schedulerClient;
  private final KubernetesSerialization serialization = new KubernetesSerialization();

  private DemoApiServer(int port) {
    // The mock logs every request at INFO through java.util.logging.
    MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    KubernetesMixedDispatcher crud = new KubernetesMixedDispatcher(responses);
    server =
        new KubernetesMockServer(
            new Context(), new MockWebServer(), responses, new Emulation(crud), false);
    try {
      server.init(InetAddress.getByName("127.0.0.1"), port);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("127.0.0.1 cannot be resolved", e);
    }
  }

  /** Starts the server on 127.0.0.1; port 0 picks a free one. */
  public static DemoApiServer start(int port) {
    return new DemoApiServer(port);
  }

  /** Makes a bearer token authenticate as this user in TokenReviews. */
  public DemoApiServer addToken(String token, String user) {
    tokens.put(token, user);
    return this;
  }

  /** URL of the server, such as {@code http://127.0.0.1:41234}. */
  public String url() {
    return "http://127.0.0.1:" + server.getPort();
  }

  /**
   * A new client for the server, configured from nothing else: no kubeconfig file, environment
   * variable or service account is read. The caller closes it.
   */
  public KubernetesClient newClient() {
    Config config =
        new ConfigBuilder(Config.empty()).withMasterUrl(url()).withNamespace("default").build();
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  /** A kubeconfig that points kubectl and other clients at this server with the given token. */
  public String kubeconfig(String token) {
    return String.join(
        "\n",
        "apiVersion: v1",
        "kind: Config",
        "clusters:",
        "- name: nodeless-demo",
        "  cluster:",
        "    server: " + url(),
        "users:",
        "- name: nodeless-demo",
        "  user:",
        "    token: " + token,
        "contexts:",
        "- name: nodeless-demo",
        "  context:",
        "    cluster: nodeless-demo",
        "    user: nodeless-demo",
        "    namespace: default",
        "current-context: nodeless-demo",
        "");
  }

  /**
   * Binds every pod created without {@code spec.nodeName} to this node, standing in for the
   * scheduler that the demo has no room for.
   */
  public synchronized void scheduleOnto(String nodeName) {
    if (schedulerClient != null) {
      return;
    }
    schedulerClient = newClient();
    schedulerClient
        .pods()
        .inAnyNamespace()
        .inform(
            new ResourceEventHandler<>() {
              @Override
              public void onAdd(Pod pod) {
                bind(pod);
              }

              @Override
              public void onUpdate(Pod old, Pod pod) {
                bind(pod);
              }

              @Override
              public void onDelete(Pod pod, boolean finalStateUnknown) {}

              private void bind(Pod pod) {
                if (pod.getSpec() == null || pod.getSpec().getNodeName() != null) {
                  return;
                }
                try {
                  schedulerClient
                      .pods()
                      .inNamespace(pod.getMetadata().getNamespace())
                      .withName(pod.getMetadata().getName())
                      .edit(
                          current ->
                              new PodBuilder(current)
                                  .editSpec()
                                  .withNodeName(nodeName)
                                  .endSpec()
                                  .build());
                } catch (KubernetesClientException e) {
                  LOG.warn(
                      "Demo scheduler failed to bind pod {}: {}",
                      pod.getMetadata().getName(),
                      e.getMessage());
                }
              }
            });
  }

  @Override
  public void close() {
    synchronized (this) {
      if (schedulerClient != null) {
        schedulerClient.close();
      }
    }
    server.destroy();
  }

  /** Routes requests to the CRUD dispatcher, adding the behaviours listed on the class. */
  private final class Emulation extends Dispatcher {
    private final KubernetesMixedDispatcher crud;

    Emulation(KubernetesMixedDispatcher crud) {
      this.crud = crud;
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
      String path = request.getPath();
      String method = request.getMethod().toUpperCase(java.util.Locale.ROOT);
      if ("POST".equals(method) && path.startsWith(TOKEN_REVIEWS)) {
        return tokenReview(request);
      }
      if ("GET".equals(method) && path.contains("fieldSelector=")) {
        return crud.dispatch(copy(request, HttpMethod.GET, withoutNodeNameSelector(path), null));
      }
      Matcher pod = POD_PATH.matcher(path);
      if ("DELETE".equals(method) && pod.matches()) {
        return deletePod(request, pod.group(1), pod.group(2));
      }
      return crud.dispatch(request);
    }

    @Override
    public void shutdown() {
      crud.shutdown();
    }

    private synchronized MockResponse deletePod(
        RecordedRequest request, String namespace, String name) {
      String podPath = "/api/v1/namespaces/" + namespace + "/pods/" + name;
      Pod stored = get(podPath);
      if (stored == null) {
        return crud.dispatch(request);
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
        if (!marked) {
          put(
              podPath,
              new PodBuilder(stored)
                  .editMetadata()
                  .addToFinalizers(DELETION_FINALIZER)
                  .withDeletionGracePeriodSeconds(grace)
                  .endMetadata()
                  .build());
          crud.dispatch(copy(request, HttpMethod.DELETE, podPath, null));
        }
        return json(200, get(podPath));
      }
      if (!marked) {
        crud.dispatch(copy(request, HttpMethod.DELETE, podPath, null));
      }
      Pod remaining = get(podPath);
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

    private long gracePeriod(DeleteOptions options, Pod stored) {
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

    private Pod get(String path) {
      MockResponse response = crud.dispatch(copy(null, HttpMethod.GET, path, null));
      if (response.code() != 200) {
        return null;
      }
      return serialization.unmarshal(response.getBody().readUtf8(), Pod.class);
    }

    private void put(String path, Pod pod) {
      crud.dispatch(copy(null, HttpMethod.PUT, path, serialization.asJson(pod)));
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
            ? io.fabric8.mockwebserver.http.Headers.builder()
                .add("Content-Type", "application/json")
                .build()
            : original.getHeaders(),
        buffer);
  }

  /** Removes the {@code spec.nodeName} term from a field selector, keeping the others. */
  static String withoutNodeNameSelector(String path) {
    int question = path.indexOf('?');
    if (question < 0) {
      return path;
    }
    List<String> kept = new ArrayList<>();
    for (String parameter : path.substring(question + 1).split("&")) {
      if (!parameter.startsWith("fieldSelector=")) {
        kept.add(parameter);
        continue;
      }
      String selector =
          URLDecoder.decode(parameter.substring("fieldSelector=".length()), StandardCharsets.UTF_8);
      List<String> terms = new ArrayList<>();
      for (String term : selector.split(",")) {
        if (!term.startsWith("spec.nodeName")) {
          terms.add(term);
        }
      }
      if (!terms.isEmpty()) {
        kept.add(
            "fieldSelector=" + URLEncoder.encode(String.join(",", terms), StandardCharsets.UTF_8));
      }
    }
    return path.substring(0, question) + (kept.isEmpty() ? "" : "?" + String.join("&", kept));
  }
}
