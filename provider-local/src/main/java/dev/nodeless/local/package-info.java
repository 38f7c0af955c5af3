/**
 * The {@code local} provider: runs each pod as processes on this Linux host, with the kubelet's
 * semantics. It is the default provider ({@link dev.nodeless.local.LocalProviderFactory#PRIORITY}).
 * The only public type is the factory, which {@link java.util.ServiceLoader} finds.
 *
 * <h2>Settings</h2>
 *
 * <ul>
 *   <li>{@code local.stateDir}: where pods keep their files; default {@code
 *       ${java.io.tmpdir}/nodeless-${user.name}}. Several processes may share one state directory.
 *   <li>{@code local.nodeName}: the node name that pods see ({@code spec.nodeName} in the downward
 *       API); default the host name.
 *   <li>{@code local.backOff.initial}, {@code local.backOff.max}, {@code local.backOff.reset}: the
 *       crash-loop back-off, default 10 s doubling up to 5 min, starting again after 10 min; values
 *       such as {@code 250ms}, {@code 10s}, {@code 5m} or ISO-8601 {@code PT10S}.
 *   <li>{@code local.pollInterval}: how often terminate requests from other processes and the
 *       status files of pods that other processes supervise are read; default {@code 200ms}.
 *   <li>{@code local.mountNamespaces}: {@code false} stops the provider from using private mount
 *       namespaces even where the host allows them, so pods with volume mounts are rejected.
 *   <li>{@code local.cgroups}: {@code false} stops the provider from enforcing limits with cgroups.
 *   <li>{@code local.posixSpawn}: {@code false} starts container processes through {@code setsid}
 *       and {@link java.lang.ProcessBuilder} even where glibc's {@code posix_spawn} can start the
 *       session in one step.
 * </ul>
 *
 * <h2>What runs</h2>
 *
 * <p>The image is ignored and {@code command} is required: the command runs from the host's file
 * system in a new session, with a clean environment ({@code PATH}, {@code HOME}, {@code HOSTNAME},
 * then the pod's variables), the container's {@code workingDir} (default {@code /}) and no standard
 * input. Volume mounts are bind mounts in a private mount namespace ({@code unshare}, root only);
 * other processes of the host do not see them. Memory and CPU limits are enforced with a cgroup per
 * container instance under the JVM's own cgroup when the host lets the JVM create one. Every pod
 * shares the host network, so its IP is {@code 127.0.0.1}. Fields the runtime cannot honour are
 * rejected by validation with their field path.
 *
 * <h2>Persistence and other processes</h2>
 *
 * <p>Each pod lives in {@code <stateDir>/pods/<uid>/}: the manifest, the status (replaced
 * atomically on every change), the logs of every container instance, the volumes and the PIDs and
 * start times of its processes. The process that supervises a pod holds an exclusive lock on its
 * {@code lock} file. {@link dev.nodeless.spi.PodProvider#list()} returns every pod of the state
 * directory:
 *
 * <ul>
 *   <li>a pod locked by another live process is observed: its status is read from its file and
 *       reported on change, its logs can be read and followed, and {@code terminate} writes {@code
 *       <stateDir>/requests/<uid>.terminate}, which the supervising process acts on;
 *   <li>a pod whose lock is free but whose status is not final was left by a supervisor that died.
 *       It is cleaned up, not adopted: its recorded processes are killed after their PID and start
 *       time are checked, its volumes are removed, and its status becomes {@code Failed} with
 *       reason {@code SupervisorLost}. Its logs stay readable.
 * </ul>
 *
 * <p>{@code terminate} removes the pod's directory once its processes are gone, as a deletion does.
 * A pod that finished by itself keeps its files until it is terminated.
 *
 * <h2>Closing</h2>
 *
 * <p>{@link dev.nodeless.spi.PodProvider#close()} stops every pod that this provider supervises,
 * each with its own grace period, and waits for them; their files stay with a final status. Pods
 * that other processes supervise are not touched. To keep pods running after the caller exits (for
 * example {@code nodeless run --detach}), keep a launcher open in a separate process: that process
 * is the pods' supervisor.
 *
 * <h2>Threads</h2>
 *
 * <p>No thread is held per pod: each pod's state changes run one at a time on a shared pool of four
 * threads, timers and probes use the launcher's scheduler, HTTP probes use the asynchronous {@link
 * java.net.http.HttpClient} and TCP probes an asynchronous socket channel. Two kinds of threads
 * exist per running container: the JDK's process reaper thread, which waits for its exit, and one
 * log thread, which copies its output to the log file.
 */
package dev.nodeless.local;
