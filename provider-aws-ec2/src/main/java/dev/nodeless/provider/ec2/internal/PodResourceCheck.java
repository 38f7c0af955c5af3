package dev.nodeless.provider.ec2.internal;

import dev.nodeless.ValidationProblem;
import dev.nodeless.resources.PodResources;
import dev.nodeless.resources.Quantities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks the resource fields of a pod before its effective resources are computed, and names the
 * field that drives a resource in messages.
 */
public final class PodResourceCheck {
  private static final Set<String> SUPPORTED =
      Set.of(
          PodResources.CPU,
          PodResources.MEMORY,
          PodResources.EPHEMERAL_STORAGE,
          PodResources.NVIDIA_GPU);

  private PodResourceCheck() {}

  /** Every problem in the requests and limits of every container, pod-level resources included. */
  public static List<ValidationProblem> check(PodSpec spec) {
    List<ValidationProblem> problems = new ArrayList<>();
    for (Map.Entry<String, ResourceRequirements> entry : resourceFields(spec).entrySet()) {
      checkRequirements(entry.getKey(), entry.getValue(), problems);
    }
    return problems;
  }

  /**
   * The field that holds the largest amount of a resource among the containers, such as {@code
   * spec.containers[1].resources.requests.memory}, or the pod-level field when it is set.
   */
  public static String pathOf(PodSpec spec, String resource) {
    String best = null;
    BigDecimal bestAmount = null;
    for (Map.Entry<String, ResourceRequirements> entry : resourceFields(spec).entrySet()) {
      ResourceRequirements resources = entry.getValue();
      for (String kind : List.of("requests", "limits")) {
        Map<String, Quantity> amounts =
            "requests".equals(kind) ? resources.getRequests() : resources.getLimits();
        if (amounts == null || !amounts.containsKey(resource)) {
          continue;
        }
        BigDecimal amount = amount(amounts.get(resource));
        if (entry.getKey().equals("spec")
            || bestAmount == null
            || amount.compareTo(bestAmount) > 0) {
          best = entry.getKey() + ".resources." + kind + key(resource);
          bestAmount = amount;
        }
        break;
      }
    }
    if (best != null) {
      return best;
    }
    return "spec.containers[0].resources.requests" + key(resource);
  }

  /** The path suffix of a resource name: {@code .cpu} or {@code ["nvidia.com/gpu"]}. */
  static String key(String resource) {
    return resource.matches("[a-z]+") ? "." + resource : "[\"" + resource + "\"]";
  }

  private static void checkRequirements(
      String path, ResourceRequirements resources, List<ValidationProblem> problems) {
    Map<String, BigDecimal> requests =
        check(path + ".resources.requests", resources.getRequests(), problems);
    Map<String, BigDecimal> limits =
        check(path + ".resources.limits", resources.getLimits(), problems);
    requests.forEach(
        (resource, request) -> {
          BigDecimal limit = limits.get(resource);
          if (limit == null) {
            return;
          }
          if (PodResources.NVIDIA_GPU.equals(resource) && request.compareTo(limit) != 0) {
            problems.add(
                new ValidationProblem(
                    path + ".resources.requests" + key(resource),
                    request.toPlainString(),
                    "a GPU request must equal its limit (" + limit.toPlainString() + ")",
                    "set the request to the limit or remove the request"));
          } else if (request.compareTo(limit) > 0) {
            problems.add(
                new ValidationProblem(
                    path + ".resources.requests" + key(resource),
                    request.toPlainString(),
                    "the request is above the limit " + limit.toPlainString(),
                    "lower the request or raise the limit"));
          }
        });
  }

  private static Map<String, BigDecimal> check(
      String path, Map<String, Quantity> amounts, List<ValidationProblem> problems) {
    Map<String, BigDecimal> parsed = new java.util.TreeMap<>();
    if (amounts == null) {
      return parsed;
    }
    new java.util.TreeMap<>(amounts)
        .forEach(
            (resource, quantity) -> {
              String field = path + key(resource);
              String text = quantity == null ? null : quantity.toString();
              if (!SUPPORTED.contains(resource)) {
                problems.add(
                    new ValidationProblem(
                        field,
                        text,
                        "the ec2 provider offers cpu, memory, ephemeral-storage and nvidia.com/gpu"
                            + " only",
                        "remove " + resource + " or choose a provider that offers it"));
                return;
              }
              BigDecimal value;
              try {
                value = Quantities.toDecimal(quantity);
              } catch (IllegalArgumentException e) {
                problems.add(
                    new ValidationProblem(
                        field,
                        text,
                        "not a Kubernetes quantity",
                        "write it like 500m, 2, 512Mi or 1Gi"));
                return;
              }
              if (value.signum() < 0) {
                problems.add(
                    new ValidationProblem(field, text, "must not be negative", "use 0 or more"));
              } else if (PodResources.NVIDIA_GPU.equals(resource)
                  && value.stripTrailingZeros().scale() > 0) {
                problems.add(
                    new ValidationProblem(
                        field, text, "GPUs come in whole units", "request a whole number of GPUs"));
              } else {
                parsed.put(resource, value);
              }
            });
    return parsed;
  }

  private static BigDecimal amount(Quantity quantity) {
    try {
      return Quantities.toDecimal(quantity);
    } catch (IllegalArgumentException e) {
      return BigDecimal.ZERO;
    }
  }

  /** Container paths and resources in spec order, then pod-level resources as {@code spec}. */
  private static Map<String, ResourceRequirements> resourceFields(PodSpec spec) {
    Map<String, ResourceRequirements> fields = new java.util.LinkedHashMap<>();
    List<Container> inits = spec.getInitContainers() == null ? List.of() : spec.getInitContainers();
    for (int i = 0; i < inits.size(); i++) {
      if (inits.get(i).getResources() != null) {
        fields.put("spec.initContainers[" + i + "]", inits.get(i).getResources());
      }
    }
    List<Container> apps = spec.getContainers() == null ? List.of() : spec.getContainers();
    for (int i = 0; i < apps.size(); i++) {
      if (apps.get(i).getResources() != null) {
        fields.put("spec.containers[" + i + "]", apps.get(i).getResources());
      }
    }
    if (spec.getResources() != null) {
      fields.put("spec", spec.getResources());
    }
    return fields;
  }
}
