package dev.nodeless;

import dev.nodeless.internal.LauncherCore;
import dev.nodeless.spi.PodProvider;
import dev.nodeless.spi.PodProviderFactory;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Predicate;

/**
 * Runs Kubernetes pods through one provider: validates and resolves each pod, hands it to the
 * provider, and keeps the latest status of every pod it owns.
 *
 * <h2>Threading</h2>
 *
 * <p>All methods are thread-safe and return without waiting for provider work, except the {@code
 * await*} and {@code *AndWait} conveniences, which block the calling thread. The launcher owns
 * three kinds of threads and stops them in {@link #close()}: one event thread that delivers status
 * changes and lifecycle events in order, one small scheduler the provider uses for timers, and the
 * executor for reference resolution (a bounded pool unless the builder is given one, which the
 * launcher then does not shut down). No thread is held per pod, so thousands of pods need no more
 * threads than a few. With the library's own resolvers ({@link ReferenceResolver#none()} and {@link
 * ReferenceResolver#of}), which never block, {@link #launch} resolves and validates on the calling
 * thread instead, and a provider may do its first quick step of the launch there too (the local
 * provider creates and locks the pod's directory).
 *
 * <h2>Lifecycle</h2>
 *
 * <p>When built, the launcher asks the provider which pods it already owns, for example those left
 * by a launcher that crashed, and tracks them too. {@link #close()} closes the provider; whether
 * pods outlive it is up to the provider (the local provider stops them).
 */
public final class PodLauncher implements AutoCloseable {

  private final LauncherCore core;

  private PodLauncher(LauncherCore core) {
    this.core = core;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Name of the provider this launcher runs pods on. */
  public String providerName() {
    return core.providerName();
  }

  /**
   * Launches a pod. A pod without {@code metadata.uid} gets a random one, and one without a
   * namespace gets {@code default}. Launching a UID this launcher already owns returns the existing
   * pod and starts nothing.
   *
   * @return a future of the pod's reference, completed once the provider accepted the pod; it fails
   *     with {@link PodValidationException} listing every problem when the pod is invalid, in which
   *     case nothing was started
   */
  public CompletableFuture<PodRef> launch(Pod pod) {
    Objects.requireNonNull(pod, "pod");
    return core.launch(pod);
  }

  /**
   * Checks a pod as {@link #launch} does, reference resolution and the provider's own checks
   * included, but starts nothing. It runs on the calling thread and blocks while the resolver looks
   * up ConfigMaps and Secrets. Callers that launch several pods use it to reject the whole set
   * before any pod starts.
   *
   * @return every problem found, in field order; empty when {@link #launch} would accept the pod
   */
  public List<ValidationProblem> validate(Pod pod) {
    Objects.requireNonNull(pod, "pod");
    return core.validate(pod);
  }

  /** Launches a pod and waits until the provider accepted it. */
  public PodRef launchAndWait(Pod pod, Duration timeout) {
    return LauncherCore.join(launch(pod), timeout, "launch");
  }

  /** The latest status of a pod, or empty when this launcher does not own it. */
  public Optional<PodStatus> status(PodRef pod) {
    return core.status(pod);
  }

  /** The pods this launcher owns, launched or adopted, in launch order. */
  public List<PodRef> list() {
    return core.list();
  }

  /**
   * Subscribes to the status changes of one pod. The listener first receives the current status,
   * then every change, on the launcher's event thread.
   */
  public Subscription subscribe(PodRef pod, PodStatusListener listener) {
    return core.subscribe(pod, listener);
  }

  /** Subscribes to the status changes of every pod of this launcher. */
  public Subscription subscribeAll(PodStatusListener listener) {
    return core.subscribeAll(listener);
  }

  /**
   * Returns a future that completes with the first status of the pod that matches the condition,
   * the current one included.
   */
  public CompletableFuture<PodStatus> when(PodRef pod, Predicate<PodStatus> condition) {
    return core.when(pod, condition);
  }

  /** Blocks until the pod is {@code Running}, {@code Succeeded} or {@code Failed}. */
  public PodStatus awaitStarted(PodRef pod, Duration timeout) {
    return LauncherCore.join(
        when(pod, status -> !"Pending".equals(status.getPhase())), timeout, "wait for pod start");
  }

  /** Blocks until the pod is {@code Succeeded} or {@code Failed}. */
  public PodStatus awaitCompletion(PodRef pod, Duration timeout) {
    return LauncherCore.join(when(pod, PodPhases::isFinished), timeout, "wait for pod completion");
  }

  /**
   * Opens the log of one container. With {@link LogOptions#follow()} reads block until new lines
   * arrive or the container stops; close the stream to stop following.
   */
  public InputStream logs(PodRef pod, String container, LogOptions options) {
    return core.logs(pod, container, options);
  }

  /**
   * Brings the files of a running pod's configMap, secret, downwardAPI and projected volumes up to
   * date, as the kubelet does on each sync of the pod. The launcher resolves the pod again with its
   * {@link ReferenceResolver}: ConfigMaps and Secrets are read again, downward API files take the
   * pod's current labels and annotations, and a service account token is issued again once 80 % of
   * its lifetime has passed. A kubelet calls this when such an object or the pod's metadata
   * changes, and periodically, so that tokens never expire.
   *
   * <p>Only volumes change: environment variables and {@code subPath} mounts keep what the
   * container started with, as in Kubernetes. The spec is the one the pod launched with; a changed
   * spec is not applied. Providers whose platform cannot change a running pod's files keep them and
   * complete with {@code false}.
   *
   * @param pod the pod as it is now, with the UID it was launched with ({@link PodRef#uid()} of a
   *     pod launched without one)
   * @return completes with whether any file changed, and with {@code false} for a pod that is
   *     finished or being terminated. Fails with {@link PodNotFoundException} when this launcher
   *     does not own the pod, and with {@link PodValidationException} when a reference no longer
   *     resolves; the files then stay as they are. Fails with {@link IllegalArgumentException} when
   *     the pod has no {@code metadata.uid}.
   */
  public CompletableFuture<Boolean> refreshVolumes(Pod pod) {
    Objects.requireNonNull(pod, "pod");
    return core.refreshVolumes(pod);
  }

  /**
   * The maximum grace period that takes effect: 100 years. A longer one, from a terminate call or
   * from {@code terminationGracePeriodSeconds}, which the API allows up to 2^63 - 1 seconds, is cut
   * to this, so that every deadline stays a time that {@link java.time.Instant} can hold.
   */
  public static final Duration MAX_GRACE_PERIOD = Duration.ofDays(36_500);

  /**
   * Returns the grace period cut to {@link #MAX_GRACE_PERIOD}, for a caller that turns it into a
   * deadline.
   */
  public static Duration capGracePeriod(Duration gracePeriod) {
    return gracePeriod.compareTo(MAX_GRACE_PERIOD) > 0 ? MAX_GRACE_PERIOD : gracePeriod;
  }

  /**
   * Terminates a pod: pre-stop hooks, then SIGTERM, then SIGKILL once the grace period ends.
   * Terminating an unknown or finished pod succeeds.
   *
   * @param gracePeriod how long the containers get between SIGTERM and SIGKILL, at most {@link
   *     #MAX_GRACE_PERIOD}; {@code null} means the pod's own {@code terminationGracePeriodSeconds},
   *     30 s when unset
   */
  public CompletableFuture<Void> terminate(PodRef pod, Duration gracePeriod) {
    return core.terminate(pod, gracePeriod);
  }

  /** Terminates a pod and blocks until nothing of it runs. */
  public void terminateAndWait(PodRef pod, Duration gracePeriod, Duration timeout) {
    LauncherCore.join(terminate(pod, gracePeriod), timeout, "terminate");
  }

  /**
   * Stops tracking a pod, so that a launcher that runs for a long time does not keep the status of
   * every pod it ever ran. Its subscriptions end and later status reports for it are ignored. It
   * neither stops the pod nor removes its files: call {@link #terminate} first, which does both for
   * the local provider. Launching the same UID again starts a new pod.
   *
   * @return whether this launcher tracked the pod
   */
  public boolean forget(PodRef pod) {
    Objects.requireNonNull(pod, "pod");
    return core.forget(pod);
  }

  /**
   * Lists the pods the provider still has, and marks every tracked pod that it lost as {@code
   * Failed} with reason {@link PodPhases#LOST_REASON}, as described in {@link
   * PodPhases#lostStatus}. Listeners receive that status like any other. Pods that finished, that
   * are being terminated or whose launch is still in progress are not checked. A lost pod is never
   * launched again by this call.
   *
   * @return a future of the pods found lost, completed once their status was delivered
   */
  public CompletableFuture<List<PodRef>> reconcile() {
    return core.reconcile();
  }

  /** Whether the provider can launch pods now. */
  public boolean healthy() {
    return core.healthy();
  }

  /** Closes the provider and stops the launcher's threads. Closing twice has no effect. */
  @Override
  public void close() {
    core.close();
  }

  /** Builds a {@link PodLauncher}. Not thread-safe; build once and share the launcher. */
  public static final class Builder {
    private PodProvider provider;
    private String providerName;
    private final Map<String, String> settings = new LinkedHashMap<>();
    private ReferenceResolver resolver = ReferenceResolver.none();
    private final List<PodLifecycleListener> listeners = new ArrayList<>();
    private Clock clock = Clock.systemUTC();
    private Executor resolveExecutor;
    private Iterable<PodProviderFactory> factories;

    private Builder() {}

    /**
     * Uses this provider instead of discovering one. The launcher closes it in {@link
     * PodLauncher#close()}.
     */
    public Builder provider(PodProvider provider) {
      this.provider = Objects.requireNonNull(provider, "provider");
      return this;
    }

    /** Discovers only the provider with this name, such as {@code local}. */
    public Builder providerName(String providerName) {
      this.providerName = Objects.requireNonNull(providerName, "providerName");
      return this;
    }

    /** Sets one provider setting, such as {@code local.stateDir}. */
    public Builder setting(String key, String value) {
      settings.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    public Builder settings(Map<String, String> settings) {
      settings.forEach(this::setting);
      return this;
    }

    /** Where ConfigMaps and Secrets come from; by default none are found. */
    public Builder resolver(ReferenceResolver resolver) {
      this.resolver = Objects.requireNonNull(resolver, "resolver");
      return this;
    }

    public Builder listener(PodLifecycleListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Runs reference resolution, which may block on the resolver, on this executor. The caller
     * keeps ownership and shuts it down.
     */
    public Builder resolveExecutor(Executor executor) {
      this.resolveExecutor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** Replaces {@link java.util.ServiceLoader} discovery with these factories. */
    public Builder providerFactories(Iterable<PodProviderFactory> factories) {
      this.factories = Objects.requireNonNull(factories, "factories");
      return this;
    }

    /**
     * Builds the launcher: picks the provider, then adopts the pods it already owns.
     *
     * @throws NoProviderException when no provider fits, listing each one tried
     */
    public PodLauncher build() {
      return new PodLauncher(
          new LauncherCore(
              provider,
              providerName,
              settings,
              resolver,
              listeners,
              clock,
              resolveExecutor,
              factories));
    }
  }
}
