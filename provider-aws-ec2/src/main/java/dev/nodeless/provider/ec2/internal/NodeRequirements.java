package dev.nodeless.provider.ec2.internal;

import dev.nodeless.ValidationProblem;
import io.fabric8.kubernetes.api.model.NodeSelector;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The node constraints of a pod that an EC2 instance type can meet: {@code nodeSelector} and
 * required node affinity on the well-known labels for architecture, operating system and instance
 * type. Each instance type is seen as a node with the labels {@code kubernetes.io/arch}, {@code
 * kubernetes.io/os=linux} and {@code node.kubernetes.io/instance-type} (and their deprecated {@code
 * beta.kubernetes.io/} forms).
 *
 * <p>Other label keys and {@code matchFields} are ignored with a note: the pod already matched them
 * when the scheduler bound it to the node that launches it, and a per-pod VM carries no such
 * labels.
 */
public final class NodeRequirements {
  static final String ARCH = "kubernetes.io/arch";
  static final String OS = "kubernetes.io/os";
  static final String INSTANCE_TYPE = "node.kubernetes.io/instance-type";
  private static final Map<String, String> ALIASES =
      Map.of(
          "beta.kubernetes.io/arch", ARCH,
          "beta.kubernetes.io/os", OS,
          "beta.kubernetes.io/instance-type", INSTANCE_TYPE);
  private static final Set<String> ARCHES = Set.of(InstanceType.AMD64, InstanceType.ARM64);
  private static final String LINUX = "linux";
  private static final String REQUIRED_TERMS =
      "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution";

  private final Map<String, String> selector;
  private final List<NodeSelectorTerm> terms;
  private final List<ValidationProblem> problems = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();

  private NodeRequirements(Map<String, String> selector, List<NodeSelectorTerm> terms) {
    this.selector = selector;
    this.terms = terms;
  }

  /** Reads the constraints of a pod and records the problems and notes they raise. */
  public static NodeRequirements of(Pod pod) {
    PodSpec spec = pod.getSpec();
    Map<String, String> selector = new TreeMap<>();
    if (spec.getNodeSelector() != null) {
      spec.getNodeSelector().forEach((key, value) -> selector.put(key, value == null ? "" : value));
    }
    List<NodeSelectorTerm> terms = null;
    if (spec.getAffinity() != null
        && spec.getAffinity().getNodeAffinity() != null
        && spec.getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()
            != null) {
      NodeSelector required =
          spec.getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution();
      terms = required.getNodeSelectorTerms() == null ? List.of() : required.getNodeSelectorTerms();
    }
    NodeRequirements requirements = new NodeRequirements(selector, terms);
    requirements.check(spec);
    return requirements;
  }

  public List<ValidationProblem> problems() {
    return List.copyOf(problems);
  }

  public List<String> notes() {
    return List.copyOf(notes);
  }

  /** Returns whether a VM of this type meets the node selector and a required affinity term. */
  public boolean admits(InstanceType type) {
    Map<String, String> labels = labels(type);
    for (Map.Entry<String, String> entry : selector.entrySet()) {
      String key = canonical(entry.getKey());
      if (labels.containsKey(key) && !labels.get(key).equals(entry.getValue())) {
        return false;
      }
    }
    if (terms == null) {
      return true;
    }
    for (NodeSelectorTerm term : terms) {
      if (termAdmits(term, labels, false)) {
        return true;
      }
    }
    return false;
  }

  /** Returns a short text of the constraints that matter here, for messages. */
  public String describe() {
    List<String> parts = new ArrayList<>();
    selector.forEach(
        (key, value) -> {
          if (known(key)) {
            parts.add(key + "=" + value);
          }
        });
    if (terms != null) {
      parts.add("required node affinity (" + terms.size() + " terms)");
    }
    return parts.isEmpty() ? "no node constraints" : String.join(", ", parts);
  }

  private void check(PodSpec spec) {
    if (spec.getOs() != null && spec.getOs().getName() != null) {
      String os = spec.getOs().getName();
      if (!LINUX.equals(os)) {
        problems.add(
            new ValidationProblem(
                "spec.os.name", os, osRule(os), "remove spec.os or set it to linux"));
      }
    }
    Set<String> ignored = new TreeSet<>();
    selector.forEach(
        (key, value) -> {
          String path = "spec.nodeSelector[\"" + key + "\"]";
          String canonical = canonical(key);
          if (OS.equals(canonical) && !LINUX.equals(value)) {
            problems.add(
                new ValidationProblem(
                    path, value, osRule(value), "remove the selector or set it to linux"));
          } else if (ARCH.equals(canonical) && !ARCHES.contains(value)) {
            problems.add(
                new ValidationProblem(
                    path,
                    value,
                    "EC2 instance types have the architectures amd64 and arm64 only",
                    "set it to amd64 or arm64, or remove the selector"));
          } else if (!known(key)) {
            ignored.add(key);
          }
        });
    if (terms != null) {
      checkTerms(ignored);
    }
    if (!ignored.isEmpty()) {
      notes.add(
          "node labels "
              + ignored
              + " ignored: a per-pod VM carries only kubernetes.io/arch, kubernetes.io/os and"
              + " node.kubernetes.io/instance-type");
    }
  }

  private void checkTerms(Set<String> ignored) {
    boolean anyLinuxTerm = false;
    for (int t = 0; t < terms.size(); t++) {
      NodeSelectorTerm term = terms.get(t);
      if (term.getMatchExpressions() != null) {
        for (NodeSelectorRequirement expression : term.getMatchExpressions()) {
          if (!known(expression.getKey())) {
            ignored.add(expression.getKey());
          }
        }
      }
      if (term.getMatchFields() != null && !term.getMatchFields().isEmpty()) {
        notes.add(
            REQUIRED_TERMS
                + ".nodeSelectorTerms["
                + t
                + "].matchFields ignored: a per-pod VM has no node name to match");
      }
      for (String arch : ARCHES) {
        Map<String, String> labels = Map.of(ARCH, arch, OS, LINUX);
        if (termAdmits(term, labels, true)) {
          anyLinuxTerm = true;
        }
      }
    }
    if (!anyLinuxTerm) {
      problems.add(
          new ValidationProblem(
              REQUIRED_TERMS + ".nodeSelectorTerms",
              describeTerms(),
              "no term can be met by a Linux VM with architecture amd64 or arm64 (an empty term"
                  + " matches nothing)",
              "allow kubernetes.io/os=linux and kubernetes.io/arch amd64 or arm64 in at least one"
                  + " term"));
    }
  }

  private String describeTerms() {
    List<String> texts = new ArrayList<>();
    for (NodeSelectorTerm term : terms) {
      List<String> parts = new ArrayList<>();
      if (term.getMatchExpressions() != null) {
        for (NodeSelectorRequirement expression : term.getMatchExpressions()) {
          parts.add(
              expression.getKey()
                  + " "
                  + expression.getOperator()
                  + " "
                  + (expression.getValues() == null ? "[]" : expression.getValues()));
        }
      }
      texts.add("{" + String.join(", ", parts) + "}");
    }
    return String.join(" or ", texts);
  }

  private static String osRule(String os) {
    return "windows".equalsIgnoreCase(os)
        ? "Windows pods are not supported: the ec2 provider boots Linux VMs only"
        : "the ec2 provider boots Linux VMs only";
  }

  /**
   * Returns whether every expression of the term admits the labels. With {@code
   * ignoreInstanceType}, instance-type expressions are skipped. A term with neither expressions nor
   * fields admits nothing.
   */
  private static boolean termAdmits(
      NodeSelectorTerm term, Map<String, String> labels, boolean ignoreInstanceType) {
    List<NodeSelectorRequirement> expressions = term.getMatchExpressions();
    boolean hasFields = term.getMatchFields() != null && !term.getMatchFields().isEmpty();
    if ((expressions == null || expressions.isEmpty()) && !hasFields) {
      return false;
    }
    if (expressions != null) {
      for (NodeSelectorRequirement expression : expressions) {
        if (ignoreInstanceType && INSTANCE_TYPE.equals(canonical(expression.getKey()))) {
          continue;
        }
        if (!matches(expression, labels)) {
          return false;
        }
      }
    }
    return true;
  }

  /** Evaluates one expression; a key the VM does not carry counts as met (see the class doc). */
  private static boolean matches(NodeSelectorRequirement expression, Map<String, String> labels) {
    String key = canonical(expression.getKey());
    if (!known(key)) {
      return true;
    }
    String value = labels.get(key);
    List<String> values = expression.getValues() == null ? List.of() : expression.getValues();
    String operator = expression.getOperator() == null ? "" : expression.getOperator();
    return switch (operator) {
      case "In" -> values.contains(value);
      case "NotIn" -> !values.contains(value);
      case "Exists" -> true;
      case "DoesNotExist" -> false;
      case "Gt", "Lt" -> compare(operator, value, values);
      default -> false;
    };
  }

  private static boolean compare(String operator, String value, List<String> values) {
    if (values.size() != 1) {
      return false;
    }
    try {
      long label = Long.parseLong(value);
      long bound = Long.parseLong(values.get(0));
      return "Gt".equals(operator) ? label > bound : label < bound;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static Map<String, String> labels(InstanceType type) {
    return Map.of(ARCH, type.arch(), OS, LINUX, INSTANCE_TYPE, type.name());
  }

  private static String canonical(String key) {
    return ALIASES.getOrDefault(key, key);
  }

  /** Returns whether a per-pod VM carries this label key (architecture, OS or instance type). */
  public static boolean isVmLabel(String key) {
    return known(key);
  }

  private static boolean known(String key) {
    String canonical = canonical(key);
    return ARCH.equals(canonical) || OS.equals(canonical) || INSTANCE_TYPE.equals(canonical);
  }
}
