package dev.nodeless.examples.kubelet;

import dev.nodeless.PodLauncher;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A virtual kubelet: registers a Node with the API server and runs the pods bound to it through a
 * {@link PodLauncher}. It keeps the node's status and lease current, writes every pod status change
 * to the API, and serves the kubelet API ({@code /containerLogs}, {@code /pods}, {@code /metrics},
 * {@code /healthz}) over TLS, so that {@code kubectl logs} works.
 *
 * <p>Start it with {@link #start}; {@link #close()} stops it and the provider. The caller keeps the
 * Kubernetes client and closes it afterwards.
 */
public final class Kubelet implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Kubelet.class);

  private final KubeletConfig config;
  private final PodLauncher launcher;
  private final ScheduledExecutorService scheduler;
  private final KubeletMetrics metrics = new KubeletMetrics();
  private final AtomicBoolean healthy = new AtomicBoolean(true);
  private final AtomicBoolean closed = new AtomicBoolean();
  private EventRecorder events;
  private PodController pods;
  private NodeController node;
  private LeaseController lease;
  private KubeletServer server;
  private ServingCertificate certificate;
  private int port;

  private Kubelet(KubeletConfig config, PodLauncher launcher) {
    this.config = config;
    this.launcher = launcher;
    ScheduledThreadPoolExecutor timers =
        new ScheduledThreadPoolExecutor(2, WorkQueue.daemonThreads("kubelet-timers"));
    timers.setRemoveOnCancelPolicy(true);
    this.scheduler = timers;
  }

  /**
   * Starts a kubelet: builds the launcher on the configured provider, starts the kubelet API,
   * registers the node NotReady, starts the pod controller and then turns the node Ready.
   *
   * @throws dev.nodeless.NoProviderException when no provider fits the configuration
   * @throws dev.nodeless.NodelessException when the API server cannot be reached or the port is
   *     taken; whatever was started is stopped again
   */
  public static Kubelet start(KubernetesClient client, KubeletConfig config) {
    ApiReferenceResolver resolver = new ApiReferenceResolver(client);
    PodLauncher.Builder builder =
        PodLauncher.builder().settings(config.providerSettings()).resolver(resolver);
    config.providerName().ifPresent(builder::providerName);
    PodLauncher launcher = builder.build();
    Kubelet kubelet = new Kubelet(config, launcher);
    try {
      kubelet.run(client, resolver);
      return kubelet;
    } catch (RuntimeException e) {
      kubelet.close();
      throw e;
    }
  }

  private void run(KubernetesClient client, ApiReferenceResolver resolver) {
    Clock clock = Clock.systemUTC();
    String provider = launcher.providerName();
    LOG.info("Starting kubelet for node {} on provider '{}'", config.nodeName(), provider);
    metrics.bindPods(launcher);
    events = new EventRecorder(client, config.nodeName(), clock);
    pods = new PodController(client, launcher, resolver, config, events, metrics, scheduler, clock);

    certificate =
        config.tlsCertFile().isPresent()
            ? ServingCertificate.load(config.tlsCertFile().get(), config.tlsKeyFile().orElseThrow())
            : ServingCertificate.selfSigned(config.nodeName(), List.of(config.internalIp()));
    Authenticator authenticator = new Authenticator(client, config.anonymousAuth(), clock);
    server =
        new KubeletServer(
            launcher, pods, authenticator, metrics, healthy::get, config.nodeName(), clock);
    port = server.start(config, certificate);

    NodeTemplate template = new NodeTemplate(config, provider, version());
    template.port(port);
    lease = new LeaseController(client, config, () -> node.uid(), healthy::get, scheduler, clock);
    node = new NodeController(client, template, config, scheduler, clock, uid -> lease.renewSoon());
    node.register();
    lease.start();
    node.start();

    pods.start();
    node.podControllerReady();
    long healthMillis = config.healthCheckInterval().toMillis();
    scheduler.scheduleWithFixedDelay(
        this::checkHealth, healthMillis, healthMillis, TimeUnit.MILLISECONDS);
    LOG.info("Kubelet for node {} is ready; kubelet API on port {}", config.nodeName(), port);
  }

  private void checkHealth() {
    boolean now;
    try {
      now = launcher.healthy();
    } catch (RuntimeException e) {
      LOG.warn("Provider health check failed: {}", e.toString());
      now = false;
    }
    if (healthy.getAndSet(now) != now) {
      if (now) {
        LOG.info("Provider '{}' is healthy again; resuming heartbeats", launcher.providerName());
      } else {
        LOG.warn(
            "Provider '{}' is unhealthy; node {} goes NotReady and its lease is not renewed",
            launcher.providerName(),
            config.nodeName());
      }
      node.healthChanged(now);
    }
  }

  /** Name of the node this kubelet registered. */
  public String nodeName() {
    return config.nodeName();
  }

  /** Port the kubelet API listens on. */
  public int port() {
    return port;
  }

  /** The certificate the kubelet API serves, for clients that must trust a self-signed one. */
  public X509Certificate servingCertificate() {
    return certificate.certificate();
  }

  /** Returns whether the provider passed its last health check. */
  public boolean healthy() {
    return healthy.get();
  }

  PodLauncher launcher() {
    return launcher;
  }

  KubeletMetrics metrics() {
    return metrics;
  }

  PodController pods() {
    return pods;
  }

  LeaseController lease() {
    return lease;
  }

  /** Version of this kubelet, from the build. */
  static String version() {
    Properties properties = new Properties();
    try (InputStream in = Kubelet.class.getResourceAsStream("nodeless-kubelet.properties")) {
      if (in != null) {
        properties.load(in);
      }
    } catch (IOException e) {
      LOG.debug("Cannot read the kubelet version: {}", e.toString());
    }
    return properties.getProperty("version", "0.0.0-unknown");
  }

  /**
   * Stops the kubelet: the pod controller first, so that no status is written while the provider
   * stops, then the kubelet API, the node and lease controllers, and the launcher. The Node object
   * stays; it turns NotReady once its lease expires. Closing twice has no effect.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    LOG.info("Stopping kubelet for node {}", config.nodeName());
    if (pods != null) {
      pods.close();
    }
    if (server != null) {
      server.close();
    }
    if (node != null) {
      node.close();
    }
    if (lease != null) {
      lease.close();
    }
    scheduler.shutdownNow();
    try {
      scheduler.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (events != null) {
      events.close();
    }
    launcher.close();
  }
}
