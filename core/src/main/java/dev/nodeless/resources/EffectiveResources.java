package dev.nodeless.resources;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Computes what a pod needs as a whole, the way the Kubernetes scheduler and kubelet do.
 *
 * <p>Per resource, the need is the larger of (a) the sum of the app containers and all native
 * sidecars, and (b) the largest need while an init container runs, which is its own amount plus the
 * native sidecars declared before it. Pod overhead is then added. A container that sets only a
 * limit gets a request equal to that limit, as the API server defaults it.
 *
 * <p>Pod-level {@code spec.resources} (for {@code cpu}, {@code memory} and {@code hugepages-*})
 * replaces the container aggregate for each resource it sets. A pod-level limit without a pod-level
 * request defaults the request as the API server does: to the container aggregate when containers
 * request that resource, otherwise to the limit.
 *
 * <p>Limits of native resources ({@code cpu}, {@code memory}, {@code ephemeral-storage}, {@code
 * hugepages-*}) exist for the pod only when every container, init containers included, sets a
 * non-zero one, as the kubelet sizes the pod cgroup. Extended resources such as {@code
 * nvidia.com/gpu} cannot be overcommitted, so their limits sum like their requests.
 */
public final class EffectiveResources {

  private EffectiveResources() {}

  /**
   * Computes the effective requests and limits.
   *
   * @throws IllegalArgumentException when a quantity cannot be parsed; validation reports that with
   *     its field path before this is called
   */
  public static PodResources of(PodSpec spec) {
    List<Container> inits = spec.getInitContainers() == null ? List.of() : spec.getInitContainers();
    List<Container> apps = spec.getContainers() == null ? List.of() : spec.getContainers();

    Map<String, BigDecimal> requests =
        aggregate(inits, apps, container -> containerRequests(container.getResources()));
    Map<String, BigDecimal> limits =
        aggregate(inits, apps, container -> amounts(limitsOf(container.getResources())));
    dropPartialNativeLimits(limits, inits, apps);

    applyPodLevel(spec.getResources(), requests, limits);

    Map<String, Quantity> overhead = spec.getOverhead();
    if (overhead != null) {
      amounts(overhead)
          .forEach(
              (resource, amount) -> {
                requests.merge(resource, amount, BigDecimal::add);
                limits.computeIfPresent(resource, (key, limit) -> limit.add(amount));
              });
    }
    return new PodResources(requests, limits);
  }

  /** Whether {@code spec.resources} may set this resource (the PodLevelResources feature). */
  static boolean isPodLevelResource(String resource) {
    return PodResources.CPU.equals(resource)
        || PodResources.MEMORY.equals(resource)
        || resource.startsWith("hugepages-");
  }

  /** Whether a resource is native to Kubernetes, as opposed to an extended resource. */
  static boolean isNativeResource(String resource) {
    return !resource.contains("/") || resource.contains("kubernetes.io/");
  }

  private interface Amounts {
    Map<String, BigDecimal> of(Container container);
  }

  private static Map<String, BigDecimal> aggregate(
      List<Container> inits, List<Container> apps, Amounts amounts) {
    Map<String, BigDecimal> running = new HashMap<>();
    for (Container app : apps) {
      amounts
          .of(app)
          .forEach((resource, amount) -> running.merge(resource, amount, BigDecimal::add));
    }
    Map<String, BigDecimal> sidecarsSoFar = new HashMap<>();
    Map<String, BigDecimal> initPeak = new HashMap<>();
    for (Container init : inits) {
      Map<String, BigDecimal> own = amounts.of(init);
      Map<String, BigDecimal> use;
      if (isSidecar(init)) {
        own.forEach((resource, amount) -> running.merge(resource, amount, BigDecimal::add));
        own.forEach((resource, amount) -> sidecarsSoFar.merge(resource, amount, BigDecimal::add));
        use = sidecarsSoFar;
      } else {
        use = new HashMap<>(sidecarsSoFar);
        own.forEach((resource, amount) -> use.merge(resource, amount, BigDecimal::add));
      }
      use.forEach((resource, amount) -> initPeak.merge(resource, amount, BigDecimal::max));
    }
    initPeak.forEach((resource, amount) -> running.merge(resource, amount, BigDecimal::max));
    return running;
  }

  private static void dropPartialNativeLimits(
      Map<String, BigDecimal> limits, List<Container> inits, List<Container> apps) {
    List<Container> all = new ArrayList<>(inits);
    all.addAll(apps);
    Set<String> partial = new HashSet<>();
    for (String resource : limits.keySet()) {
      if (!isNativeResource(resource)) {
        continue;
      }
      for (Container container : all) {
        BigDecimal limit = amounts(limitsOf(container.getResources())).get(resource);
        if (limit == null || limit.signum() == 0) {
          partial.add(resource);
          break;
        }
      }
    }
    limits.keySet().removeAll(partial);
  }

  private static void applyPodLevel(
      ResourceRequirements podLevel,
      Map<String, BigDecimal> requests,
      Map<String, BigDecimal> limits) {
    if (podLevel == null) {
      return;
    }
    Map<String, BigDecimal> podRequests = amounts(podLevel.getRequests());
    Map<String, BigDecimal> podLimits = amounts(podLevel.getLimits());
    podLimits.forEach(
        (resource, limit) -> {
          if (!isPodLevelResource(resource)) {
            return;
          }
          limits.put(resource, limit);
          if (!podRequests.containsKey(resource)) {
            BigDecimal fromContainers = requests.get(resource);
            boolean containersRequest = fromContainers != null && fromContainers.signum() != 0;
            podRequests.put(resource, containersRequest ? fromContainers : limit);
          }
        });
    podRequests.forEach(
        (resource, request) -> {
          if (isPodLevelResource(resource)) {
            requests.put(resource, request);
          }
        });
  }

  private static boolean isSidecar(Container init) {
    return "Always".equals(init.getRestartPolicy());
  }

  private static Map<String, Quantity> limitsOf(ResourceRequirements resources) {
    return resources == null ? null : resources.getLimits();
  }

  private static Map<String, BigDecimal> containerRequests(ResourceRequirements resources) {
    if (resources == null) {
      return new HashMap<>();
    }
    Map<String, BigDecimal> result = amounts(resources.getRequests());
    amounts(resources.getLimits()).forEach(result::putIfAbsent);
    return result;
  }

  private static Map<String, BigDecimal> amounts(Map<String, Quantity> quantities) {
    Map<String, BigDecimal> result = new HashMap<>();
    if (quantities == null) {
      return result;
    }
    quantities.forEach(
        (resource, quantity) -> result.put(resource, Quantities.toDecimal(quantity)));
    return result;
  }
}
