package dev.nodeless.examples.kubelet;

import dev.nodeless.PodPhases;
import dev.nodeless.PodRef;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes pod statuses to {@code pods/status}. Statuses submitted for the same pod while a write is
 * waiting are coalesced, so only the latest is written. A pod that the API already shows {@code
 * Succeeded} or {@code Failed}, or whose UID changed, is never written, and a status equal to the
 * one in the API is skipped.
 */
final class StatusWriter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StatusWriter.class);
  private static final int CONFLICT_RETRIES = 5;
  private static final Duration ERROR_RETRY = Duration.ofSeconds(2);

  private record Pending(PodRef ref, PodStatus status) {}

  private final KubernetesClient client;
  private final Function<String, Pod> apiPodByUid;
  private final String hostIp;
  private final ScheduledExecutorService scheduler;
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();

  /**
   * UIDs of pods that the kubelet deleted from the API and the informer still reports. A status for
   * them would only fail with 404.
   */
  private final Set<String> deleted = ConcurrentHashMap.newKeySet();

  private final WorkQueue queue = new WorkQueue("kubelet-status");
  private final java.util.concurrent.atomic.AtomicLong writes =
      new java.util.concurrent.atomic.AtomicLong();

  StatusWriter(
      KubernetesClient client,
      Function<String, Pod> apiPodByUid,
      String hostIp,
      ScheduledExecutorService scheduler) {
    this.client = client;
    this.apiPodByUid = apiPodByUid;
    this.hostIp = hostIp;
    this.scheduler = scheduler;
  }

  void start(int workers) {
    queue.start(workers, this::writePending);
  }

  /** Queues the status for writing; it replaces a status of the same pod still waiting. */
  void submit(PodRef ref, PodStatus status) {
    if (deleted.contains(ref.uid())) {
      return;
    }
    pending.put(ref.uid(), new Pending(ref, status));
    queue.add(ref.uid());
  }

  /** Drops the statuses of a pod deleted from the API, until {@link #discard} for its UID. */
  void deleted(String uid) {
    deleted.add(uid);
    pending.remove(uid);
  }

  /** Drops a status still waiting for a pod that is gone. */
  void discard(String uid) {
    pending.remove(uid);
    deleted.remove(uid);
  }

  private void writePending(String uid) {
    Pending next = pending.remove(uid);
    if (next != null) {
      write(next.ref(), next.status());
    }
  }

  private void write(PodRef ref, PodStatus status) {
    if (deleted.contains(ref.uid())) {
      return;
    }
    Pod current = apiPodByUid.apply(ref.uid());
    try {
      for (int attempt = 1; current != null && attempt <= CONFLICT_RETRIES; attempt++) {
        if (PodPhases.isFinished(current.getStatus())) {
          LOG.debug("Pod {} is finished in the API; its status is not written", ref);
          return;
        }
        PodStatus desired = complete(status, current.getStatus());
        if (sameStatus(desired, current.getStatus())) {
          return;
        }
        try {
          client
              .pods()
              .inNamespace(ref.namespace())
              .resource(new PodBuilder(current).withStatus(desired).build())
              .updateStatus();
          writes.incrementAndGet();
          LOG.debug("Wrote status of pod {}: phase {}", ref, desired.getPhase());
          return;
        } catch (KubernetesClientException e) {
          if (e.getCode() != 409) {
            throw e;
          }
          current = client.pods().inNamespace(ref.namespace()).withName(ref.name()).get();
          if (current != null && !ref.uid().equals(current.getMetadata().getUid())) {
            LOG.debug("Pod {} was re-created with a new UID; its old status is dropped", ref);
            return;
          }
        }
      }
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return;
      }
      LOG.warn(
          "Failed to write status of pod {} (HTTP {}); retrying in {} s: {}",
          ref,
          e.getCode(),
          ERROR_RETRY.toSeconds(),
          e.getMessage());
      retryLater(ref, status);
    }
  }

  private void retryLater(PodRef ref, PodStatus status) {
    try {
      scheduler.schedule(
          () -> {
            if (pending.putIfAbsent(ref.uid(), new Pending(ref, status)) == null) {
              queue.add(ref.uid());
            }
          },
          ERROR_RETRY.toMillis(),
          TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      LOG.debug("Status of pod {} dropped: the kubelet is stopping", ref);
    }
  }

  /**
   * Fills what the provider leaves out from the API's status: the node address as {@code hostIP},
   * the {@code qosClass} the API server computed, and conditions that others own, such as {@code
   * PodScheduled} or readiness gates.
   */
  private PodStatus complete(PodStatus provider, PodStatus api) {
    PodStatusBuilder status = new PodStatusBuilder(provider);
    if (provider.getHostIP() == null) {
      status.withHostIP(hostIp);
    }
    if (api == null) {
      return status.build();
    }
    if (provider.getQosClass() == null) {
      status.withQosClass(api.getQosClass());
    }
    if (provider.getStartTime() == null) {
      status.withStartTime(api.getStartTime());
    }
    List<PodCondition> conditions =
        new ArrayList<>(provider.getConditions() == null ? List.of() : provider.getConditions());
    if (api.getConditions() != null) {
      for (PodCondition condition : api.getConditions()) {
        boolean ours =
            conditions.stream().anyMatch(mine -> mine.getType().equals(condition.getType()));
        if (!ours) {
          conditions.add(condition);
        }
      }
    }
    return status.withConditions(conditions).build();
  }

  private static boolean sameStatus(PodStatus desired, PodStatus api) {
    return api != null && Objects.equals(desired, api);
  }

  /** Number of status writes that reached the API server. */
  long writes() {
    return writes.get();
  }

  @Override
  public void close() {
    queue.close();
  }
}
