package dev.nodeless.provider.fargate;

import dev.nodeless.ValidationProblem;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.NodeSelector;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The operating system and CPU architecture that a pod requests through {@code nodeSelector} and
 * required node affinity on {@code kubernetes.io/os} and {@code kubernetes.io/arch} (and their
 * {@code beta.} forms). Linux and x86_64 are chosen when the pod allows them, because most images
 * are built for them.
 *
 * @param os {@code linux} or {@code windows}, as in the price table
 * @param arch {@code x86_64} or {@code arm64}, as in the price table
 */
record Platform(String os, String arch) {
  static final String LINUX = "linux";
  static final String WINDOWS = "windows";
  static final String X86_64 = "x86_64";
  static final String ARM64 = "arm64";

  private static final List<String> OS_KEYS = List.of("kubernetes.io/os", "beta.kubernetes.io/os");
  private static final List<String> ARCH_KEYS =
      List.of("kubernetes.io/arch", "beta.kubernetes.io/arch");
  private static final Set<String> KNOWN_OS = Set.of("linux", "windows");
  private static final Set<String> KNOWN_ARCH = Set.of("amd64", "arm64");

  boolean windows() {
    return WINDOWS.equals(os);
  }

  /** ECS {@code runtimePlatform.cpuArchitecture}. */
  String ecsArchitecture() {
    return ARM64.equals(arch) ? "ARM64" : "X86_64";
  }

  /** Reads the platform from the pod, or adds a problem when no Fargate platform matches. */
  static Platform of(PodSpec spec, List<ValidationProblem> problems) {
    Set<String> os = allowed(spec, OS_KEYS, KNOWN_OS);
    Set<String> arch = allowed(spec, ARCH_KEYS, KNOWN_ARCH);
    if (os.isEmpty()) {
      problems.add(
          new ValidationProblem(
              "spec.nodeSelector",
              "kubernetes.io/os",
              "Fargate runs only linux and windows, and the pod's node selector and required node"
                  + " affinity allow neither",
              "select kubernetes.io/os=linux or kubernetes.io/os=windows"));
      return new Platform(LINUX, X86_64);
    }
    if (arch.isEmpty()) {
      problems.add(
          new ValidationProblem(
              "spec.nodeSelector",
              "kubernetes.io/arch",
              "Fargate runs only amd64 and arm64, and the pod's node selector and required node"
                  + " affinity allow neither",
              "select kubernetes.io/arch=amd64 or kubernetes.io/arch=arm64"));
      return new Platform(LINUX, X86_64);
    }
    String chosenOs = os.contains("linux") ? LINUX : WINDOWS;
    String chosenArch = arch.contains("amd64") ? X86_64 : ARM64;
    if (chosenOs.equals(WINDOWS) && chosenArch.equals(ARM64)) {
      problems.add(
          new ValidationProblem(
              "spec.nodeSelector",
              "kubernetes.io/os=windows, kubernetes.io/arch=arm64",
              "Windows tasks on Fargate run only on x86_64",
              "select kubernetes.io/arch=amd64 for a Windows pod"));
    }
    return new Platform(chosenOs, chosenArch);
  }

  /**
   * Computes the known values of a label that both the node selector and required affinity allow.
   */
  private static Set<String> allowed(PodSpec spec, List<String> keys, Set<String> known) {
    Set<String> result = new LinkedHashSet<>(known);
    Map<String, String> selector = spec.getNodeSelector();
    if (selector != null) {
      for (String key : keys) {
        if (selector.containsKey(key)) {
          result.retainAll(Set.of(selector.get(key)));
        }
      }
    }
    NodeSelector required = requiredAffinity(spec.getAffinity());
    if (required != null && required.getNodeSelectorTerms() != null) {
      // Terms are alternatives: a value is allowed when some term allows it.
      Set<String> anyTerm = new HashSet<>();
      for (NodeSelectorTerm term : required.getNodeSelectorTerms()) {
        anyTerm.addAll(allowedByTerm(term, keys, known));
      }
      result.retainAll(anyTerm);
    }
    return result;
  }

  private static Set<String> allowedByTerm(
      NodeSelectorTerm term, List<String> keys, Set<String> known) {
    Set<String> result = new HashSet<>(known);
    if (term.getMatchExpressions() == null) {
      return result;
    }
    for (NodeSelectorRequirement requirement : term.getMatchExpressions()) {
      if (!keys.contains(requirement.getKey())) {
        continue;
      }
      List<String> values = requirement.getValues() == null ? List.of() : requirement.getValues();
      switch (requirement.getOperator()) {
        case "In" -> result.retainAll(new HashSet<>(values));
        case "NotIn" -> values.forEach(result::remove);
        case "DoesNotExist" -> result.clear();
        default -> {
          // Exists, Gt and Lt leave every known value allowed.
        }
      }
    }
    return result;
  }

  private static NodeSelector requiredAffinity(Affinity affinity) {
    if (affinity == null || affinity.getNodeAffinity() == null) {
      return null;
    }
    return affinity.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution();
  }
}
