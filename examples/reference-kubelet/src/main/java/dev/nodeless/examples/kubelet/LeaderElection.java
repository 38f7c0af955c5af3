package dev.nodeless.examples.kubelet;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets several replicas of the kubelet run for availability with one active at a time, using
 * fabric8's {@code LeaderElector} on a {@code coordination.k8s.io/v1} Lease. The leader runs the
 * kubelet; the others wait. A leader that loses the lease stops its kubelet; the process should
 * then exit so that Kubernetes restarts it as a follower.
 */
final class LeaderElection {
  private static final Logger LOG = LoggerFactory.getLogger(LeaderElection.class);

  /** Timings of the election; the lease duration must exceed the renew deadline. */
  record Timing(Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {
    static final Timing DEFAULT =
        new Timing(Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2));
  }

  private LeaderElection() {}

  /**
   * Starts campaigning. Cancel the returned future to stop campaigning; a leader then releases the
   * lease, so that another replica takes over without waiting for it to expire.
   *
   * @param identity this replica's name, usually the pod name
   * @param onStartLeading runs, on an elector thread, when this replica becomes leader
   * @param onStopLeading runs when this replica loses or gives up leadership
   */
  static CompletableFuture<?> campaign(
      KubernetesClient client,
      String namespace,
      String leaseName,
      String identity,
      Timing timing,
      Runnable onStartLeading,
      Runnable onStopLeading) {
    LOG.info("Replica {} campaigns for lease {}/{}", identity, namespace, leaseName);
    return client
        .leaderElector()
        .withConfig(
            new LeaderElectionConfigBuilder()
                .withName("nodeless-kubelet")
                .withLock(new LeaseLock(namespace, leaseName, identity))
                .withLeaseDuration(timing.leaseDuration())
                .withRenewDeadline(timing.renewDeadline())
                .withRetryPeriod(timing.retryPeriod())
                .withReleaseOnCancel(true)
                .withLeaderCallbacks(
                    new LeaderCallbacks(
                        () -> {
                          LOG.info("Replica {} is the leader; starting the kubelet", identity);
                          onStartLeading.run();
                        },
                        () -> {
                          LOG.info("Replica {} is no longer the leader", identity);
                          onStopLeading.run();
                        },
                        leader -> LOG.info("Leader of {}/{} is {}", namespace, leaseName, leader)))
                .build())
        .build()
        .start();
  }
}
