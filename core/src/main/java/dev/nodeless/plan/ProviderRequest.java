package dev.nodeless.plan;

import java.util.Objects;

/**
 * One request a provider would send to launch the pod.
 *
 * @param operation the cloud API operation, such as {@code RunInstances}
 * @param request the real SDK request object
 * @param redactedJson the request as JSON with every secret value replaced by {@code <redacted>}
 */
public record ProviderRequest(String operation, Object request, String redactedJson) {
  public ProviderRequest {
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(redactedJson, "redactedJson");
  }

  @Override
  public String toString() {
    return operation + " " + redactedJson;
  }
}
