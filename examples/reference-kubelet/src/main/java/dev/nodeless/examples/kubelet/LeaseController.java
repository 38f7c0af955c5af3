package dev.nodeless.examples.kubelet;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renews the node's {@code coordination.k8s.io/v1} Lease in {@code kube-node-lease}: holder and
 * name are the node name, the owner is the Node (so the lease goes when the node goes), and the
 * renew time is refreshed every renew interval. Renewal pauses while the provider is unhealthy, so
 * that the node lifecycle controller marks the node NotReady when the lease expires.
 */
final class LeaseController implements AutoCloseable {
  static final String NAMESPACE = "kube-node-lease";
  private static final Logger LOG = LoggerFactory.getLogger(LeaseController.class);

  private final KubernetesClient client;
  private final KubeletConfig config;
  private final Supplier<String> nodeUid;
  private final BooleanSupplier healthy;
  private final ScheduledExecutorService scheduler;
  private final Clock clock;
  private volatile boolean closed;
  private final java.util.concurrent.atomic.AtomicLong skipped =
      new java.util.concurrent.atomic.AtomicLong();

  LeaseController(
      KubernetesClient client,
      KubeletConfig config,
      Supplier<String> nodeUid,
      BooleanSupplier healthy,
      ScheduledExecutorService scheduler,
      Clock clock) {
    this.client = client;
    this.config = config;
    this.nodeUid = nodeUid;
    this.healthy = healthy;
    this.scheduler = scheduler;
    this.clock = clock;
  }

  void start() {
    long interval = config.leaseRenewInterval().toMillis();
    scheduler.scheduleWithFixedDelay(this::renew, 0, interval, TimeUnit.MILLISECONDS);
  }

  /** Renews now, for example because the node got a new UID. */
  void renewSoon() {
    try {
      scheduler.execute(this::renew);
    } catch (RejectedExecutionException e) {
      LOG.debug("Lease renewal skipped: the kubelet is stopping");
    }
  }

  private synchronized void renew() {
    String uid = nodeUid.get();
    if (closed || uid == null) {
      return;
    }
    if (!healthy.getAsBoolean()) {
      skipped.incrementAndGet();
      LOG.debug("Provider unhealthy; lease of node {} is not renewed", config.nodeName());
      return;
    }
    try {
      Lease current = client.leases().inNamespace(NAMESPACE).withName(config.nodeName()).get();
      ZonedDateTime now =
          ZonedDateTime.ofInstant(clock.instant(), ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
      if (current == null) {
        client.leases().inNamespace(NAMESPACE).resource(lease(null, uid, now)).create();
        LOG.info("Created lease {}/{}", NAMESPACE, config.nodeName());
      } else {
        client.leases().inNamespace(NAMESPACE).resource(lease(current, uid, now)).update();
        LOG.debug("Renewed lease {}/{}", NAMESPACE, config.nodeName());
      }
    } catch (KubernetesClientException e) {
      LOG.warn(
          "Failed to renew lease {}/{} (HTTP {}); retrying in {} ms: {}",
          NAMESPACE,
          config.nodeName(),
          e.getCode(),
          config.leaseRenewInterval().toMillis(),
          e.getMessage());
    }
  }

  private Lease lease(Lease current, String uid, ZonedDateTime now) {
    LeaseBuilder lease = current == null ? new LeaseBuilder() : new LeaseBuilder(current);
    OwnerReference owner =
        new OwnerReferenceBuilder()
            .withApiVersion("v1")
            .withKind("Node")
            .withName(config.nodeName())
            .withUid(uid)
            .build();
    lease
        .editOrNewMetadata()
        .withNamespace(NAMESPACE)
        .withName(config.nodeName())
        .withOwnerReferences(List.of(owner))
        .endMetadata()
        .editOrNewSpec()
        .withHolderIdentity(config.nodeName())
        .withLeaseDurationSeconds((int) config.leaseDuration().toSeconds())
        .withRenewTime(now)
        .endSpec();
    if (current == null) {
      lease.editSpec().withAcquireTime(now).endSpec();
    }
    return lease.build();
  }

  /** Number of renewals skipped because the provider was unhealthy. */
  long skippedRenewals() {
    return skipped.get();
  }

  @Override
  public void close() {
    closed = true;
  }
}
