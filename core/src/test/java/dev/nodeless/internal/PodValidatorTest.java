package dev.nodeless.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nodeless.PodValidationException;
import dev.nodeless.ReferenceResolver;
import dev.nodeless.ValidationProblem;
import dev.nodeless.spi.DownwardFacts;
import dev.nodeless.testing.Fixtures;
import dev.nodeless.testing.PodMutations;
import dev.nodeless.testing.PodMutations.Expected;
import dev.nodeless.testing.PodMutations.Mutated;
import dev.nodeless.testing.PodMutations.Mutation;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class PodValidatorTest {

  /** A small valid pod that every mutation starts from. */
  static Pod basePod() {
    return new PodBuilder()
        .withNewMetadata()
        .withName("base-pod")
        .withNamespace("default")
        .withUid("uid-base")
        .addToLabels("app", "web")
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("app")
        .withImage("busybox:1.36")
        .addNewPort()
        .withName("http")
        .withContainerPort(8080)
        .endPort()
        .withNewResources()
        .addToRequests("cpu", new Quantity("100m"))
        .addToRequests("memory", new Quantity("64Mi"))
        .addToLimits("cpu", new Quantity("1"))
        .addToLimits("memory", new Quantity("128Mi"))
        .endResources()
        .endContainer()
        .endSpec()
        .build();
  }

  static Stream<Mutation> mutations() {
    return PodMutations.all().stream();
  }

  @Test
  void zeroProbeTimingsMeanDefaults() {
    Pod pod = basePod();
    pod.getSpec()
        .getContainers()
        .get(0)
        .setLivenessProbe(
            new io.fabric8.kubernetes.api.model.ProbeBuilder()
                .withNewExec()
                .withCommand("true")
                .endExec()
                .withPeriodSeconds(0)
                .withTimeoutSeconds(0)
                .withSuccessThreshold(0)
                .withFailureThreshold(0)
                .build());

    assertThat(PodValidator.validate(pod)).isEmpty();
  }

  @Test
  void unknownFieldsAreReportedWithTheirPaths() {
    Pod pod =
        new io.fabric8.kubernetes.client.utils.KubernetesSerialization()
            .unmarshal(
                "apiVersion: v1\nkind: Pod\nmetadata: {name: typo, colour: red}\n"
                    + "spec:\n  restartPolicy: Never\n  containers:\n"
                    + "  - {name: main, image: busybox, comand: [echo, hi]}\n",
                Pod.class);

    List<ValidationProblem> problems = PodValidator.validate(pod);

    assertThat(problems)
        .extracting(ValidationProblem::fieldPath)
        .contains("metadata.colour", "spec.containers[0].comand");
    ValidationProblem typo =
        problems.stream()
            .filter(problem -> problem.fieldPath().equals("spec.containers[0].comand"))
            .findFirst()
            .orElseThrow();
    assertThat(typo.value()).isEqualTo("[echo, hi]");
    assertThat(typo.rule()).contains("unknown field");
  }

  @Test
  void unknownNestedFieldsAreReportedAtAnyDepth() {
    Pod pod =
        new io.fabric8.kubernetes.client.utils.KubernetesSerialization()
            .unmarshal(
                """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: nested
                  managedFields:
                  - manager: kubectl
                    fieldsV1: {"f:metadata": {"f:labels": {}}}
                spec:
                  securityContext: {runAsUserr: 1000}
                  volumes:
                  - name: data
                    emptyDir: {sizeLimt: 1Gi}
                  containers:
                  - name: main
                    image: busybox
                    command: [sh, -c, "sleep 1"]
                    env:
                    - {name: A, valu: x}
                    volumeMounts:
                    - {name: data, mountPath: /data, readonly: true}
                    resources:
                      limit: {memory: 64Mi}
                      limits: {memory: {amount: "64", format: Mi, extra: 1}}
                    livenessProbe:
                      exec: {command: ["true"]}
                      periodSecond: 5
                    securityContext: {privilegd: true}
                """,
                Pod.class);

    List<ValidationProblem> problems = PodValidator.validate(pod);

    assertThat(problems)
        .extracting(ValidationProblem::fieldPath)
        .contains(
            "spec.securityContext.runAsUserr",
            "spec.volumes[0].emptyDir.sizeLimt",
            "spec.containers[0].env[0].valu",
            "spec.containers[0].volumeMounts[0].readonly",
            "spec.containers[0].resources.limit",
            "spec.containers[0].livenessProbe.periodSecond",
            "spec.containers[0].securityContext.privilegd")
        .noneMatch(path -> path.startsWith("metadata.managedFields"));
  }

  @Test
  void basePodIsValid() {
    assertThat(PodValidator.validate(basePod())).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mutations")
  void mutationReportsPathValueRuleAndFix(Mutation mutation) {
    Mutated mutated = mutation.apply(basePod());
    Expected expected = mutated.expected();

    List<ValidationProblem> problems = PodValidator.validate(mutated.pod());

    ValidationProblem problem =
        problems.stream()
            .filter(p -> p.fieldPath().equals(expected.path()))
            .findFirst()
            .orElse(null);
    assertThat(problem).as("problem at %s among %s", expected.path(), problems).isNotNull();
    assertThat(problem.value()).isEqualTo(expected.value());
    assertThat(problem.rule()).contains(expected.rule());
    assertThat(problem.fix()).isNotBlank();
    assertThat(problem.describe()).startsWith(expected.path() + " = ");
  }

  @Test
  void manyProblemsComeOutAtOnce() {
    Pod pod = basePod();
    List<String> paths = new ArrayList<>();
    for (String name :
        List.of(
            "name not DNS-1123",
            "image missing",
            "request above limit",
            "port above 65535",
            "mount of unknown volume",
            "probe periodSeconds negative",
            "dnsPolicy unknown")) {
      Mutation mutation =
          PodMutations.all().stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow();
      Mutated mutated = mutation.apply(pod);
      pod = mutated.pod();
      paths.add(mutated.expected().path());
    }
    Pod invalid = pod;

    assertThatThrownBy(
            () ->
                PodPreparer.prepare(
                    invalid, ReferenceResolver.none(), new DownwardFacts(null, null, null, null)))
        .isInstanceOfSatisfying(
            PodValidationException.class,
            e -> {
              assertThat(e.problems()).extracting(ValidationProblem::fieldPath).containsAll(paths);
              assertThat(e.getMessage()).contains(e.problems().size() + " problems");
              paths.forEach(path -> assertThat(e.getMessage()).contains(path));
            });
  }

  @Test
  void limitsThemselvesAreAccepted() {
    Pod pod = basePod();
    pod.getMetadata()
        .setName(
            "a".repeat(63) + "." + "b".repeat(63) + "." + "c".repeat(63) + "." + "d".repeat(61));
    pod.getMetadata().setNamespace("n".repeat(63));
    pod.getMetadata().getLabels().put("example.com/" + "k".repeat(63), "v".repeat(63));
    pod.getMetadata().getLabels().put("empty", "");
    pod.getSpec().getContainers().get(0).setName("c".repeat(63));
    pod.getSpec().getContainers().get(0).getPorts().get(0).setContainerPort(65535);
    pod.getSpec().getContainers().get(0).getPorts().get(0).setName("a23456789012345");
    pod.getSpec().setActiveDeadlineSeconds(1L);
    pod.getSpec().setTerminationGracePeriodSeconds(0L);

    assertThat(PodValidator.validate(pod)).isEmpty();
  }

  @Test
  void relaxedEnvNamesAreAccepted() {
    Pod pod = basePod();
    pod.getSpec()
        .getContainers()
        .get(0)
        .setEnv(
            List.of(
                new io.fabric8.kubernetes.api.model.EnvVar("1starts.with-digit", "v", null),
                new io.fabric8.kubernetes.api.model.EnvVar("has space", "v", null)));

    assertThat(PodValidator.validate(pod)).isEmpty();
  }

  @Test
  void sidecarMayHaveProbesAndHooks() {
    Pod pod = basePod();
    pod.getSpec()
        .setInitContainers(
            List.of(
                new ContainerBuilder()
                    .withName("proxy")
                    .withImage("envoyproxy/envoy:v1.31")
                    .withRestartPolicy("Always")
                    .addNewPort()
                    .withName("admin")
                    .withContainerPort(9901)
                    .endPort()
                    .withNewReadinessProbe()
                    .withNewHttpGet()
                    .withPort(new IntOrString("admin"))
                    .endHttpGet()
                    .endReadinessProbe()
                    .withNewLifecycle()
                    .withNewPreStop()
                    .withNewSleep(5L)
                    .endPreStop()
                    .endLifecycle()
                    .build()));

    assertThat(PodValidator.validate(pod)).isEmpty();
  }

  @Test
  void extendedResourceAsLimitOnlyIsAccepted() {
    Pod pod = basePod();
    pod.getSpec()
        .getContainers()
        .get(0)
        .getResources()
        .getLimits()
        .put("nvidia.com/gpu", new Quantity("2"));

    assertThat(PodValidator.validate(pod)).isEmpty();
  }

  @Test
  void fixturesAreValidExceptStatefulSetTemplate() {
    for (String name : Fixtures.all()) {
      for (Pod pod : Fixtures.pods(name)) {
        List<ValidationProblem> problems = PodValidator.validate(pod);
        if (name.endsWith("mysql-statefulset.yaml")) {
          // The claim template, not the pod template, declares the data volume.
          assertThat(problems).extracting(ValidationProblem::value).as(name).containsOnly("data");
        } else {
          assertThat(problems).as(name).isEmpty();
        }
      }
    }
  }

  @Test
  void missingSpecIsOneProblem() {
    Pod pod = new PodBuilder().withNewMetadata().withName("no-spec").endMetadata().build();

    assertThat(PodValidator.validate(pod))
        .extracting(ValidationProblem::fieldPath)
        .containsExactly("spec");
  }

  @Test
  void annotationsOverSizeLimitAreRejected() {
    Pod pod = basePod();
    pod.getMetadata().setAnnotations(Map.of("big", "x".repeat(PodValidator.ANNOTATIONS_MAX_BYTES)));

    assertThat(PodValidator.validate(pod))
        .extracting(ValidationProblem::fieldPath)
        .containsExactly("metadata.annotations");
  }
}
