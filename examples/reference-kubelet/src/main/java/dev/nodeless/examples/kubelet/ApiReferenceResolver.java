package dev.nodeless.examples.kubelet;

import dev.nodeless.NodelessException;
import dev.nodeless.ReferenceResolver;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Optional;

/**
 * Reads the ConfigMaps and Secrets that pods refer to from the API server, one GET per lookup, so a
 * pod always starts with the current data. A missing object is empty; any other API failure is
 * thrown as a retryable {@link NodelessException}, so that a launch fails rather than starting a
 * pod without its data. Secret data never reaches a log or message.
 */
final class ApiReferenceResolver implements ReferenceResolver {
  private final KubernetesClient client;

  ApiReferenceResolver(KubernetesClient client) {
    this.client = client;
  }

  @Override
  public Optional<ConfigMap> configMap(String namespace, String name) {
    try {
      return Optional.ofNullable(client.configMaps().inNamespace(namespace).withName(name).get());
    } catch (KubernetesClientException e) {
      throw failure("ConfigMap", namespace, name, e);
    }
  }

  @Override
  public Optional<Secret> secret(String namespace, String name) {
    try {
      return Optional.ofNullable(client.secrets().inNamespace(namespace).withName(name).get());
    } catch (KubernetesClientException e) {
      throw failure("Secret", namespace, name, e);
    }
  }

  private static NodelessException failure(
      String kind, String namespace, String name, KubernetesClientException e) {
    return new NodelessException(
        "failed to read "
            + kind
            + " "
            + namespace
            + "/"
            + name
            + " from the API server (HTTP "
            + e.getCode()
            + "); the launch is retried. Fix: check that the kubelet's service account may get"
            + " "
            + kind.toLowerCase(java.util.Locale.ROOT)
            + "s",
        null,
        null,
        true,
        e);
  }
}
