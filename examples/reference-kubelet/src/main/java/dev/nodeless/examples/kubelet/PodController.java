package dev.nodeless.examples.kubelet;

import dev.nodeless.NodelessException;
import dev.nodeless.PodLauncher;
import dev.nodeless.PodPhases;
import dev.nodeless.PodRef;
import dev.nodeless.PodValidationException;
import dev.nodeless.ReferenceResolver;
import dev.nodeless.Subscription;
import dev.nodeless.ValidationProblem;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the pods bound to this node through the {@link PodLauncher}. An informer on {@code
 * spec.nodeName} queues the UID of every pod that changes; workers sync each UID: launch, report a
 * loss, report a spec change that cannot be applied, or delete. Provider status changes go to the
 * {@link StatusWriter}.
 */
final class PodController implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PodController.class);
  private static final String UID_INDEX = "uid";
  private static final Duration SYNC_TIMEOUT = Duration.ofMinutes(2);
  private static final long DEFAULT_GRACE_SECONDS = 30;

  private final KubernetesClient client;
  private final PodLauncher launcher;
  private final ReferenceResolver resolver;
  private final KubeletConfig config;
  private final EventRecorder events;
  private final KubeletMetrics metrics;
  private final ScheduledExecutorService scheduler;
  private final Clock clock;
  private final Map<String, PodRecord> records = new ConcurrentHashMap<>();
  private final WorkQueue queue = new WorkQueue("kubelet-pods");
  private final StatusWriter statusWriter;
  private final PodDeleter deleter;

  /**
   * Runs the follow-up of launcher futures, which makes blocking API calls, so that they never hold
   * the provider's or the launcher's threads.
   */
  private final ExecutorService callbacks =
      Executors.newFixedThreadPool(4, WorkQueue.daemonThreads("kubelet-callbacks"));

  private SharedIndexInformer<Pod> informer;
  private Subscription statusSubscription;
  private volatile boolean running;
  private final AtomicLong syncs = new AtomicLong();
  private final AtomicLong updates = new AtomicLong();

  PodController(
      KubernetesClient client,
      PodLauncher launcher,
      ReferenceResolver resolver,
      KubeletConfig config,
      EventRecorder events,
      KubeletMetrics metrics,
      ScheduledExecutorService scheduler,
      Clock clock) {
    this.client = client;
    this.launcher = launcher;
    this.resolver = resolver;
    this.config = config;
    this.events = events;
    this.metrics = metrics;
    this.scheduler = scheduler;
    this.clock = clock;
    this.statusWriter = new StatusWriter(client, this::apiPodByUid, config.internalIp(), scheduler);
    this.deleter = new PodDeleter(client);
  }

  /**
   * Starts the informer and waits for its first list, terminates provider pods that the API no
   * longer has, then starts the workers. Returns once every cached pod is queued.
   */
  void start() {
    statusSubscription = launcher.subscribeAll(this::onProviderStatus);
    informer =
        client
            .pods()
            .inAnyNamespace()
            .withField("spec.nodeName", config.nodeName())
            .runnableInformer(config.podResyncPeriod().toMillis());
    informer.addIndexers(
        Map.of(UID_INDEX, pod -> List.of(Objects.toString(pod.getMetadata().getUid(), ""))));
    informer.addEventHandler(new Handler());

    try {
      informer.start().toCompletableFuture().get(SYNC_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NodelessException("interrupted while listing the pods of this node", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new NodelessException(
          "failed to list the pods bound to node "
              + config.nodeName()
              + ": "
              + e
              + ". Fix: check the kubeconfig and that the kubelet may list and watch pods",
          e);
    }

    terminateOrphans();
    statusWriter.start(config.podSyncWorkers());
    queue.start(config.podSyncWorkers(), this::sync);
    running = true;
    for (Pod pod : apiPods()) {
      queue.add(pod.getMetadata().getUid());
    }

    long reconcileMillis = config.reconcileInterval().toMillis();
    scheduler.scheduleWithFixedDelay(
        this::reconcile, reconcileMillis, reconcileMillis, TimeUnit.MILLISECONDS);
    LOG.info("Pod controller of node {} started with {} pods", config.nodeName(), apiPods().size());
  }

  boolean running() {
    return running;
  }

  /** Number of syncs run so far; tests use it to know that an update was processed. */
  long syncs() {
    return syncs.get();
  }

  /** Number of pod status writes that reached the API server. */
  long statusWrites() {
    return statusWriter.writes();
  }

  /** Number of informer updates seen so far, resyncs included. */
  long updates() {
    return updates.get();
  }

  // ---- API cache -----------------------------------------------------------------------------

  /** Returns the pods bound to this node, from the informer cache. */
  List<Pod> apiPods() {
    if (informer == null) {
      return List.of();
    }
    return informer.getStore().list().stream().filter(this::boundHere).toList();
  }

  Optional<Pod> apiPod(String namespace, String name) {
    if (informer == null) {
      return Optional.empty();
    }
    return Optional.ofNullable(informer.getStore().getByKey(namespace + "/" + name))
        .filter(this::boundHere);
  }

  Pod apiPodByUid(String uid) {
    if (informer == null) {
      return null;
    }
    return informer.getIndexer().byIndex(UID_INDEX, uid).stream()
        .filter(this::boundHere)
        .findFirst()
        .orElse(null);
  }

  /**
   * Whether the pod is bound to this node. The informer requests only these pods from the API
   * server, but a server that ignores the field selector must not make the kubelet run other nodes'
   * pods.
   */
  private boolean boundHere(Pod pod) {
    return pod.getSpec() != null && config.nodeName().equals(pod.getSpec().getNodeName());
  }

  // ---- informer and provider callbacks -------------------------------------------------------

  private final class Handler implements ResourceEventHandler<Pod> {
    @Override
    public void onAdd(Pod pod) {
      if (boundHere(pod)) {
        queue.add(pod.getMetadata().getUid());
      }
    }

    @Override
    public void onUpdate(Pod old, Pod pod) {
      updates.incrementAndGet();
      boolean resync =
          Objects.equals(
              old.getMetadata().getResourceVersion(), pod.getMetadata().getResourceVersion());
      // A resync of a pod with files from the API lets the sync refresh them.
      if (boundHere(pod) && (!resync || hasRefreshableVolumes(pod))) {
        queue.add(pod.getMetadata().getUid());
      }
    }

    @Override
    public void onDelete(Pod pod, boolean finalStateUnknown) {
      if (boundHere(pod)) {
        queue.add(pod.getMetadata().getUid());
      }
    }
  }

  /** Runs on the launcher's event thread, so it only hands work over. */
  private void onProviderStatus(PodRef ref, PodStatus status) {
    PodRecord record = records.get(ref.uid());
    if (record != null && PodPhases.RUNNING.equals(status.getPhase())) {
      long started = record.launchStartNanos;
      if (started != 0) {
        record.launchStartNanos = 0;
        metrics.recordLaunch(Duration.ofNanos(System.nanoTime() - started));
      }
    }
    statusWriter.submit(ref, status);
  }

  // ---- sync ----------------------------------------------------------------------------------

  private void sync(String uid) {
    syncs.incrementAndGet();
    Pod pod = apiPodByUid(uid);
    PodRecord record = records.get(uid);
    if (pod == null) {
      forgetGonePod(uid, record);
      return;
    }
    PodRef ref = PodRef.of(pod);
    if (record == null) {
      record = records.computeIfAbsent(uid, ignored -> new PodRecord(ref));
    }

    if (pod.getMetadata().getDeletionTimestamp() != null) {
      syncDeletion(pod, record);
      return;
    }
    if (PodPhases.isFinished(pod.getStatus())) {
      LOG.debug("Pod {} is {} in the API; nothing to do", ref, pod.getStatus().getPhase());
      return;
    }
    if (record.launching || record.lost) {
      return;
    }

    Optional<PodStatus> tracked = launcher.status(ref);
    if (tracked.isPresent()) {
      syncTracked(pod, record, tracked.get());
      return;
    }
    if (ranBefore(pod.getStatus())) {
      reportLost(pod, record);
      return;
    }
    if (record.nextAttemptNanos > System.nanoTime()) {
      return;
    }
    launch(pod, record);
  }

  private void syncTracked(Pod pod, PodRecord record, PodStatus status) {
    if (record.launchedSpec == null) {
      // Adopted from the provider after a restart: the API spec is the one it runs.
      record.launchedSpec = SpecSnapshot.of(pod.getSpec());
      statusWriter.submit(record.ref, status);
      return;
    }
    refreshVolumesIfDue(pod, record);
    List<String> changes = record.launchedSpec.changesTo(pod.getSpec());
    if (!changes.isEmpty() && !changes.equals(record.reportedChanges)) {
      record.reportedChanges = changes;
      events.warning(
          pod,
          "SpecChangeNotApplied",
          "provider '"
              + launcher.providerName()
              + "' cannot change a running pod: "
              + String.join(", ", changes)
              + " changed and keep their launched values. Fix: delete and re-create the pod");
    }
  }

  /**
   * Brings the pod's configMap, secret, downwardAPI and projected volumes up to date, as the
   * kubelet does: at once when its labels or annotations changed, else once per pod resync period.
   */
  private void refreshVolumesIfDue(Pod pod, PodRecord record) {
    if (!hasRefreshableVolumes(pod) || record.refreshing) {
      return;
    }
    Metadata metadata = Metadata.of(pod);
    long now = System.nanoTime();
    boolean due = now - record.lastRefreshNanos >= config.podResyncPeriod().toNanos() * 9 / 10;
    if (!due && metadata.equals(record.refreshedMetadata)) {
      return;
    }
    record.refreshing = true;
    record.lastRefreshNanos = now;
    metrics.providerCall("refreshVolumes");
    launcher
        .refreshVolumes(pod)
        .whenCompleteAsync(
            (changed, error) -> {
              record.refreshing = false;
              if (error == null) {
                record.refreshedMetadata = metadata;
                if (changed) {
                  LOG.debug("Refreshed the volumes of pod {}", record.ref);
                }
                return;
              }
              Throwable cause = unwrap(error);
              if (cause instanceof PodValidationException invalid) {
                // The kubelet reports a volume it cannot update as FailedMount.
                events.warning(
                    pod,
                    "FailedMount",
                    "volumes keep their previous files: " + invalid.getMessage());
              } else {
                LOG.warn(
                    "Refreshing the volumes of pod {} failed: {}", record.ref, cause.toString());
              }
            },
            callbacks);
  }

  /** Returns whether the pod has volumes whose files come from the API or its metadata. */
  static boolean hasRefreshableVolumes(Pod pod) {
    return pod.getSpec() != null
        && pod.getSpec().getVolumes() != null
        && pod.getSpec().getVolumes().stream()
            .anyMatch(
                volume ->
                    volume.getConfigMap() != null
                        || volume.getSecret() != null
                        || volume.getDownwardAPI() != null
                        || volume.getProjected() != null);
  }

  /** The parts of a pod's metadata that downward API volumes show. */
  private record Metadata(Map<String, String> labels, Map<String, String> annotations) {
    static Metadata of(Pod pod) {
      return new Metadata(
          pod.getMetadata().getLabels() == null
              ? Map.of()
              : Map.copyOf(pod.getMetadata().getLabels()),
          pod.getMetadata().getAnnotations() == null
              ? Map.of()
              : Map.copyOf(pod.getMetadata().getAnnotations()));
    }
  }

  private void launch(Pod pod, PodRecord record) {
    PodRef ref = record.ref;
    record.launching = true;
    record.launchedSpec = SpecSnapshot.of(pod.getSpec());
    record.refreshedMetadata = Metadata.of(pod);
    record.lastRefreshNanos = System.nanoTime();
    record.launchStartNanos = System.nanoTime();
    metrics.providerCall("launch");
    launcher
        .launch(pod)
        .whenCompleteAsync(
            (launched, error) -> {
              record.launching = false;
              // The pod may have been deleted while it launched; the next sync handles that.
              queue.add(ref.uid());
              if (error == null) {
                record.attempts = 0;
                LOG.info("Launched pod {} on provider '{}'", ref, launcher.providerName());
                events.normal(
                    pod,
                    "ProviderCreateSuccess",
                    "pod launched on provider '" + launcher.providerName() + "'");
                reportOptionalMissing(pod);
              } else {
                record.launchStartNanos = 0;
                onLaunchFailed(pod, record, unwrap(error));
              }
            },
            callbacks);
  }

  private void onLaunchFailed(Pod pod, PodRecord record, Throwable error) {
    PodRef ref = record.ref;
    if (error instanceof PodValidationException invalid) {
      String problems =
          invalid.problems().stream()
              .map(ValidationProblem::describe)
              .collect(Collectors.joining("; "));
      LOG.info("Pod {} stays Pending: {}", ref, problems);
      events.warning(pod, "FailedValidation", "pod cannot be launched: " + problems);
      statusWriter.submit(
          ref, PendingStatus.configError(pod, invalid.problems().get(0).describe(), clock));
      scheduleRetry(record);
      return;
    }
    metrics.providerError("launch");
    LOG.warn("Launch of pod {} failed: {}", ref, error.toString());
    events.warning(pod, "ProviderCreateFailed", "launch failed: " + error.getMessage());
    boolean never = "Never".equals(pod.getSpec().getRestartPolicy());
    boolean retryable = !(error instanceof NodelessException failure) || failure.retryable();
    if (never && !retryable) {
      statusWriter.submit(ref, PendingStatus.providerFailed(pod, error.getMessage(), true));
      return;
    }
    statusWriter.submit(ref, PendingStatus.providerFailed(pod, error.getMessage(), false));
    scheduleRetry(record);
  }

  private void scheduleRetry(PodRecord record) {
    long delay = retryDelay(record.attempts++).toNanos();
    record.nextAttemptNanos = System.nanoTime() + delay;
    schedule(() -> queue.add(record.ref.uid()), delay);
  }

  private Duration retryDelay(int attempt) {
    Duration delay = config.retryBaseDelay().multipliedBy(1L << Math.min(attempt, 20));
    return delay.compareTo(config.retryMaxDelay()) > 0 ? config.retryMaxDelay() : delay;
  }

  private void reportOptionalMissing(Pod pod) {
    try {
      for (OptionalReferences.Missing missing : OptionalReferences.find(pod, resolver)) {
        events.warning(pod, missing.reason(), missing.message());
      }
    } catch (RuntimeException e) {
      LOG.debug(
          "Failed to check the optional references of pod {}: {}", PodRef.of(pod), e.toString());
    }
  }

  /**
   * Writes {@code Failed} with reason {@code NotFound} for a pod that the API shows started but the
   * provider does not have, for example after the provider's state was lost in a restart.
   */
  private void reportLost(Pod pod, PodRecord record) {
    record.lost = true;
    LOG.warn(
        "Provider '{}' does not have pod {}, which the API shows started; marking it Failed",
        launcher.providerName(),
        record.ref);
    events.warning(pod, "ProviderPodLost", lostMessage());
    statusWriter.submit(record.ref, PodPhases.lostStatus(pod.getStatus(), clock.instant()));
  }

  private String lostMessage() {
    return "provider '"
        + launcher.providerName()
        + "' no longer has this pod; it is marked Failed and not re-created";
  }

  private static boolean ranBefore(PodStatus status) {
    if (status == null) {
      return false;
    }
    if (PodPhases.RUNNING.equals(status.getPhase())) {
      return true;
    }
    return started(status.getContainerStatuses()) || started(status.getInitContainerStatuses());
  }

  private static boolean started(List<ContainerStatus> statuses) {
    if (statuses == null) {
      return false;
    }
    for (ContainerStatus status : statuses) {
      ContainerState state = status.getState();
      boolean ran = state != null && (state.getRunning() != null || state.getTerminated() != null);
      if (ran || (status.getLastState() != null && status.getLastState().getTerminated() != null)) {
        return true;
      }
    }
    return false;
  }

  // ---- deletion ------------------------------------------------------------------------------

  private void syncDeletion(Pod pod, PodRecord record) {
    if (record.terminating || record.deleting || record.launching) {
      return;
    }
    PodRef ref = record.ref;
    if (launcher.status(ref).isEmpty()) {
      LOG.debug("Pod {} never ran on the provider; deleting it from the API at once", ref);
      deleteFromApi(pod, record);
      return;
    }
    // A finished pod is terminated too: providers remove a pod's files, such as its logs, when
    // it is terminated, and the call returns at once when nothing runs.
    record.terminating = true;
    long grace = gracePeriodSeconds(pod);
    LOG.info("Stopping pod {} with grace period {} s", ref, grace);
    events.normal(pod, "Killing", "stopping pod with grace period " + grace + " s");
    metrics.providerCall("terminate");
    launcher
        .terminate(ref, Duration.ofSeconds(grace))
        .whenCompleteAsync(
            (ignored, error) -> {
              if (error != null) {
                record.terminating = false;
                metrics.providerError("terminate");
                LOG.warn("Stopping pod {} failed; retrying: {}", ref, unwrap(error).toString());
                events.warning(pod, "ProviderDeleteFailed", "stop failed: " + unwrap(error));
                scheduleRetry(record);
                return;
              }
              // The provider's final status goes through the status writer; the API object is
              // deleted next, so nothing waits for that write.
              deleteFromApi(pod, record);
            },
            callbacks);
  }

  private static long gracePeriodSeconds(Pod pod) {
    Long deletionGrace = pod.getMetadata().getDeletionGracePeriodSeconds();
    if (deletionGrace != null) {
      return Math.max(0, deletionGrace);
    }
    Long specGrace = pod.getSpec().getTerminationGracePeriodSeconds();
    return specGrace == null ? DEFAULT_GRACE_SECONDS : Math.max(0, specGrace);
  }

  private void deleteFromApi(Pod pod, PodRecord record) {
    record.deleting = true;
    try {
      deleter.deleteNow(record.ref);
      // Until the informer reports the removal, a status write would only fail with 404.
      statusWriter.deleted(record.ref.uid());
      if (!records.containsKey(record.ref.uid())) {
        // forget() ran before the line above and will not clear the mark.
        statusWriter.discard(record.ref.uid());
      }
      // The informer may have reported the removal already; the next sync stops tracking it.
      queue.add(record.ref.uid());
    } catch (KubernetesClientException e) {
      record.deleting = false;
      LOG.warn("Failed to delete pod {} from the API; retrying: {}", record.ref, e.getMessage());
      scheduleRetry(record);
    }
  }

  /** Stops what still runs of a pod that the API no longer has, then stops tracking it. */
  private void forgetGonePod(String uid, PodRecord record) {
    PodRef ref =
        record != null
            ? record.ref
            : launcher.list().stream().filter(r -> r.uid().equals(uid)).findFirst().orElse(null);
    if (ref == null || (record != null && record.launching)) {
      return;
    }
    Optional<PodStatus> status = launcher.status(ref);
    boolean stillRuns = status.isPresent() && !PodPhases.isFinished(status.get());
    if (stillRuns && (record == null || !record.terminating)) {
      LOG.info("Pod {} was removed from the API while it ran; stopping it", ref);
      metrics.providerCall("terminate");
      launcher
          .terminate(ref, null)
          .whenCompleteAsync(
              (ignored, error) -> {
                if (error != null) {
                  metrics.providerError("terminate");
                  LOG.warn("Stopping removed pod {} failed: {}", ref, unwrap(error).toString());
                }
                forget(ref);
              },
              callbacks);
      return;
    }
    if (record != null && record.terminating && !record.deleting) {
      return;
    }
    forget(ref);
  }

  private void forget(PodRef ref) {
    launcher.forget(ref);
    records.remove(ref.uid());
    statusWriter.discard(ref.uid());
    LOG.debug("Stopped tracking pod {}", ref);
  }

  // ---- start-up and periodic checks ----------------------------------------------------------

  /**
   * Terminates provider pods that the API does not have, such as pods deleted while we were down.
   */
  private void terminateOrphans() {
    Set<String> known = new HashSet<>();
    for (Pod pod : apiPods()) {
      known.add(pod.getMetadata().getUid());
    }
    for (PodRef ref : launcher.list()) {
      if (known.contains(ref.uid())) {
        continue;
      }
      LOG.info("Provider pod {} is not in the API; terminating it", ref);
      metrics.providerCall("terminate");
      launcher
          .terminate(ref, null)
          .whenCompleteAsync(
              (ignored, error) -> {
                if (error != null) {
                  metrics.providerError("terminate");
                  LOG.warn("Terminating orphan pod {} failed: {}", ref, unwrap(error).toString());
                }
                launcher.forget(ref);
              },
              callbacks);
    }
  }

  private void reconcile() {
    if (!launcher.healthy()) {
      return;
    }
    try {
      launcher
          .reconcile()
          .whenCompleteAsync(
              (lost, error) -> {
                if (error != null) {
                  metrics.providerError("list");
                  LOG.warn("Checking the provider's pods failed: {}", unwrap(error).toString());
                  return;
                }
                for (PodRef ref : lost) {
                  Pod pod = apiPodByUid(ref.uid());
                  if (pod != null) {
                    events.warning(pod, "ProviderPodLost", lostMessage());
                  }
                }
              },
              callbacks);
    } catch (RuntimeException e) {
      LOG.warn("Checking the provider's pods failed: {}", e.toString());
    }
  }

  private void schedule(Runnable task, long delayNanos) {
    try {
      scheduler.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      LOG.debug("Not scheduling a retry: the kubelet is stopping");
    }
  }

  private static Throwable unwrap(Throwable error) {
    Throwable cause = error;
    while ((cause instanceof java.util.concurrent.CompletionException
            || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  /** Stops the informer and workers; pods keep running in the provider. */
  @Override
  public void close() {
    running = false;
    if (statusSubscription != null) {
      statusSubscription.close();
    }
    if (informer != null) {
      informer.close();
    }
    queue.close();
    statusWriter.close();
    callbacks.shutdownNow();
  }

  /** State that the controller keeps about one pod UID between syncs. */
  private static final class PodRecord {
    final PodRef ref;
    volatile SpecSnapshot launchedSpec;
    volatile boolean launching;
    volatile long launchStartNanos;
    volatile int attempts;
    volatile long nextAttemptNanos;
    volatile boolean terminating;
    volatile boolean deleting;
    volatile boolean lost;
    volatile List<String> reportedChanges = List.of();

    /** The labels and annotations that the pod's volumes were last written with. */
    volatile Metadata refreshedMetadata;

    volatile long lastRefreshNanos;
    volatile boolean refreshing;

    PodRecord(PodRef ref) {
      this.ref = ref;
    }
  }
}
