package dev.nodeless.spi;

import dev.nodeless.PodPhases;
import dev.nodeless.internal.Timestamps;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.HostIPBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodIPBuilder;
import io.fabric8.kubernetes.api.model.PodReadinessGate;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Computes a pod status from the statuses of its containers the way the kubelet does (Kubernetes
 * 1.29 and later, native sidecars included): the phase, the {@code Initialized}, {@code Ready},
 * {@code ContainersReady} and {@code PodScheduled} conditions, and container statuses in spec order
 * with a default waiting state for containers that have none yet.
 *
 * <p>A condition keeps its {@code lastTransitionTime} from the previous status while its status
 * stays the same. A previous {@code Succeeded} or {@code Failed} phase is kept whatever the
 * containers show, as the kubelet's status manager enforces.
 *
 * <p>Build one per status update with {@link #of(Pod)}; instances are not thread-safe.
 */
public final class KubeletStatus {
  static final String INITIALIZED = "Initialized";
  static final String READY = "Ready";
  static final String CONTAINERS_READY = "ContainersReady";
  static final String POD_SCHEDULED = "PodScheduled";

  /** Reason of a container that never ran when its pod was terminated, with exit code 137. */
  public static final String CONTAINER_STATUS_UNKNOWN = "ContainerStatusUnknown";

  private final Pod pod;
  private final PodSpec spec;
  private final Map<String, ContainerStatus> given = new HashMap<>();
  private PodStatus previous;
  private boolean terminal;
  private String hostIp;
  private String podIp;
  private Instant startTime;
  private String reason;
  private String message;
  private boolean failed;

  private KubeletStatus(Pod pod) {
    this.pod = Objects.requireNonNull(pod, "pod");
    this.spec = Objects.requireNonNull(pod.getSpec(), "pod.spec");
  }

  /** Starts a status computation for this pod. */
  public static KubeletStatus of(Pod pod) {
    return new KubeletStatus(pod);
  }

  /**
   * Adds the status of one init or app container, matched to the spec by name. Containers without a
   * status get {@link ContainerStates#notCreatedStatus}.
   */
  public KubeletStatus container(ContainerStatus status) {
    given.put(status.getName(), status);
    return this;
  }

  public KubeletStatus containers(List<ContainerStatus> statuses) {
    statuses.forEach(this::container);
    return this;
  }

  /** Sets the status reported before this one, whose condition transition times are kept. */
  public KubeletStatus previous(PodStatus previous) {
    this.previous = previous;
    return this;
  }

  /**
   * Marks the pod as terminal: it was terminated and none of its containers will start again, so
   * its phase becomes {@code Succeeded} or {@code Failed} whatever its restart policy.
   */
  public KubeletStatus terminal(boolean terminal) {
    this.terminal = terminal;
    return this;
  }

  public KubeletStatus hostIp(String hostIp) {
    this.hostIp = hostIp;
    return this;
  }

  public KubeletStatus podIp(String podIp) {
    this.podIp = podIp;
    return this;
  }

  /** When the provider accepted the pod; the kubelet reports it as {@code startTime}. */
  public KubeletStatus startTime(Instant startTime) {
    this.startTime = startTime;
    return this;
  }

  /** Sets a pod-level reason and message, such as {@code Evicted}. Either may be {@code null}. */
  public KubeletStatus reason(String reason, String message) {
    this.reason = reason;
    this.message = message;
    return this;
  }

  /**
   * Fails the pod with a pod-level reason and message, as the kubelet does for {@code
   * DeadlineExceeded}: the phase is {@code Failed} at once, while its containers are still being
   * stopped.
   */
  public KubeletStatus failed(String reason, String message) {
    this.reason = reason;
    this.message = message;
    this.failed = true;
    return this;
  }

  /** Computes the status; {@code now} is the time of condition transitions. */
  public PodStatus compute(Instant now) {
    List<ContainerStatus> inits = statusesInSpecOrder(spec.getInitContainers());
    List<ContainerStatus> apps = statusesInSpecOrder(spec.getContainers());
    String phase = phase(spec, inits, apps, terminal);
    if (terminal && !isTerminal(phase)) {
      apps = apps.stream().map(KubeletStatus::stoppedForTermination).toList();
      phase = phase(spec, inits, apps, true);
      if (!isTerminal(phase)) {
        phase = PodPhases.FAILED;
      }
    }
    if (failed) {
      phase = PodPhases.FAILED;
    }
    if (previous != null && isTerminal(previous.getPhase())) {
      phase = previous.getPhase();
    }

    List<ContainerStatus> all = new ArrayList<>(inits);
    all.addAll(apps);
    List<PodCondition> conditions = new ArrayList<>();
    conditions.add(keepTransition(initializedCondition(inits, all, phase), now));
    PodCondition containersReady = containersReadyCondition(all, phase);
    conditions.add(keepTransition(readyCondition(containersReady), now));
    conditions.add(keepTransition(containersReady, now));
    conditions.add(scheduledCondition(now));

    PodStatusBuilder status =
        new PodStatusBuilder()
            .withPhase(phase)
            .withConditions(conditions)
            .withReason(reason)
            .withMessage(message)
            .withQosClass(qosClass(spec))
            .withInitContainerStatuses(inits)
            .withContainerStatuses(apps);
    if (hostIp != null) {
      status.withHostIP(hostIp).withHostIPs(new HostIPBuilder().withIp(hostIp).build());
    }
    if (podIp != null) {
      status.withPodIP(podIp).withPodIPs(new PodIPBuilder().withIp(podIp).build());
    }
    if (startTime != null) {
      status.withStartTime(Timestamps.format(startTime));
    }
    return status.build();
  }

  // ---- phase ---------------------------------------------------------------------------------

  /**
   * The pod phase as the kubelet derives it from container statuses.
   *
   * @param terminal whether the pod was terminated, so that no container restarts
   */
  public static String phase(
      PodSpec spec, List<ContainerStatus> inits, List<ContainerStatus> apps, boolean terminal) {
    Map<String, ContainerStatus> byName = new HashMap<>();
    inits.forEach(status -> byName.put(status.getName(), status));
    apps.forEach(status -> byName.put(status.getName(), status));
    String restartPolicy = spec.getRestartPolicy() == null ? "Always" : spec.getRestartPolicy();

    int pendingRegularInit = 0;
    int pendingSidecars = 0;
    int failedInitialization = 0;
    for (Container container : list(spec.getInitContainers())) {
      if (isSidecar(container)) {
        continue;
      }
      ContainerStatus status = byName.get(container.getName());
      ContainerState state = status == null ? null : status.getState();
      if (state == null) {
        pendingRegularInit++;
      } else if (state.getRunning() != null) {
        pendingRegularInit++;
      } else if (state.getTerminated() != null) {
        if (state.getTerminated().getExitCode() != 0) {
          failedInitialization++;
        }
      } else if (state.getWaiting() != null) {
        ContainerState last = status.getLastState();
        if (last != null && last.getTerminated() != null) {
          if (last.getTerminated().getExitCode() != 0) {
            failedInitialization++;
          }
        } else {
          pendingRegularInit++;
        }
      } else {
        pendingRegularInit++;
      }
    }

    int unknown = 0;
    int running = 0;
    int waiting = 0;
    int stopped = 0;
    int succeeded = 0;
    for (Container container : list(spec.getInitContainers())) {
      if (!isSidecar(container)) {
        continue;
      }
      ContainerStatus status = byName.get(container.getName());
      ContainerState state = status == null ? null : status.getState();
      if (state == null) {
        unknown++;
      } else if (state.getRunning() != null) {
        if (!Boolean.TRUE.equals(status.getStarted())) {
          pendingSidecars++;
        }
        running++;
      } else if (state.getTerminated() != null) {
        // A stopped sidecar does not count towards the phase.
      } else if (state.getWaiting() != null) {
        ContainerState last = status.getLastState();
        if (last == null || last.getTerminated() == null) {
          pendingSidecars++;
        }
      } else {
        pendingSidecars++;
        unknown++;
      }
    }
    for (Container container : list(spec.getContainers())) {
      ContainerStatus status = byName.get(container.getName());
      ContainerState state = status == null ? null : status.getState();
      if (state == null) {
        unknown++;
      } else if (state.getRunning() != null) {
        running++;
      } else if (state.getTerminated() != null) {
        stopped++;
        if (state.getTerminated().getExitCode() == 0) {
          succeeded++;
        }
      } else if (state.getWaiting() != null) {
        ContainerState last = status.getLastState();
        if (last != null && last.getTerminated() != null) {
          stopped++;
        } else {
          waiting++;
        }
      } else {
        unknown++;
      }
    }

    if (failedInitialization > 0 && "Never".equals(restartPolicy)) {
      return PodPhases.FAILED;
    }
    if (pendingRegularInit > 0
        || (pendingSidecars > 0 && !anyRegularContainerStarted(spec, byName))
        || waiting > 0) {
      return PodPhases.PENDING;
    }
    if (running > 0 && unknown == 0) {
      return PodPhases.RUNNING;
    }
    if (running == 0 && stopped > 0 && unknown == 0) {
      if (terminal) {
        return stopped == succeeded ? PodPhases.SUCCEEDED : PodPhases.FAILED;
      }
      if ("Always".equals(restartPolicy)) {
        return PodPhases.RUNNING;
      }
      if (stopped == succeeded) {
        return PodPhases.SUCCEEDED;
      }
      if ("Never".equals(restartPolicy)) {
        return PodPhases.FAILED;
      }
      return PodPhases.RUNNING;
    }
    return PodPhases.PENDING;
  }

  private static boolean anyRegularContainerStarted(
      PodSpec spec, Map<String, ContainerStatus> byName) {
    for (Container container : list(spec.getContainers())) {
      ContainerStatus status = byName.get(container.getName());
      if (status != null
          && status.getState() != null
          && (status.getState().getRunning() != null
              || status.getState().getTerminated() != null)) {
        return true;
      }
    }
    return false;
  }

  /**
   * A waiting app container of a terminated pod: one that ran before keeps its last exit, one that
   * never ran is reported as the kubelet does for a container it cannot find.
   */
  private static ContainerStatus stoppedForTermination(ContainerStatus status) {
    ContainerState state = status.getState();
    if (state == null || state.getWaiting() == null) {
      return status;
    }
    ContainerState last = status.getLastState();
    if (last != null && last.getTerminated() != null) {
      return new ContainerStatusBuilder(status).withState(last).build();
    }
    return new ContainerStatusBuilder(status)
        .withState(
            new ContainerStateBuilder()
                .withNewTerminated()
                .withExitCode(137)
                .withReason(CONTAINER_STATUS_UNKNOWN)
                .withMessage("The container could not be located when the pod was terminated")
                .endTerminated()
                .build())
        .build();
  }

  // ---- conditions ----------------------------------------------------------------------------

  private PodCondition initializedCondition(
      List<ContainerStatus> inits, List<ContainerStatus> all, String phase) {
    List<Container> specs = list(spec.getInitContainers());
    if (specs.isEmpty()) {
      return condition(INITIALIZED, "True", null, null);
    }
    List<String> incomplete = new ArrayList<>();
    for (int i = 0; i < specs.size(); i++) {
      if (!initialized(specs.get(i), inits.get(i))) {
        incomplete.add(specs.get(i).getName());
      }
    }
    if (PodPhases.SUCCEEDED.equals(phase)) {
      return condition(INITIALIZED, "True", "PodCompleted", null);
    }
    Map<String, ContainerStatus> byName = new HashMap<>();
    all.forEach(status -> byName.put(status.getName(), status));
    if (anyRegularContainerStarted(spec, byName) || incomplete.isEmpty()) {
      return condition(INITIALIZED, "True", null, null);
    }
    return condition(
        INITIALIZED,
        "False",
        "ContainersNotInitialized",
        "containers with incomplete status: " + goList(incomplete));
  }

  private static boolean initialized(Container container, ContainerStatus status) {
    if (isSidecar(container)) {
      return Boolean.TRUE.equals(status.getStarted());
    }
    ContainerState state = status.getState();
    return state != null
        && state.getTerminated() != null
        && state.getTerminated().getExitCode() == 0;
  }

  private PodCondition containersReadyCondition(List<ContainerStatus> all, String phase) {
    Map<String, ContainerStatus> byName = new HashMap<>();
    all.forEach(status -> byName.put(status.getName(), status));
    List<String> unready = new ArrayList<>();
    for (Container container : list(spec.getInitContainers())) {
      if (isSidecar(container) && !isReady(byName.get(container.getName()))) {
        unready.add(container.getName());
      }
    }
    for (Container container : list(spec.getContainers())) {
      if (!isReady(byName.get(container.getName()))) {
        unready.add(container.getName());
      }
    }
    if (PodPhases.SUCCEEDED.equals(phase)) {
      return condition(CONTAINERS_READY, "False", "PodCompleted", null);
    }
    if (!unready.isEmpty()) {
      return condition(
          CONTAINERS_READY,
          "False",
          "ContainersNotReady",
          "containers with unready status: " + goList(unready));
    }
    return condition(CONTAINERS_READY, "True", null, null);
  }

  private PodCondition readyCondition(PodCondition containersReady) {
    if (!"True".equals(containersReady.getStatus())) {
      return condition(
          READY,
          containersReady.getStatus(),
          containersReady.getReason(),
          containersReady.getMessage());
    }
    List<String> unready = new ArrayList<>();
    for (PodReadinessGate gate : list(spec.getReadinessGates())) {
      String type = gate.getConditionType();
      PodCondition gateCondition = previousCondition(type);
      if (gateCondition == null) {
        unready.add(
            "corresponding condition of pod readiness gate \"" + type + "\" does not exist.");
      } else if (!"True".equals(gateCondition.getStatus())) {
        unready.add(
            "the status of pod readiness gate \""
                + type
                + "\" is not \"True\", but "
                + gateCondition.getStatus());
      }
    }
    if (!unready.isEmpty()) {
      return condition(READY, "False", "ReadinessGatesNotReady", String.join(", ", unready));
    }
    return condition(READY, "True", null, null);
  }

  private PodCondition scheduledCondition(Instant now) {
    PodCondition earlier = previousCondition(POD_SCHEDULED);
    if (earlier != null) {
      return earlier;
    }
    return new PodConditionBuilder()
        .withType(POD_SCHEDULED)
        .withStatus("True")
        .withLastTransitionTime(Timestamps.format(startTime == null ? now : startTime))
        .build();
  }

  private PodCondition keepTransition(PodCondition condition, Instant now) {
    PodCondition earlier = previousCondition(condition.getType());
    String time =
        earlier != null
                && earlier.getLastTransitionTime() != null
                && Objects.equals(earlier.getStatus(), condition.getStatus())
            ? earlier.getLastTransitionTime()
            : Timestamps.format(now);
    return new PodConditionBuilder(condition).withLastTransitionTime(time).build();
  }

  private PodCondition previousCondition(String type) {
    if (previous == null || previous.getConditions() == null) {
      return null;
    }
    for (PodCondition condition : previous.getConditions()) {
      if (type.equals(condition.getType())) {
        return condition;
      }
    }
    return null;
  }

  private static PodCondition condition(String type, String status, String reason, String message) {
    return new PodConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason(reason)
        .withMessage(message)
        .build();
  }

  // ---- helpers -------------------------------------------------------------------------------

  private List<ContainerStatus> statusesInSpecOrder(List<Container> specs) {
    boolean hasInits = !list(spec.getInitContainers()).isEmpty();
    List<ContainerStatus> result = new ArrayList<>();
    for (Container container : list(specs)) {
      ContainerStatus status = given.get(container.getName());
      result.add(
          status != null
              ? status
              : ContainerStates.notCreatedStatus(
                  container.getName(), container.getImage(), hasInits));
    }
    return result;
  }

  private static boolean isReady(ContainerStatus status) {
    return status != null && Boolean.TRUE.equals(status.getReady());
  }

  static boolean isSidecar(Container container) {
    return "Always".equals(container.getRestartPolicy());
  }

  private static boolean isTerminal(String phase) {
    return PodPhases.SUCCEEDED.equals(phase) || PodPhases.FAILED.equals(phase);
  }

  /** Formats names as Go prints a string slice: {@code [a b]}. */
  private static String goList(List<String> names) {
    return "[" + String.join(" ", names) + "]";
  }

  private static <T> List<T> list(List<T> list) {
    return list == null ? List.of() : list;
  }

  /** Returns the QoS class that the API server assigns: Guaranteed, Burstable or BestEffort. */
  static String qosClass(PodSpec spec) {
    List<Container> all = new ArrayList<>(list(spec.getInitContainers()));
    all.addAll(list(spec.getContainers()));
    boolean anySet = false;
    boolean guaranteed = true;
    for (Container container : all) {
      ResourceRequirements resources = container.getResources();
      Map<String, Quantity> limits =
          resources == null || resources.getLimits() == null ? Map.of() : resources.getLimits();
      Map<String, Quantity> requests =
          resources == null || resources.getRequests() == null ? Map.of() : resources.getRequests();
      for (String resource : List.of("cpu", "memory")) {
        Quantity limit = limits.get(resource);
        Quantity request = requests.getOrDefault(resource, limit);
        if (nonZero(limit) || nonZero(request)) {
          anySet = true;
        }
        if (limit == null
            || request == null
            || Quantity.getAmountInBytes(limit).compareTo(Quantity.getAmountInBytes(request))
                != 0) {
          guaranteed = false;
        }
      }
    }
    ResourceRequirements podLevel = spec.getResources();
    if (podLevel != null
        && ((podLevel.getLimits() != null && !podLevel.getLimits().isEmpty())
            || (podLevel.getRequests() != null && !podLevel.getRequests().isEmpty()))) {
      anySet = true;
    }
    if (!anySet) {
      return "BestEffort";
    }
    return guaranteed ? "Guaranteed" : "Burstable";
  }

  private static boolean nonZero(Quantity quantity) {
    return quantity != null && Quantity.getAmountInBytes(quantity).signum() != 0;
  }
}
