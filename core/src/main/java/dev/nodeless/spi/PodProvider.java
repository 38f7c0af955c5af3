package dev.nodeless.spi;

import dev.nodeless.LogOptions;
import dev.nodeless.PodRef;
import dev.nodeless.ValidationProblem;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Runs pods somewhere: host processes, containers, VMs or a serverless container service. The
 * {@link dev.nodeless.PodLauncher} validates and resolves every pod before a provider sees it, and
 * keeps the status table; a provider only creates, watches and removes what runs.
 *
 * <p>Methods are called from any thread and must not block the caller on cloud or process work:
 * they return futures. Implementations must be thread-safe.
 */
public interface PodProvider extends AutoCloseable {

  /** Short provider name, such as {@code local}, {@code ec2}, {@code fargate} or {@code aci}. */
  String name();

  /** Values the downward API needs from this provider. */
  DownwardFacts downwardFacts();

  /**
   * Lists what this provider cannot run in the pod. Must create nothing. An empty list means the
   * pod may be launched.
   */
  List<ValidationProblem> validate(ResolvedPod pod);

  /**
   * Starts the pod and reports every status change to the context's {@link StatusSink}. The future
   * completes once the provider has accepted the pod; it fails if the launch failed, after the
   * provider removed whatever it had created. Launching a UID that already runs does nothing.
   */
  CompletableFuture<Void> launch(ResolvedPod pod);

  /**
   * Stops the pod: pre-stop hooks, then SIGTERM or its equivalent, then a forced stop once the
   * grace period ends. Completes when nothing of the pod runs any more. An unknown or finished pod
   * completes at once.
   */
  CompletableFuture<Void> terminate(PodRef pod, Duration gracePeriod);

  /**
   * Replaces the files of a running pod's configMap, secret, downwardAPI and projected volumes with
   * those of {@code pod}, a fresh resolution of the same pod, as the kubelet does when the objects
   * behind them change. Containers see the new files where they mount the whole volume; a {@code
   * subPath} mount keeps the file it started with, as in Kubernetes. Environment variables do not
   * change.
   *
   * <p>The default keeps the files written at launch and completes with {@code false}, for
   * providers whose platform cannot change a running pod's volumes.
   *
   * @return completes with whether any file changed; with {@code false} for a pod that is unknown
   *     or finished
   */
  default CompletableFuture<Boolean> refreshVolumes(ResolvedPod pod) {
    return CompletableFuture.completedFuture(false);
  }

  /**
   * Opens a container's log. With {@link LogOptions#follow()} the stream blocks for new lines until
   * the container stops or the stream is closed.
   *
   * @throws dev.nodeless.PodNotFoundException when the pod or container is unknown
   */
  InputStream logs(PodRef pod, String container, LogOptions options);

  /** Finds the pods this provider owns from the provider itself, not from memory. */
  CompletableFuture<List<OwnedPod>> list();

  /** Whether the provider can launch pods right now; a kubelet stops its heartbeat when not. */
  default boolean healthy() {
    return true;
  }

  /**
   * Releases the provider. Each provider documents whether its pods outlive this call: the local
   * provider stops them, cloud providers leave them running to be found again by {@link #list()}.
   */
  @Override
  void close();
}
