package dev.nodeless.provider.aci;

import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Pod-level rules: what ACI cannot provide, and the operating system the pod requests. */
final class PodChecks {
  static final String OS_LABEL = "kubernetes.io/os";
  static final String BETA_OS_LABEL = "beta.kubernetes.io/os";
  static final String ARCH_LABEL = "kubernetes.io/arch";
  static final String BETA_ARCH_LABEL = "beta.kubernetes.io/arch";

  /** ACI runs x86-64 hosts only. */
  static final String ACI_ARCH = "amd64";

  private PodChecks() {}

  /** Rejects pod fields that need a host or node that ACI does not expose. */
  static void checkUnsupported(PodSpec spec, Findings findings) {
    hostFlag(spec.getHostNetwork(), "spec.hostNetwork", "the host network", findings);
    hostFlag(spec.getHostPID(), "spec.hostPID", "the host process namespace", findings);
    hostFlag(spec.getHostIPC(), "spec.hostIPC", "the host IPC namespace", findings);
    if (Boolean.TRUE.equals(spec.getShareProcessNamespace())) {
      findings.reject(
          "spec.shareProcessNamespace",
          "true",
          "ACI containers of one group do not share a process namespace",
          "remove shareProcessNamespace, or run the pod on another provider");
    }
    if (spec.getHostAliases() != null && !spec.getHostAliases().isEmpty()) {
      findings.reject(
          "spec.hostAliases",
          spec.getHostAliases().get(0).getIp(),
          "ACI cannot add entries to /etc/hosts",
          "resolve the names through DNS, or write /etc/hosts from the container's command");
    }
  }

  private static void hostFlag(Boolean flag, String path, String hostResource, Findings findings) {
    if (Boolean.TRUE.equals(flag)) {
      findings.reject(
          path,
          "true",
          "ACI container groups have no access to " + hostResource,
          "remove " + path.substring("spec.".length()));
    }
  }

  /**
   * Returns whether the pod requests Windows, from {@code spec.os.name} or the {@code
   * kubernetes.io/os} node selector, and rejects anything but amd64 as architecture.
   */
  static boolean windows(PodSpec spec, Findings findings) {
    Map<String, String> selector =
        spec.getNodeSelector() == null ? Map.of() : spec.getNodeSelector();
    String fromSpec = spec.getOs() == null ? null : spec.getOs().getName();
    String selectorKey = selector.containsKey(OS_LABEL) ? OS_LABEL : BETA_OS_LABEL;
    String fromSelector = selector.get(selectorKey);
    String os = fromSpec != null ? fromSpec : fromSelector;
    if (fromSpec != null && fromSelector != null && !fromSpec.equalsIgnoreCase(fromSelector)) {
      findings.reject(
          "spec.nodeSelector[" + selectorKey + "]",
          fromSelector,
          "the node selector contradicts spec.os.name (" + fromSpec + ")",
          "make both name the same operating system");
    }
    if (os != null && !os.equalsIgnoreCase("linux") && !os.equalsIgnoreCase("windows")) {
      findings.reject(
          fromSpec != null ? "spec.os.name" : "spec.nodeSelector[" + selectorKey + "]",
          os,
          "ACI runs linux or windows",
          "use linux or windows");
    }
    checkArch(selector, spec, findings);
    return os != null && os.toLowerCase(Locale.ROOT).equals("windows");
  }

  private static void checkArch(Map<String, String> selector, PodSpec spec, Findings findings) {
    for (String key : List.of(ARCH_LABEL, BETA_ARCH_LABEL)) {
      String arch = selector.get(key);
      if (arch != null && !arch.equals(ACI_ARCH)) {
        rejectArch("spec.nodeSelector[" + key + "]", arch, findings);
      }
    }
    if (spec.getAffinity() == null
        || spec.getAffinity().getNodeAffinity() == null
        || spec.getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()
            == null) {
      return;
    }
    List<NodeSelectorTerm> terms =
        spec.getAffinity()
            .getNodeAffinity()
            .getRequiredDuringSchedulingIgnoredDuringExecution()
            .getNodeSelectorTerms();
    if (terms == null || terms.isEmpty()) {
      return;
    }
    // Terms are ORed: the pod fits amd64 when any term allows it.
    boolean anyTermAllowsAmd64 = false;
    String excluded = null;
    for (NodeSelectorTerm term : terms) {
      String denied = deniedArch(term);
      if (denied == null) {
        anyTermAllowsAmd64 = true;
      } else {
        excluded = denied;
      }
    }
    if (!anyTermAllowsAmd64) {
      rejectArch(
          "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution",
          excluded,
          findings);
    }
  }

  /** The architectures a term requires when it excludes amd64, else {@code null}. */
  private static String deniedArch(NodeSelectorTerm term) {
    if (term.getMatchExpressions() == null) {
      return null;
    }
    for (NodeSelectorRequirement requirement : term.getMatchExpressions()) {
      boolean arch =
          ARCH_LABEL.equals(requirement.getKey()) || BETA_ARCH_LABEL.equals(requirement.getKey());
      List<String> values = requirement.getValues() == null ? List.of() : requirement.getValues();
      if (arch && "In".equals(requirement.getOperator()) && !values.contains(ACI_ARCH)) {
        return String.join(",", values);
      }
      if (arch && "NotIn".equals(requirement.getOperator()) && values.contains(ACI_ARCH)) {
        return "not " + ACI_ARCH;
      }
    }
    return null;
  }

  private static void rejectArch(String path, String arch, Findings findings) {
    findings.reject(
        path,
        arch,
        "ACI runs x86-64 (amd64) hosts only",
        "allow amd64 with a multi-architecture image, or run arm64 pods on another provider");
  }
}
