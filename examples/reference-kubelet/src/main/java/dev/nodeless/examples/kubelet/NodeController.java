package dev.nodeless.examples.kubelet;

import dev.nodeless.examples.kubelet.NodeTemplate.Readiness;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the Node and keeps its status current. Every status write reads the node first and
 * changes only our conditions and fields in its status, so conditions and annotations that others
 * added survive. While the provider is unhealthy the controller writes Ready=False once and then
 * stops writing, as Virtual Kubelet stops its heartbeat. A deleted node is created again at once,
 * with a new UID that the lease then points to.
 */
final class NodeController implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NodeController.class);
  private static final int CONFLICT_RETRIES = 5;

  private final KubernetesClient client;
  private final NodeTemplate template;
  private final KubeletConfig config;
  private final ScheduledExecutorService scheduler;
  private final Clock clock;
  private final Consumer<String> onNewUid;
  private volatile String uid;
  private volatile boolean podControllerReady;
  private volatile boolean healthy = true;
  private volatile boolean unhealthyWritten;
  private volatile boolean closed;
  private SharedIndexInformer<Node> watch;

  NodeController(
      KubernetesClient client,
      NodeTemplate template,
      KubeletConfig config,
      ScheduledExecutorService scheduler,
      Clock clock,
      Consumer<String> onNewUid) {
    this.client = client;
    this.template = template;
    this.config = config;
    this.scheduler = scheduler;
    this.clock = clock;
    this.onNewUid = onNewUid;
  }

  /** UID of the Node object, or {@code null} before registration. */
  String uid() {
    return uid;
  }

  /**
   * Creates the node NotReady, or takes over an existing node of the same name: our labels and
   * taint are set, others' are kept.
   */
  synchronized void register() {
    Node existing = client.nodes().withName(template.nodeName()).get();
    if (existing == null) {
      create();
    } else {
      Node updated =
          client.nodes().withName(template.nodeName()).edit(node -> withOurMetadata(node));
      setUid(updated.getMetadata().getUid());
      LOG.info("Took over existing node {} (uid {})", template.nodeName(), uid);
      writeStatus();
    }
  }

  /** Starts the heartbeat and the watch that re-creates a deleted node. */
  void start() {
    long interval = config.nodeStatusInterval().toMillis();
    scheduler.scheduleWithFixedDelay(this::heartbeat, interval, interval, TimeUnit.MILLISECONDS);
    watch =
        client
            .nodes()
            .withField("metadata.name", template.nodeName())
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(Node node) {}

                  @Override
                  public void onUpdate(Node old, Node node) {}

                  @Override
                  public void onDelete(Node node, boolean finalStateUnknown) {
                    if (!closed) {
                      LOG.warn("Node {} was deleted; registering it again", template.nodeName());
                      submit(NodeController.this::heartbeat);
                    }
                  }
                });
  }

  /**
   * Marks the pod controller running, so that the node turns Ready while the provider is healthy.
   */
  void podControllerReady() {
    podControllerReady = true;
    submit(this::heartbeat);
  }

  /** Records a change of the provider's health and writes the node status at once. */
  void healthChanged(boolean healthy) {
    this.healthy = healthy;
    if (healthy) {
      unhealthyWritten = false;
    }
    submit(this::heartbeat);
  }

  private void submit(Runnable task) {
    try {
      scheduler.execute(task);
    } catch (RejectedExecutionException e) {
      LOG.debug("Node status write skipped: the kubelet is stopping");
    }
  }

  private synchronized void heartbeat() {
    if (closed) {
      return;
    }
    if (!healthy && unhealthyWritten) {
      LOG.debug("Provider unhealthy; node status of {} is not refreshed", template.nodeName());
      return;
    }
    try {
      writeStatus();
      if (!healthy) {
        unhealthyWritten = true;
      }
    } catch (KubernetesClientException e) {
      if (closed) {
        LOG.debug("Node status write ended by the kubelet stopping: {}", e.getMessage());
        return;
      }
      LOG.warn(
          "Failed to write the status of node {} (HTTP {}); retrying in {} ms: {}",
          template.nodeName(),
          e.getCode(),
          config.nodeStatusInterval().toMillis(),
          e.getMessage());
    }
  }

  private Readiness readiness() {
    if (!healthy) {
      return Readiness.PROVIDER_UNHEALTHY;
    }
    return podControllerReady ? Readiness.READY : Readiness.STARTING;
  }

  private void writeStatus() {
    for (int attempt = 1; attempt <= CONFLICT_RETRIES; attempt++) {
      Node current = client.nodes().withName(template.nodeName()).get();
      if (current == null) {
        create();
        return;
      }
      setUid(current.getMetadata().getUid());
      try {
        client.nodes().resource(template.applyStatus(current, readiness(), now())).updateStatus();
        LOG.debug("Wrote status of node {}: {}", template.nodeName(), readiness());
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() == 404) {
          create();
          return;
        }
        if (e.getCode() != 409) {
          throw e;
        }
        LOG.debug("Node {} changed during the status write; retrying", template.nodeName());
      }
    }
  }

  private void create() {
    Node created = client.nodes().resource(template.newNode(readiness(), now())).create();
    // The API server drops the status of a created object; it is written separately.
    setUid(created.getMetadata().getUid());
    LOG.info("Registered node {} (uid {})", template.nodeName(), uid);
    client.nodes().resource(template.applyStatus(created, readiness(), now())).updateStatus();
  }

  private void setUid(String newUid) {
    String previous = uid;
    uid = newUid;
    if (previous != null && !previous.equals(newUid)) {
      LOG.info("Node {} has a new UID {} (was {})", template.nodeName(), newUid, previous);
    }
    if (!newUid.equals(previous)) {
      onNewUid.accept(newUid);
    }
  }

  private Node withOurMetadata(Node node) {
    Map<String, String> labels = new LinkedHashMap<>();
    if (node.getMetadata().getLabels() != null) {
      labels.putAll(node.getMetadata().getLabels());
    }
    labels.putAll(template.labels());
    List<Taint> taints = new ArrayList<>();
    Optional<Taint> ours = template.taint();
    if (node.getSpec() != null && node.getSpec().getTaints() != null) {
      for (Taint taint : node.getSpec().getTaints()) {
        boolean replaced = ours.isPresent() && ours.get().getKey().equals(taint.getKey());
        if (!replaced) {
          taints.add(taint);
        }
      }
    }
    ours.ifPresent(taints::add);
    return new NodeBuilder(node)
        .editMetadata()
        .withLabels(labels)
        .endMetadata()
        .editOrNewSpec()
        .withTaints(taints)
        .endSpec()
        .build();
  }

  private String now() {
    return DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(ChronoUnit.SECONDS));
  }

  /** Stops the heartbeat; the node object stays and turns NotReady once its lease expires. */
  @Override
  public void close() {
    closed = true;
    if (watch != null) {
      watch.close();
    }
  }
}
