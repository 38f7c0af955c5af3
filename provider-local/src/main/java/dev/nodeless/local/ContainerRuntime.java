package dev.nodeless.local;

import dev.nodeless.ValidationProblem;
import dev.nodeless.spi.ResolvedPod;
import java.io.IOException;
import java.util.List;

/**
 * Starts and stops container instances for {@link PodSupervisor}, which owns everything the kubelet
 * decides (ordering, restarts, back-off, probes, hooks, status). A runtime runs one instance of one
 * container at a time: host processes ({@link ProcessRuntime}) or containers of podman or docker
 * ({@link EngineRuntime}), inside the pod's {@link Sandbox}.
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
   * Whether instances run as host processes, which see the launcher's environment and files: the
   * supervisor then adds host defaults such as {@code PATH} and keeps secret files private to the
   * launcher's user. Container runtimes take these from the image instead.
   */
  default boolean hostProcesses() {
    return true;
  }

  /**
   * Creates what the pod's containers share (for an engine: a pod with one network namespace, and
   * memory-backed volumes) before the first instance starts. The process runtime shares the host.
   */
  default Sandbox createSandbox(ResolvedPod pod, PodDirectory dir) throws IOException {
    return Sandbox.HOST;
  }

  /**
   * Creates and starts one instance.
   *
   * @throws ContainerWaitingException when the instance cannot be created yet, such as when its
   *     image cannot be pulled; the container stays waiting with that reason
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

  /** What the containers of one pod share. Closing it removes it; it is idempotent. */
  interface Sandbox extends AutoCloseable {
    /** The host's namespaces: nothing to create or remove. */
    Sandbox HOST =
        new Sandbox() {
          @Override
          public String record() {
            return "";
          }

          @Override
          public void close() {}
        };

    /** A line for {@link ContainerRuntime#killLeftover} after a crash, or empty for nothing. */
    String record();

    @Override
    void close();
  }
}
