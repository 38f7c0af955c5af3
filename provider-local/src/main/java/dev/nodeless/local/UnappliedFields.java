package dev.nodeless.local;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;

/**
 * Newer pod fields that both local runtimes know but do not apply. The API accepts them, so each is
 * rejected with its path rather than dropped without a word.
 */
final class UnappliedFields {
  /** Receives one problem: field path, value, rule and fix. */
  interface Problems {
    void add(String path, String value, String rule, String fix);
  }

  private UnappliedFields() {}

  static void pod(PodSpec spec, String runtime, Problems problems) {
    if (spec.getHostnameOverride() != null && !spec.getHostnameOverride().isEmpty()) {
      problems.add(
          "spec.hostnameOverride",
          spec.getHostnameOverride(),
          runtime + " does not apply hostnameOverride",
          "set spec.hostname instead, or remove hostnameOverride");
    }
  }

  static void container(Container container, String path, String runtime, Problems problems) {
    if (container.getRestartPolicyRules() != null && !container.getRestartPolicyRules().isEmpty()) {
      problems.add(
          path + ".restartPolicyRules",
          null,
          runtime + " does not apply restartPolicyRules",
          "remove restartPolicyRules, so that the container's restartPolicy decides");
    }
    String stopSignal =
        container.getLifecycle() == null ? null : container.getLifecycle().getStopSignal();
    if (stopSignal != null && !stopSignal.equals("SIGTERM")) {
      problems.add(
          path + ".lifecycle.stopSignal",
          stopSignal,
          runtime + " stops containers with SIGTERM",
          "remove stopSignal, or handle SIGTERM in the container");
    }
  }
}
