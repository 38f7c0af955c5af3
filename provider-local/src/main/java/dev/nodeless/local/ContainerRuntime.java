package dev.nodeless.local;

import dev.nodeless.ValidationProblem;
import dev.nodeless.spi.ResolvedPod;
import java.io.IOException;
import java.util.List;

/**
 * Starts and stops container instances for {@link PodSupervisor}, which owns everything the kubelet
 * decides (ordering, restarts, back-off, probes, hooks, status). A runtime only runs one instance
 * of one container at a time: host processes ({@link ProcessRuntime}) now, an OCI engine later.
 *
 * <p>Implementations are thread-safe. {@link #start} may block for the time it takes to create the
 * instance, so callers run it off the shared scheduler.
 */
interface ContainerRuntime extends AutoCloseable {

  /** Short name used in container IDs, such as {@code local} for {@code local://...}. */
  String name();

  /** Lists what this runtime cannot run in the pod, with field paths; must create nothing. */
  List<ValidationProblem> validate(ResolvedPod pod);

  /**
   * Creates and starts one instance.
   *
   * @throws IOException when the instance could not be created at all; a command that cannot be
   *     executed is instead reported through {@link RunningContainer#exit()} as a start error
   */
  RunningContainer start(ContainerLaunch launch) throws IOException;

  /**
   * Stops what is left of an instance that another, now dead, supervisor started.
   *
   * @param record the value of {@link RunningContainer#record()} that the dead supervisor stored
   * @return how many processes were signalled
   */
  int killLeftover(String record);

  @Override
  void close();
}
