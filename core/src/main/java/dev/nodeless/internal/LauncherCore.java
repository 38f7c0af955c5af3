package dev.nodeless.internal;

import dev.nodeless.LogOptions;
import dev.nodeless.NoProviderException;
import dev.nodeless.NodelessException;
import dev.nodeless.PodLauncher;
import dev.nodeless.PodLifecycleListener;
import dev.nodeless.PodNotFoundException;
import dev.nodeless.PodPhases;
import dev.nodeless.PodRef;
import dev.nodeless.PodStatusListener;
import dev.nodeless.PodValidationException;
import dev.nodeless.ReferenceResolver;
import dev.nodeless.Subscription;
import dev.nodeless.ValidationProblem;
import dev.nodeless.spi.OwnedPod;
import dev.nodeless.spi.PodProvider;
import dev.nodeless.spi.PodProviderFactory;
import dev.nodeless.spi.ProviderContext;
import dev.nodeless.spi.ResolvedPod;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The implementation behind {@link dev.nodeless.PodLauncher}; see its Javadoc for the contract. */
public final class LauncherCore {
  private static final Logger LOG = LoggerFactory.getLogger(LauncherCore.class);
  private static final Duration ADOPT_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration DEFAULT_GRACE = Duration.ofSeconds(30);

  /** How long status reports for a forgotten pod are ignored; late reports arrive in seconds. */
  private static final Duration FORGOTTEN_RETENTION = Duration.ofMinutes(5);

  private final PodProvider provider;
  private final ReferenceResolver resolver;
  private final List<PodLifecycleListener> lifecycleListeners;
  private final Clock clock;
  private final ExecutorService events;
  private final ScheduledExecutorService scheduler;
  private final Executor resolveExecutor;
  private final ExecutorService ownedResolveExecutor;
  private final Map<String, TrackedPod> pods = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<PodRef>> launches = new ConcurrentHashMap<>();
  private final Set<String> forgotten = ConcurrentHashMap.newKeySet();
  private final IssuedTokens tokens;
  private final List<PodStatusListener> allListeners = new CopyOnWriteArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();

  public LauncherCore(
      PodProvider explicitProvider,
      String providerName,
      Map<String, String> settings,
      ReferenceResolver resolver,
      List<PodLifecycleListener> listeners,
      Clock clock,
      Executor resolveExecutor,
      Iterable<PodProviderFactory> factories) {
    this.resolver = resolver;
    this.lifecycleListeners = List.copyOf(listeners);
    this.clock = clock;
    this.tokens = new IssuedTokens(clock);
    this.events = Executors.newSingleThreadExecutor(daemonThreads("nodeless-events"));
    ScheduledThreadPoolExecutor timers =
        new ScheduledThreadPoolExecutor(2, daemonThreads("nodeless-timers"));
    timers.setRemoveOnCancelPolicy(true);
    this.scheduler = timers;
    if (resolveExecutor == null) {
      ThreadPoolExecutor pool =
          new ThreadPoolExecutor(
              4,
              4,
              30,
              TimeUnit.SECONDS,
              new LinkedBlockingQueue<>(),
              daemonThreads("nodeless-resolve"));
      pool.allowCoreThreadTimeOut(true);
      this.ownedResolveExecutor = pool;
      this.resolveExecutor = pool;
    } else {
      this.ownedResolveExecutor = null;
      this.resolveExecutor = resolveExecutor;
    }
    ProviderContext context = new ProviderContext(settings, this::onStatus, scheduler, clock);
    try {
      this.provider =
          explicitProvider != null
              ? explicitProvider
              : discover(providerName, settings, factories, context);
      adoptOwnedPods();
    } catch (RuntimeException e) {
      shutdownThreads();
      throw e;
    }
    LOG.info("Pod launcher started on provider '{}'", provider.name());
  }

  public String providerName() {
    return provider.name();
  }

  public boolean healthy() {
    return !closed.get() && provider.healthy();
  }

  // ---- launch -------------------------------------------------------------------------------

  public CompletableFuture<PodRef> launch(Pod requested) {
    ensureOpen();
    Pod pod = withIdentity(requested);
    PodRef ref = PodRef.of(pod);
    TrackedPod existing = pods.get(ref.uid());
    if (existing != null) {
      LOG.debug("Pod {} is already launched; returning it", ref);
      return CompletableFuture.completedFuture(existing.ref);
    }
    CompletableFuture<PodRef> fresh = new CompletableFuture<>();
    CompletableFuture<PodRef> raced = launches.putIfAbsent(ref.uid(), fresh);
    if (raced != null) {
      return raced;
    }
    forgotten.remove(ref.uid());
    CompletableFuture<ResolvedPod> prepared;
    if (resolver instanceof ObjectListResolver) {
      // An in-memory resolver never blocks, so the caller's thread resolves: one hand-off less.
      try {
        prepared = CompletableFuture.completedFuture(prepare(pod, ref, podResolver(ref)));
      } catch (RuntimeException e) {
        prepared = CompletableFuture.failedFuture(e);
      }
    } else {
      prepared =
          CompletableFuture.supplyAsync(() -> prepare(pod, ref, podResolver(ref)), resolveExecutor);
    }
    prepared
        .thenCompose(resolved -> start(resolved))
        .whenComplete(
            (started, error) -> {
              // Removed before completing, so that a caller woken by the future sees the launch
              // as finished, for example in reconcile().
              launches.remove(ref.uid(), fresh);
              if (error == null) {
                fresh.complete(started);
              } else {
                Throwable cause = unwrap(error);
                if (!(cause instanceof PodValidationException)) {
                  LOG.warn("Launch of pod {} failed: {}", ref, cause.toString());
                  fireLifecycle(listener -> listener.onLaunchFailed(ref, cause));
                }
                pods.remove(ref.uid());
                tokens.forget(ref.uid());
                fresh.completeExceptionally(cause);
              }
            });
    return fresh;
  }

  public List<ValidationProblem> validate(Pod requested) {
    ensureOpen();
    Pod pod = withIdentity(requested);
    try {
      prepare(pod, PodRef.of(pod), resolver);
      return List.of();
    } catch (PodValidationException e) {
      return e.problems();
    }
  }

  /**
   * Validates and resolves the pod, then lets the provider validate it. A pod whose only core
   * problems are unresolved references still goes to the provider, without those references, so
   * that one exception lists every problem.
   */
  private ResolvedPod prepare(Pod pod, PodRef ref, ReferenceResolver resolver) {
    PodPreparer.Examined examined =
        PodPreparer.examine(pod, resolver, provider.downwardFacts(), provider.name());
    List<ValidationProblem> problems = new ArrayList<>(examined.problems());
    if (examined.resolved() != null) {
      try {
        problems.addAll(provider.validate(examined.resolved()));
      } catch (RuntimeException e) {
        if (problems.isEmpty()) {
          throw e;
        }
        // The provider failed on the references left out; the core problems explain the pod.
        LOG.debug(
            "Pod {}: provider validation failed on unresolved references: {}", ref, e.toString());
      }
    }
    if (!problems.isEmpty()) {
      throw new PodValidationException(ref, provider.name(), problems);
    }
    return examined.resolved();
  }

  /** Returns the resolver for one pod, which keeps the service account tokens issued for it. */
  private ReferenceResolver podResolver(PodRef ref) {
    return tokens.forPod(ref.uid(), resolver);
  }

  private CompletableFuture<PodRef> start(ResolvedPod resolved) {
    PodRef ref = resolved.ref();
    TrackedPod tracked =
        new TrackedPod(
            ref, initialStatus(), resolved.pod().getSpec().getTerminationGracePeriodSeconds());
    pods.put(ref.uid(), tracked);
    LOG.info("Launching pod {} on provider '{}'", ref, provider.name());
    fireLifecycle(listener -> listener.onRequested(ref));
    CompletableFuture<Void> launched;
    try {
      launched = provider.launch(resolved);
    } catch (RuntimeException e) {
      launched = CompletableFuture.failedFuture(e);
    }
    return launched.thenApply(
        ignored -> {
          fireLifecycle(listener -> listener.onStarting(ref));
          return ref;
        });
  }

  // ---- refresh ------------------------------------------------------------------------------

  public CompletableFuture<Boolean> refreshVolumes(Pod requested) {
    ensureOpen();
    if (requested.getMetadata() == null
        || requested.getMetadata().getUid() == null
        || requested.getMetadata().getUid().isBlank()) {
      return CompletableFuture.failedFuture(
          new IllegalArgumentException(
              "the pod has no metadata.uid, so it cannot be matched to a launched pod; set it to"
                  + " the uid of the PodRef that launch returned"));
    }
    Pod pod = withIdentity(requested);
    PodRef ref = PodRef.of(pod);
    TrackedPod tracked = pods.get(ref.uid());
    if (tracked == null) {
      return CompletableFuture.failedFuture(
          new PodNotFoundException(
              ref, "this launcher did not launch or adopt it, so it has no volumes to refresh"));
    }
    if (tracked.terminating || PodPhases.isFinished(tracked.status)) {
      LOG.debug("Pod {} is finished or terminating; its volumes stay as they are", ref);
      return CompletableFuture.completedFuture(false);
    }
    ReferenceResolver podResolver = podResolver(ref);
    CompletableFuture<ResolvedPod> resolved =
        resolver instanceof ObjectListResolver
            ? CompletableFuture.completedFuture(null)
                .thenApply(ignored -> resolveAgain(pod, podResolver))
            : CompletableFuture.supplyAsync(() -> resolveAgain(pod, podResolver), resolveExecutor);
    return resolved
        .thenCompose(provider::refreshVolumes)
        .whenComplete(
            (changed, error) -> {
              if (error != null) {
                LOG.warn(
                    "Refreshing the volumes of pod {} failed; they stay as they were: {}",
                    ref,
                    unwrap(error).toString());
              } else if (changed) {
                LOG.info("Refreshed the volumes of pod {}", ref);
              }
            });
  }

  private ResolvedPod resolveAgain(Pod pod, ReferenceResolver podResolver) {
    return PodPreparer.prepare(pod, podResolver, provider.downwardFacts(), provider.name());
  }

  /** Returns a deep copy of the pod with a UID, a namespace and a name, which it may lack. */
  private Pod withIdentity(Pod requested) {
    Pod pod = new PodBuilder(requested).build();
    // The copy's metadata is its own, so it is completed in place.
    ObjectMeta meta = pod.getMetadata();
    if (meta == null) {
      meta = new ObjectMeta();
      pod.setMetadata(meta);
    }
    if (meta.getUid() == null || meta.getUid().isBlank()) {
      meta.setUid(UUID.randomUUID().toString());
    }
    if (meta.getNamespace() == null || meta.getNamespace().isEmpty()) {
      meta.setNamespace("default");
    }
    if (meta.getName() == null) {
      // Validation reports the missing name; a placeholder keeps the reference printable.
      meta.setName("");
    }
    return pod;
  }

  private PodStatus initialStatus() {
    String now = Timestamps.format(clock.instant());
    return new PodStatusBuilder()
        .withPhase(PodPhases.PENDING)
        .withConditions(
            new PodConditionBuilder()
                .withType("PodScheduled")
                .withStatus("True")
                .withLastTransitionTime(now)
                .build())
        .build();
  }

  // ---- status -------------------------------------------------------------------------------

  private void onStatus(PodRef ref, PodStatus status) {
    PodStatus copy = new PodStatusBuilder(status).build();
    events.execute(() -> deliver(ref, copy));
  }

  private void deliver(PodRef ref, PodStatus status) {
    if (forgotten.contains(ref.uid())) {
      LOG.debug("Ignoring status of forgotten pod {}", ref);
      return;
    }
    TrackedPod tracked = pods.computeIfAbsent(ref.uid(), uid -> new TrackedPod(ref, status, null));
    if (forgotten.contains(ref.uid())) {
      // forget() ran between the check above and the line before.
      pods.remove(ref.uid(), tracked);
      return;
    }
    PodStatus previous = tracked.status;
    if (PodPhases.isFinished(previous) && !PodPhases.isFinished(status)) {
      LOG.warn(
          "Ignoring status of pod {} that goes back from {} to {}",
          ref,
          previous.getPhase(),
          status.getPhase());
      return;
    }
    tracked.status = status;
    String oldPhase = previous == null ? null : previous.getPhase();
    String newPhase = status.getPhase();
    if (!newPhase.equals(oldPhase)) {
      LOG.debug("Pod {} phase {} -> {}", ref, oldPhase, newPhase);
      if (PodPhases.RUNNING.equals(newPhase)) {
        fireLifecycleNow(listener -> listener.onRunning(ref, status));
      } else if (PodPhases.isFinished(status)) {
        tokens.forget(ref.uid());
        fireLifecycleNow(listener -> listener.onTerminated(ref, status));
      }
    }
    for (PodStatusListener listener : tracked.listeners) {
      notify(listener, ref, status);
    }
    for (PodStatusListener listener : allListeners) {
      notify(listener, ref, status);
    }
  }

  private static void notify(PodStatusListener listener, PodRef ref, PodStatus status) {
    try {
      listener.onStatus(ref, status);
    } catch (RuntimeException e) {
      LOG.warn("Status listener {} threw for pod {}; ignoring it", listener, ref, e);
    }
  }

  public Optional<PodStatus> status(PodRef ref) {
    TrackedPod tracked = pods.get(ref.uid());
    return tracked == null ? Optional.empty() : Optional.of(tracked.status);
  }

  public List<PodRef> list() {
    return pods.values().stream()
        .sorted(Comparator.comparingLong(tracked -> tracked.sequence))
        .map(tracked -> tracked.ref)
        .toList();
  }

  public Subscription subscribe(PodRef ref, PodStatusListener listener) {
    TrackedPod tracked = pods.get(ref.uid());
    if (tracked == null) {
      throw new PodNotFoundException(ref, "this launcher did not launch or adopt it");
    }
    events.execute(
        () -> {
          tracked.listeners.add(listener);
          notify(listener, ref, tracked.status);
        });
    return () -> events.execute(() -> tracked.listeners.remove(listener));
  }

  public Subscription subscribeAll(PodStatusListener listener) {
    allListeners.add(listener);
    return () -> allListeners.remove(listener);
  }

  public CompletableFuture<PodStatus> when(PodRef ref, Predicate<PodStatus> condition) {
    CompletableFuture<PodStatus> result = new CompletableFuture<>();
    Subscription[] holder = new Subscription[1];
    PodStatusListener listener =
        (pod, status) -> {
          if (result.isDone()) {
            return;
          }
          try {
            if (condition.test(status)) {
              result.complete(status);
            }
          } catch (RuntimeException | Error e) {
            // Also an AssertionError from a test's predicate: it fails this future only, and the
            // event thread goes on.
            result.completeExceptionally(e);
          }
        };
    holder[0] = subscribe(ref, listener);
    result.whenComplete((status, error) -> holder[0].close());
    return result;
  }

  // ---- logs and terminate -------------------------------------------------------------------

  public InputStream logs(PodRef ref, String container, LogOptions options) {
    ensureOpen();
    if (!pods.containsKey(ref.uid())) {
      throw new PodNotFoundException(ref, "this launcher did not launch or adopt it");
    }
    return provider.logs(ref, container, options);
  }

  public CompletableFuture<Void> terminate(PodRef ref, Duration gracePeriod) {
    ensureOpen();
    TrackedPod tracked = pods.get(ref.uid());
    if (tracked == null) {
      LOG.debug("Terminate of unknown pod {}: nothing to do", ref);
      return CompletableFuture.completedFuture(null);
    }
    Duration grace = gracePeriod == null ? tracked.defaultGrace() : gracePeriod;
    if (grace.isNegative()) {
      return CompletableFuture.failedFuture(
          new IllegalArgumentException("gracePeriod must be >= 0, got " + grace));
    }
    grace = PodLauncher.capGracePeriod(grace);
    LOG.info("Terminating pod {} with grace period {} s", ref, grace.toSeconds());
    tracked.terminating = true;
    tokens.forget(ref.uid());
    return provider.terminate(ref, grace);
  }

  // ---- forget and reconcile -----------------------------------------------------------------

  public boolean forget(PodRef ref) {
    // Marked first: a status being delivered right now either finds the mark after it re-adds the
    // pod, and removes it again, or re-adds it before this removal.
    boolean marked = forgotten.add(ref.uid());
    TrackedPod removed = pods.remove(ref.uid());
    tokens.forget(ref.uid());
    if (removed == null) {
      if (marked) {
        forgotten.remove(ref.uid());
      }
      return false;
    }
    if (!closed.get()) {
      scheduler.schedule(
          () -> forgotten.remove(ref.uid()), FORGOTTEN_RETENTION.toMillis(), TimeUnit.MILLISECONDS);
      events.execute(removed.listeners::clear);
    }
    LOG.debug("Stopped tracking pod {}", ref);
    return true;
  }

  public CompletableFuture<List<PodRef>> reconcile() {
    ensureOpen();
    // Candidates are chosen before the provider lists its pods, so that a pod launched while the
    // list is in flight is never taken for lost.
    List<TrackedPod> candidates =
        pods.values().stream()
            .filter(tracked -> !tracked.terminating)
            .filter(tracked -> !PodPhases.isFinished(tracked.status))
            .filter(tracked -> !launches.containsKey(tracked.ref.uid()))
            .toList();
    if (candidates.isEmpty()) {
      return CompletableFuture.completedFuture(List.of());
    }
    CompletableFuture<List<OwnedPod>> owned;
    try {
      owned = provider.list();
    } catch (RuntimeException e) {
      owned = CompletableFuture.failedFuture(e);
    }
    return owned.thenApplyAsync(list -> markLost(candidates, list), events);
  }

  private List<PodRef> markLost(List<TrackedPod> candidates, List<OwnedPod> owned) {
    Set<String> present = new HashSet<>();
    for (OwnedPod pod : owned) {
      present.add(pod.ref().uid());
    }
    List<PodRef> lost = new ArrayList<>();
    for (TrackedPod tracked : candidates) {
      boolean stillTracked = pods.get(tracked.ref.uid()) == tracked;
      if (present.contains(tracked.ref.uid())
          || !stillTracked
          || tracked.terminating
          || PodPhases.isFinished(tracked.status)) {
        continue;
      }
      LOG.warn(
          "Provider '{}' no longer has pod {}; marking it {} with reason {}",
          provider.name(),
          tracked.ref,
          PodPhases.FAILED,
          PodPhases.LOST_REASON);
      deliver(tracked.ref, PodPhases.lostStatus(tracked.status, clock.instant()));
      lost.add(tracked.ref);
    }
    return lost;
  }

  // ---- provider discovery and adoption ------------------------------------------------------

  private static PodProvider discover(
      String providerName,
      Map<String, String> settings,
      Iterable<PodProviderFactory> factories,
      ProviderContext context) {
    List<PodProviderFactory> candidates = new ArrayList<>();
    (factories != null ? factories : ServiceLoader.load(PodProviderFactory.class))
        .forEach(candidates::add);
    candidates.sort(Comparator.comparingInt(PodProviderFactory::priority).reversed());
    List<NoProviderException.Attempt> attempts = new ArrayList<>();
    for (int i = 0; i < candidates.size(); i++) {
      PodProviderFactory factory = candidates.get(i);
      if (providerName != null && !providerName.equals(factory.name())) {
        attempts.add(
            new NoProviderException.Attempt(
                factory.name(),
                factory.priority(),
                "not selected: the launcher asks for provider '" + providerName + "'"));
        continue;
      }
      Optional<String> reason;
      try {
        reason = factory.unavailableReason(settings);
      } catch (RuntimeException e) {
        reason = Optional.of("availability check failed: " + e);
      }
      if (reason.isPresent()) {
        LOG.debug("Provider '{}' passed over: {}", factory.name(), reason.get());
        attempts.add(
            new NoProviderException.Attempt(factory.name(), factory.priority(), reason.get()));
        continue;
      }
      if (providerName == null
          && i + 1 < candidates.size()
          && candidates.get(i + 1).priority() == factory.priority()) {
        LOG.warn(
            "Providers '{}' and '{}' have the same priority {}; using '{}'. Name one with"
                + " PodLauncher.builder().providerName(...) to choose",
            factory.name(),
            candidates.get(i + 1).name(),
            factory.priority(),
            factory.name());
      }
      LOG.info("Using provider '{}' (priority {})", factory.name(), factory.priority());
      return factory.create(context);
    }
    throw new NoProviderException(attempts);
  }

  private void adoptOwnedPods() {
    List<OwnedPod> owned;
    try {
      owned = provider.list().get(ADOPT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NodelessException("interrupted while listing the provider's pods", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new NodelessException(
          "provider '" + provider.name() + "' failed to list the pods it owns: " + e, e);
    }
    for (OwnedPod pod : owned) {
      Long grace =
          pod.pod() == null || pod.pod().getSpec() == null
              ? null
              : pod.pod().getSpec().getTerminationGracePeriodSeconds();
      // A pod whose supervisor has not written a status yet counts as Pending, not as missing.
      PodStatus status = pod.status() == null ? initialStatus() : pod.status();
      pods.putIfAbsent(pod.ref().uid(), new TrackedPod(pod.ref(), status, grace));
      LOG.info(
          "Adopted pod {} in phase {}",
          pod.ref(),
          pod.status() == null ? "unknown" : pod.status().getPhase());
    }
  }

  // ---- close --------------------------------------------------------------------------------

  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    LOG.info("Closing pod launcher on provider '{}'", provider.name());
    try {
      provider.close();
    } catch (RuntimeException e) {
      LOG.warn("Provider '{}' failed to close cleanly", provider.name(), e);
    }
    shutdownThreads();
  }

  private void shutdownThreads() {
    events.shutdown();
    scheduler.shutdownNow();
    if (ownedResolveExecutor != null) {
      ownedResolveExecutor.shutdownNow();
    }
    try {
      events.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void ensureOpen() {
    if (closed.get()) {
      throw new IllegalStateException("the pod launcher is closed");
    }
  }

  // ---- helpers ------------------------------------------------------------------------------

  private void fireLifecycle(java.util.function.Consumer<PodLifecycleListener> event) {
    events.execute(() -> fireLifecycleNow(event));
  }

  private void fireLifecycleNow(java.util.function.Consumer<PodLifecycleListener> event) {
    for (PodLifecycleListener listener : lifecycleListeners) {
      try {
        event.accept(listener);
      } catch (RuntimeException e) {
        LOG.warn("Lifecycle listener {} threw; ignoring it", listener, e);
      }
    }
  }

  /** Waits for a future, turning timeouts and interrupts into {@link NodelessException}s. */
  public static <T> T join(CompletableFuture<T> future, Duration timeout, String what) {
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NodelessException("interrupted during " + what, e);
    } catch (TimeoutException e) {
      throw new NodelessException(what + " timed out after " + timeout.toMillis() + " ms", e);
    } catch (ExecutionException e) {
      Throwable cause = unwrap(e);
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new NodelessException(what + " failed: " + cause, cause);
    }
  }

  static Throwable unwrap(Throwable error) {
    Throwable cause = error;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  private static final class TrackedPod {
    final PodRef ref;
    final long sequence = SEQUENCE.incrementAndGet();
    final List<PodStatusListener> listeners = new CopyOnWriteArrayList<>();
    volatile PodStatus status;
    volatile boolean terminating;

    /** The pod's {@code terminationGracePeriodSeconds}, or {@code null} when unset or unknown. */
    final Long graceSeconds;

    TrackedPod(PodRef ref, PodStatus status, Long graceSeconds) {
      this.ref = ref;
      this.status = status;
      this.graceSeconds = graceSeconds;
    }

    Duration defaultGrace() {
      return graceSeconds == null
          ? DEFAULT_GRACE
          : PodLauncher.capGracePeriod(Duration.ofSeconds(graceSeconds));
    }
  }
}
