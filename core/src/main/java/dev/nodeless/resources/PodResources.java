package dev.nodeless.resources;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The resources a whole pod needs, per resource name ({@code cpu} in cores, {@code memory} and
 * {@code ephemeral-storage} in bytes, extended resources such as {@code nvidia.com/gpu} in units).
 * Values are exact decimals. A resource absent from {@link #limits()} has no limit.
 */
public record PodResources(Map<String, BigDecimal> requests, Map<String, BigDecimal> limits) {

  public static final String CPU = "cpu";
  public static final String MEMORY = "memory";
  public static final String EPHEMERAL_STORAGE = "ephemeral-storage";
  public static final String NVIDIA_GPU = "nvidia.com/gpu";

  public PodResources {
    requests = Map.copyOf(requests);
    limits = Map.copyOf(limits);
  }

  /** The request for a resource, zero when none is set. */
  public BigDecimal request(String resource) {
    return requests.getOrDefault(resource, BigDecimal.ZERO);
  }

  public Optional<BigDecimal> limit(String resource) {
    return Optional.ofNullable(limits.get(resource));
  }

  /** CPU request in cores. */
  public BigDecimal cpu() {
    return request(CPU);
  }

  /** Memory request in bytes. */
  public BigDecimal memoryBytes() {
    return request(MEMORY);
  }

  /** Number of NVIDIA GPUs requested. */
  public int gpus() {
    return request(NVIDIA_GPU).intValueExact();
  }

  @Override
  public String toString() {
    return "PodResources{requests="
        + new TreeMap<>(requests)
        + ", limits="
        + new TreeMap<>(limits)
        + "}";
  }
}
