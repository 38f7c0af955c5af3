package dev.nodeless.examples.kubelet;

import dev.nodeless.PodRef;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes pod objects with grace period 0 and a UID precondition, the kubelet's final step of a
 * graceful deletion. The precondition makes the API server refuse the delete when a pod with the
 * same name but a new UID replaced ours, so that the new pod is not touched. The fabric8 DSL sends
 * only resource-version preconditions, so the request is built here.
 */
final class PodDeleter {
  private static final Logger LOG = LoggerFactory.getLogger(PodDeleter.class);

  private final KubernetesClient client;

  PodDeleter(KubernetesClient client) {
    this.client = client;
  }

  /**
   * Deletes the pod with this UID. A pod that is gone, or that was replaced by one with a new UID,
   * counts as deleted.
   *
   * @throws KubernetesClientException when the API server fails otherwise
   */
  void deleteNow(PodRef ref) {
    String base = client.getMasterUrl().toString();
    String url =
        (base.endsWith("/") ? base : base + "/")
            + "api/v1/namespaces/"
            + ref.namespace()
            + "/pods/"
            + ref.name();
    Map<String, Object> options =
        Map.of(
            "apiVersion",
            "v1",
            "kind",
            "DeleteOptions",
            "gracePeriodSeconds",
            0,
            "preconditions",
            Map.of("uid", ref.uid()));
    try {
      client.raw(url, "DELETE", options);
      LOG.info("Deleted pod {} from the API", ref);
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        LOG.debug("Pod {} is already gone from the API", ref);
      } else if (e.getCode() == 409) {
        LOG.info("Pod {} was replaced by a pod with a new UID; leaving the new one alone", ref);
      } else {
        throw e;
      }
    }
  }
}
