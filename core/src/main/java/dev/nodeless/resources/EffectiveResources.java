package dev.nodeless.resources;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Computes what a pod needs as a whole, the way the Kubernetes scheduler does.
 *
 * <p>Per resource: the larger of (a) the largest init-container need, where an init container also
 * needs every native sidecar declared before it, and (b) the sum of the app containers and all
 * native sidecars; then pod overhead is added. Pod-level {@code spec.resources} replaces the
 * container sum for each resource it sets. A container that sets only a limit gets a request equal
 * to that limit, as the API server defaults it. A pod has a limit for a resource only when every
 * container that counts sets one.
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
    Map<String, BigDecimal> requests = combine(spec, true);
    Map<String, BigDecimal> limits = combine(spec, false);

    ResourceRequirements podLevel = spec.getResources();
    if (podLevel != null) {
      Map<String, BigDecimal> podLimits = amounts(podLevel.getLimits());
      Map<String, BigDecimal> podRequests = amounts(podLevel.getRequests());
      podLimits.forEach(
          (resource, limit) -> {
            limits.put(resource, limit);
            podRequests.putIfAbsent(resource, limit);
          });
      requests.putAll(podRequests);
    }

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

  private static Map<String, BigDecimal> combine(PodSpec spec, boolean requests) {
    List<Container> inits = spec.getInitContainers() == null ? List.of() : spec.getInitContainers();
    List<Container> apps = spec.getContainers() == null ? List.of() : spec.getContainers();

    Map<String, BigDecimal> sidecarsSoFar = new HashMap<>();
    Map<String, BigDecimal> initPeak = new HashMap<>();
    Set<String> unlimitedInSidecars = new HashSet<>();
    for (Container init : inits) {
      Map<String, BigDecimal> own = containerAmounts(init, requests);
      boolean sidecar = "Always".equals(init.getRestartPolicy());
      if (sidecar) {
        own.forEach((resource, amount) -> sidecarsSoFar.merge(resource, amount, BigDecimal::add));
        if (!requests) {
          unlimitedInSidecars.addAll(missingLimits(own, sidecarsSoFar));
        }
        continue;
      }
      Map<String, BigDecimal> need = new HashMap<>(sidecarsSoFar);
      own.forEach((resource, amount) -> need.merge(resource, amount, BigDecimal::add));
      need.forEach((resource, amount) -> initPeak.merge(resource, amount, BigDecimal::max));
    }

    Map<String, BigDecimal> appSum = new HashMap<>(sidecarsSoFar);
    Set<String> seen = new HashSet<>();
    List<Map<String, BigDecimal>> appAmounts =
        apps.stream().map(container -> containerAmounts(container, requests)).toList();
    appAmounts.forEach(own -> seen.addAll(own.keySet()));
    for (Map<String, BigDecimal> own : appAmounts) {
      own.forEach((resource, amount) -> appSum.merge(resource, amount, BigDecimal::add));
    }
    if (!requests) {
      // A limit on the pod exists only if every app container limits that resource.
      for (String resource : seen) {
        boolean everyAppLimited = appAmounts.stream().allMatch(own -> own.containsKey(resource));
        if (!everyAppLimited || unlimitedInSidecars.contains(resource)) {
          appSum.remove(resource);
          initPeak.remove(resource);
        }
      }
    }

    Map<String, BigDecimal> result = new HashMap<>(appSum);
    initPeak.forEach((resource, amount) -> result.merge(resource, amount, BigDecimal::max));
    return result;
  }

  private static Set<String> missingLimits(
      Map<String, BigDecimal> own, Map<String, BigDecimal> all) {
    Set<String> missing = new HashSet<>(all.keySet());
    missing.removeAll(own.keySet());
    return missing;
  }

  private static Map<String, BigDecimal> containerAmounts(Container container, boolean requests) {
    ResourceRequirements resources = container.getResources();
    if (resources == null) {
      return new HashMap<>();
    }
    Map<String, BigDecimal> limits = amounts(resources.getLimits());
    if (!requests) {
      return limits;
    }
    Map<String, BigDecimal> result = amounts(resources.getRequests());
    limits.forEach(result::putIfAbsent);
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
