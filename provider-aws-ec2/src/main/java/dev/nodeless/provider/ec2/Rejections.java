package dev.nodeless.provider.ec2;

import dev.nodeless.ValidationProblem;
import dev.nodeless.provider.ec2.internal.Burstable;
import dev.nodeless.provider.ec2.internal.InstanceSelector;
import dev.nodeless.provider.ec2.internal.InstanceType;
import dev.nodeless.provider.ec2.internal.NodeRequirements;
import dev.nodeless.provider.ec2.internal.OverheadModel;
import dev.nodeless.provider.ec2.internal.PodResourceCheck;
import dev.nodeless.resources.PodResources;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Turns a selection that left no instance type into problems that name the field to change. */
final class Rejections {
  private static final BigDecimal MIB = BigDecimal.valueOf(1L << 20);

  private Rejections() {}

  /**
   * The problems for a failed selection.
   *
   * @param patternPath the annotation field of the instance-type pattern, when the pod has one
   */
  static List<ValidationProblem> explain(
      InstanceSelector.Result result,
      InstanceSelector.Need need,
      InstanceSelector.Policy policy,
      NodeRequirements node,
      PodSpec spec,
      String region,
      Optional<String> patternPath) {
    String pattern = policy.typePattern().text();
    String where = "the " + region + " catalog";
    List<InstanceType> before = result.before();
    InstanceSelector.Stage stage = result.emptiedAt().orElseThrow();
    List<ValidationProblem> problems = new ArrayList<>();
    switch (stage) {
      case PATTERN ->
          problems.add(
              new ValidationProblem(
                  patternPath.orElseThrow(),
                  pattern,
                  policy.typePattern().isExact()
                      ? "instance type " + pattern + " is not in " + where
                      : "no instance type in " + where + " matches " + pattern,
                  "name an instance type offered in " + region + ", or remove the annotation"));
      case FAMILIES ->
          problems.add(
              new ValidationProblem(
                  patternPath.orElse(settingPath(Ec2Settings.FAMILIES)),
                  patternPath.isPresent() ? pattern : policy.families().text(),
                  "no instance type left after "
                      + Ec2Settings.FAMILIES
                      + "=\""
                      + policy.families().text()
                      + "\" and "
                      + Ec2Settings.EXCLUDE_FAMILIES
                      + "=\""
                      + policy.excludedFamilies().text()
                      + "\"",
                  "allow a family of the requested types in the ec2 settings"));
      case BURSTABLE ->
          problems.add(
              new ValidationProblem(
                  patternPath.orElse(settingPath(Ec2Settings.BURSTABLE)),
                  pattern,
                  "only burstable types ("
                      + Burstable.FAMILIES
                      + ") match, and "
                      + Ec2Settings.BURSTABLE
                      + " is false",
                  "name a fixed-performance type or set " + Ec2Settings.BURSTABLE + "=true"));
      case NODE ->
          problems.add(
              new ValidationProblem(
                  nodePath(spec),
                  node.describe(),
                  "no instance type in "
                      + where
                      + (pattern.isEmpty() ? "" : " matching " + pattern)
                      + " with architecture "
                      + String.join(" or ", new java.util.TreeSet<>(policy.architectures()))
                      + " (setting "
                      + Ec2Settings.ARCHITECTURES
                      + ") meets the pod's node constraints",
                  "allow another architecture or instance type"));
      case GPU -> problems.add(gpuProblem(need, before, spec, where, pattern, patternPath));
      case FIT -> problems.addAll(fitProblems(need, before, policy, spec, where, patternPath));
      default -> throw new IllegalStateException("unknown stage " + stage);
    }
    return problems;
  }

  static String settingPath(String key) {
    return "settings.options[\"" + key + "\"]";
  }

  private static String nodePath(PodSpec spec) {
    if (spec.getNodeSelector() != null) {
      for (String key : new java.util.TreeSet<>(spec.getNodeSelector().keySet())) {
        if (NodeRequirements.isVmLabel(key)) {
          return "spec.nodeSelector[\"" + key + "\"]";
        }
      }
    }
    return "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution";
  }

  private static ValidationProblem gpuProblem(
      InstanceSelector.Need need,
      List<InstanceType> before,
      PodSpec spec,
      String where,
      String pattern,
      Optional<String> patternPath) {
    if (need.gpus() == 0) {
      return new ValidationProblem(
          patternPath.orElseThrow(),
          pattern,
          "every instance type matching "
              + pattern
              + " has GPUs or is bare metal, and the pod"
              + " requests no nvidia.com/gpu",
          "name the type exactly, or request nvidia.com/gpu");
    }
    int maxGpus = before.stream().mapToInt(InstanceType::nvidiaGpus).max().orElse(0);
    return new ValidationProblem(
        PodResourceCheck.pathOf(spec, PodResources.NVIDIA_GPU),
        String.valueOf(need.gpus()),
        "no instance type in "
            + where
            + " that meets the other constraints has "
            + need.gpus()
            + " NVIDIA GPUs; the most is "
            + maxGpus,
        maxGpus == 0
            ? "allow a GPU family (g4dn, g5, g6, p3, p4d, p5, ...) and the amd64 architecture"
            : "request at most " + maxGpus + " GPUs");
  }

  private static List<ValidationProblem> fitProblems(
      InstanceSelector.Need need,
      List<InstanceType> before,
      InstanceSelector.Policy policy,
      PodSpec spec,
      String where,
      Optional<String> patternPath) {
    OverheadModel overhead = policy.overhead();
    long maxCpu = 0;
    long maxMemory = 0;
    for (InstanceType type : before) {
      OverheadModel.Allocatable allocatable = overhead.allocatable(type);
      maxCpu = Math.max(maxCpu, allocatable.cpuMillis());
      maxMemory = Math.max(maxMemory, allocatable.memoryMib());
    }
    String requested = describe(need);
    List<ValidationProblem> problems = new ArrayList<>();
    if (policy.typePattern().isExact() && before.size() == 1) {
      OverheadModel.Allocatable allocatable = overhead.allocatable(before.get(0));
      problems.add(
          new ValidationProblem(
              patternPath.orElseThrow(),
              policy.typePattern().text(),
              before.get(0).name()
                  + " leaves "
                  + allocatable.cpuMillis()
                  + "m CPU and "
                  + allocatable.memoryMib()
                  + " MiB after the "
                  + overhead.name()
                  + " overhead, less than the pod requests ("
                  + requested
                  + ")",
              "name a larger type or lower the requests"));
      return problems;
    }
    BigDecimal cpuMillis = need.cpuCores().movePointRight(3);
    BigDecimal memoryMib = need.memoryBytes().divide(MIB, 0, RoundingMode.CEILING);
    if (cpuMillis.compareTo(BigDecimal.valueOf(maxCpu)) > 0) {
      problems.add(
          new ValidationProblem(
              PodResourceCheck.pathOf(spec, PodResources.CPU),
              need.cpuCores().toPlainString(),
              "the pod needs "
                  + need.cpuCores().toPlainString()
                  + " CPU and the largest admissible"
                  + " type in "
                  + where
                  + " leaves "
                  + maxCpu
                  + "m after the "
                  + overhead.name()
                  + " overhead",
              "lower the CPU requests to at most " + maxCpu + "m"));
    }
    if (memoryMib.compareTo(BigDecimal.valueOf(maxMemory)) > 0) {
      problems.add(
          new ValidationProblem(
              PodResourceCheck.pathOf(spec, PodResources.MEMORY),
              memoryMib.toPlainString() + "Mi",
              "the pod needs "
                  + memoryMib.toPlainString()
                  + " MiB and the largest admissible type in "
                  + where
                  + " leaves "
                  + maxMemory
                  + " MiB after the "
                  + overhead.name()
                  + " overhead",
              "lower the memory requests to at most " + maxMemory + "Mi"));
    }
    if (problems.isEmpty()) {
      problems.add(
          new ValidationProblem(
              PodResourceCheck.pathOf(spec, PodResources.MEMORY),
              requested,
              "no single admissible instance type in "
                  + where
                  + " has both the CPU and the memory"
                  + " the pod requests",
              "lower the CPU or the memory requests, or allow more families"));
    }
    return problems;
  }

  static String describe(InstanceSelector.Need need) {
    BigDecimal memoryMib = need.memoryBytes().divide(MIB, 0, RoundingMode.CEILING);
    return need.cpuCores().toPlainString()
        + " CPU, "
        + memoryMib.toPlainString()
        + " MiB"
        + (need.gpus() > 0 ? ", " + need.gpus() + " GPU" : "");
  }
}
