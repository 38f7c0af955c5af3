package dev.nodeless.provider.fargate;

import dev.nodeless.ValidationProblem;
import dev.nodeless.spi.ResolvedPod;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The state of one translation: its inputs and the problems, notes and parameters it collects. */
final class Context {
  final ResolvedPod pod;
  final FargateSettings settings;
  final Platform platform;
  final SecretNames names;

  /**
   * Whether per-pod values go into RunTask overrides. When they would not fit there, the
   * translation runs again with this off and puts them into the task definition.
   */
  final boolean perPodInOverrides;

  final List<ValidationProblem> problems = new ArrayList<>();
  final List<String> notes = new ArrayList<>();
  private final Map<String, SecretParameter> parameters = new LinkedHashMap<>();

  Context(ResolvedPod pod, FargateSettings settings, Platform platform, boolean perPodInOverrides) {
    this.pod = pod;
    this.settings = settings;
    this.platform = platform;
    this.names = new SecretNames(settings);
    this.perPodInOverrides = perPodInOverrides;
  }

  String namespace() {
    return pod.ref().namespace();
  }

  void problem(String fieldPath, String value, String rule, String fix) {
    ValidationProblem problem = new ValidationProblem(fieldPath, value, rule, fix);
    if (!problems.contains(problem)) {
      problems.add(problem);
    }
  }

  void note(String note) {
    if (!notes.contains(note)) {
      notes.add(note);
    }
  }

  /** Records a parameter; the first request for a name wins, as all hold the same value. */
  void parameter(SecretParameter parameter) {
    parameters.putIfAbsent(parameter.name(), parameter);
  }

  List<SecretParameter> parameters() {
    return List.copyOf(parameters.values());
  }
}
