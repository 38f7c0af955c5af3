package dev.nodeless.examples.kubelet;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.logging.Level;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-process API server for demo mode and tests: the fabric8 CRUD mock server on 127.0.0.1, plus
 * the API server behaviours that a kubelet and kubectl rely on and that the mock lacks. {@link
 * DemoDispatcher} lists them.
 */
public final class DemoApiServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DemoApiServer.class);

  /** Kept so that the level set on it is not lost when the logger is collected. */
  private static final java.util.logging.Logger MOCK_LOG =
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver.MockWebServer");

  private final KubernetesMockServer server;
  private final DemoDispatcher dispatcher;
  private KubernetesClient schedulerClient;

  private DemoApiServer(int port) {
    // The mock logs every request at INFO through java.util.logging.
    MOCK_LOG.setLevel(Level.WARNING);
    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    dispatcher = new DemoDispatcher(new IndexedCrudDispatcher());
    server =
        new KubernetesMockServer(new Context(), new MockWebServer(), responses, dispatcher, false);
    try {
      server.init(InetAddress.getByName("127.0.0.1"), port);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("127.0.0.1 cannot be resolved", e);
    }
    dispatcher.serverAddress("127.0.0.1:" + server.getPort());
  }

  /** Starts the server on 127.0.0.1; port 0 picks a free one. */
  public static DemoApiServer start(int port) {
    return new DemoApiServer(port);
  }

  /** Makes a bearer token authenticate as this user in TokenReviews. */
  public DemoApiServer addToken(String token, String user) {
    dispatcher.addToken(token, user);
    return this;
  }

  /**
   * PEM of the CA that signed the client certificate this server presents to the kubelet API when
   * it serves {@code pods/log}; pass it to the kubelet as its client CA.
   */
  public String kubeletClientCaPem() {
    return dispatcher.kubeletClientCaPem();
  }

  /**
   * Lets {@code GET pods/{name}/log} reach a kubelet that serves this certificate, as the API
   * server passes {@code kubectl logs} on to the kubelet.
   */
  public void trustKubelet(X509Certificate servingCertificate) {
    dispatcher.trustKubelet(servingCertificate);
  }

  /** URL of the server, such as {@code http://127.0.0.1:41234}. */
  public String url() {
    return "http://127.0.0.1:" + server.getPort();
  }

  /**
   * Creates a client for the server, configured from nothing else: no kubeconfig file, environment
   * variable or service account is read. The caller closes it.
   */
  public KubernetesClient newClient() {
    Config config =
        new ConfigBuilder(Config.empty()).withMasterUrl(url()).withNamespace("default").build();
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  /** Returns a kubeconfig that points kubectl and other clients at this server with the token. */
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
   * scheduler that the demo does not have.
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
                bind(pod, nodeName);
              }

              @Override
              public void onUpdate(Pod old, Pod pod) {
                bind(pod, nodeName);
              }

              @Override
              public void onDelete(Pod pod, boolean finalStateUnknown) {}
            });
  }

  private void bind(Pod pod, String nodeName) {
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
                  new PodBuilder(current).editSpec().withNodeName(nodeName).endSpec().build());
      LOG.info("Demo scheduler bound pod {} to node {}", pod.getMetadata().getName(), nodeName);
    } catch (KubernetesClientException e) {
      LOG.warn(
          "Demo scheduler failed to bind pod {}: {}", pod.getMetadata().getName(), e.getMessage());
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      if (schedulerClient != null) {
        schedulerClient.close();
      }
    }
    try {
      server.destroy();
    } catch (IllegalStateException e) {
      // The mock server stops waiting for its connections after 10 s, and then leaves its Vert.x
      // threads running. It can happen when a watch event is being written to a client that just
      // closed (fabric8 mockwebserver 7.8 and later, see line/armeria#6904). The port is closed
      // by then, and nothing else is left to release.
      LOG.warn("The demo API server did not close all of its connections: {}", e.getMessage());
    }
  }
}
