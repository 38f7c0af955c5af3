package dev.nodeless.provider.fargate;

import static dev.nodeless.provider.fargate.Examples.container;
import static dev.nodeless.provider.fargate.Examples.definition;
import static dev.nodeless.provider.fargate.Examples.pod;
import static dev.nodeless.provider.fargate.Examples.problems;
import static dev.nodeless.provider.fargate.Examples.translate;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeless.ValidationProblem;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.ContainerCondition;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.ContainerDependency;
import software.amazon.awssdk.services.ecs.model.HealthCheck;
import software.amazon.awssdk.services.ecs.model.PortMapping;

class ContainerTranslationTest {

  @Test
  void commandBecomesEntryPointAndArgsBecomeCommand() {
    Pod pod =
        pod(container("app")
                .withCommand("/bin/sh", "-c")
                .withArgs("echo $(GREETING) && sleep 5")
                .addNewEnv()
                .withName("GREETING")
                .withValue("hello")
                .endEnv()
                .withWorkingDir("/srv")
                .build())
            .build();
    ContainerDefinition app = definition(translate(pod), "app");
    assertThat(app.entryPoint()).containsExactly("/bin/sh", "-c");
    assertThat(app.command()).containsExactly("echo hello && sleep 5");
    assertThat(app.workingDirectory()).isEqualTo("/srv");
    assertThat(app.essential()).isTrue();
    assertThat(app.environment())
        .extracting(e -> e.name() + "=" + e.value())
        .containsExactly("GREETING=hello");
  }

  @Test
  void containerWithoutCommandKeepsTheImageDefaults() {
    ContainerDefinition app = definition(translate(pod(container("app").build()).build()), "app");
    assertThat(app.hasEntryPoint()).isFalse();
    assertThat(app.hasCommand()).isFalse();
  }

  @Test
  void cpuAndMemoryComeFromRequestsAndLimits() {
    Container app =
        container("app")
            .editOrNewResources()
            .addToRequests("cpu", new Quantity("100m"))
            .addToRequests("memory", new Quantity("100M"))
            .addToLimits("memory", new Quantity("400Mi"))
            .endResources()
            .build();
    ContainerDefinition definition = definition(translate(pod(app).build()), "app");
    assertThat(definition.cpu()).isEqualTo(103); // 0.1 x 1024 = 102.4, rounded up
    assertThat(definition.memoryReservation()).isEqualTo(96); // 100,000,000 B = 95.37 MiB
    assertThat(definition.memory()).isEqualTo(400);
  }

  @Test
  void equalRequestAndLimitSendOnlyLimit() {
    Container app =
        container("app")
            .editOrNewResources()
            .addToLimits("memory", new Quantity("512Mi"))
            .endResources()
            .build();
    ContainerDefinition definition = definition(translate(pod(app).build()), "app");
    assertThat(definition.memory()).isEqualTo(512);
    assertThat(definition.memoryReservation()).isNull();
  }

  @Test
  void limitAboveTheTaskIsCappedWithANote() {
    Container app =
        container("app")
            .editOrNewResources()
            .addToRequests("memory", new Quantity("256Mi"))
            .addToLimits("memory", new Quantity("4Gi"))
            .endResources()
            .build();
    FargateTranslation translation = translate(pod(app).build());
    assertThat(translation.size()).hasToString("0.25 vCPU / 0.5 GB");
    assertThat(definition(translation, "app").memory()).isEqualTo(512);
    assertThat(translation.notes())
        .contains(
            "spec.containers[0].resources.limits.memory 4096 MiB is above the task's 512 MiB:"
                + " the container is limited to the task memory");
  }

  @Test
  void initContainersRunInOrderBeforeAppContainers() {
    Pod pod =
        pod(container("app").build(), container("worker").build())
            .editSpec()
            .addToInitContainers(container("migrate").build(), container("warm").build())
            .endSpec()
            .build();
    FargateTranslation translation = translate(pod);
    assertThat(translation.registerTaskDefinition().containerDefinitions())
        .extracting(ContainerDefinition::name)
        .containsExactly("migrate", "warm", "app", "worker");
    assertThat(definition(translation, "migrate").essential()).isFalse();
    assertThat(definition(translation, "migrate").hasDependsOn()).isFalse();
    assertThat(definition(translation, "warm").dependsOn())
        .containsExactly(dependency("migrate", ContainerCondition.SUCCESS));
    for (String app : List.of("app", "worker")) {
      assertThat(definition(translation, app).dependsOn())
          .containsExactly(
              dependency("migrate", ContainerCondition.SUCCESS),
              dependency("warm", ContainerCondition.SUCCESS));
    }
  }

  @Test
  void nativeSidecarStartsFirstAndKeepsRunning() {
    Container sidecar =
        container("proxy")
            .withRestartPolicy("Always")
            .withNewStartupProbe()
            .withNewExec()
            .withCommand("test", "-f", "/tmp/ready")
            .endExec()
            .endStartupProbe()
            .build();
    Pod pod =
        pod(container("app").build())
            .editSpec()
            .addToInitContainers(sidecar, container("migrate").build())
            .endSpec()
            .build();
    FargateTranslation translation = translate(pod);
    ContainerDefinition proxy = definition(translation, "proxy");
    assertThat(proxy.essential()).isFalse();
    assertThat(proxy.restartPolicy().enabled()).isTrue();
    assertThat(proxy.healthCheck().command()).containsExactly("CMD", "test", "-f", "/tmp/ready");
    assertThat(definition(translation, "migrate").dependsOn())
        .containsExactly(dependency("proxy", ContainerCondition.HEALTHY));
    assertThat(definition(translation, "app").dependsOn())
        .containsExactly(
            dependency("proxy", ContainerCondition.HEALTHY),
            dependency("migrate", ContainerCondition.SUCCESS));
  }

  @Test
  void sidecarWithoutCheckWaitsForStart() {
    Pod pod =
        pod(container("app").build())
            .editSpec()
            .addToInitContainers(container("logs").withRestartPolicy("Always").build())
            .endSpec()
            .build();
    assertThat(definition(translate(pod), "app").dependsOn())
        .containsExactly(dependency("logs", ContainerCondition.START));
  }

  @Test
  void restartPolicyFollowsThePod() {
    Pod always = pod(container("app").build()).build();
    assertThat(definition(translate(always), "app").restartPolicy().enabled()).isTrue();
    assertThat(definition(translate(always), "app").restartPolicy().ignoredExitCodes()).isEmpty();

    Pod onFailure =
        pod(container("app").build()).editSpec().withRestartPolicy("OnFailure").endSpec().build();
    assertThat(definition(translate(onFailure), "app").restartPolicy().ignoredExitCodes())
        .containsExactly(0);

    Pod never =
        pod(container("app").build()).editSpec().withRestartPolicy("Never").endSpec().build();
    assertThat(definition(translate(never), "app").restartPolicy()).isNull();
  }

  @Test
  void execProbeBecomesAClampedHealthCheck() {
    Container app =
        container("app")
            .withNewReadinessProbe()
            .withNewExec()
            .withCommand("cat", "/tmp/healthy")
            .endExec()
            .withPeriodSeconds(1)
            .withTimeoutSeconds(90)
            .withFailureThreshold(30)
            .withInitialDelaySeconds(600)
            .endReadinessProbe()
            .withNewLivenessProbe()
            .withNewHttpGet()
            .withPath("/healthz")
            .withNewPort(8080)
            .endHttpGet()
            .endLivenessProbe()
            .build();
    FargateTranslation translation = translate(pod(app).build());
    HealthCheck check = definition(translation, "app").healthCheck();
    assertThat(check.command()).containsExactly("CMD", "cat", "/tmp/healthy");
    assertThat(check.interval()).isEqualTo(5);
    assertThat(check.timeout()).isEqualTo(60);
    assertThat(check.retries()).isEqualTo(10);
    assertThat(check.startPeriod()).isEqualTo(300);
    assertThat(translation.notes())
        .contains(
            "spec.containers[0].readinessProbe.periodSeconds 1 is outside ECS's range 5-300: the"
                + " health check uses 5",
            "spec.containers[0]: livenessProbe (httpGet) not translated: ECS runs one health check"
                + " per container, and only as a command inside the container");
  }

  @Test
  void portsMapTcpAndUdpWithoutHostPort() {
    Container app =
        container("app")
            .addNewPort()
            .withContainerPort(8080)
            .endPort()
            .addNewPort()
            .withContainerPort(53)
            .withProtocol("UDP")
            .endPort()
            .addNewPort()
            .withContainerPort(9090)
            .withHostPort(9090)
            .endPort()
            .build();
    assertThat(definition(translate(pod(app).build()), "app").portMappings())
        .extracting(
            PortMapping::containerPort, PortMapping::protocolAsString, PortMapping::hostPort)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(8080, "tcp", null),
            org.assertj.core.groups.Tuple.tuple(53, "udp", null),
            org.assertj.core.groups.Tuple.tuple(9090, "tcp", null));
  }

  @Test
  void securityContextMapsToContainer() {
    Container app =
        container("app")
            .withNewSecurityContext()
            .withRunAsUser(1000L)
            .withRunAsGroup(3000L)
            .withReadOnlyRootFilesystem(true)
            .withNewCapabilities()
            .withAdd("SYS_PTRACE")
            .withDrop("ALL")
            .endCapabilities()
            .endSecurityContext()
            .withStdin(true)
            .withTty(true)
            .build();
    Pod pod = pod(app).editSpec().withTerminationGracePeriodSeconds(90L).endSpec().build();
    ContainerDefinition definition = definition(translate(pod), "app");
    assertThat(definition.user()).isEqualTo("1000:3000");
    assertThat(definition.readonlyRootFilesystem()).isTrue();
    assertThat(definition.linuxParameters().capabilities().add()).containsExactly("SYS_PTRACE");
    assertThat(definition.linuxParameters().capabilities().drop()).containsExactly("ALL");
    assertThat(definition.interactive()).isTrue();
    assertThat(definition.pseudoTerminal()).isTrue();
    assertThat(definition.stopTimeout()).isEqualTo(90);
  }

  @Test
  void shareProcessNamespaceUsesTaskPidMode() {
    Pod pod =
        pod(container("app").build()).editSpec().withShareProcessNamespace(true).endSpec().build();
    assertThat(translate(pod).registerTaskDefinition().pidModeAsString()).isEqualTo("task");
  }

  @Test
  void everyUnsupportedFieldIsReportedAtOnce() {
    Container app =
        container("app")
            .withNewSecurityContext()
            .withPrivileged(true)
            .withNewCapabilities()
            .withAdd("NET_ADMIN")
            .endCapabilities()
            .endSecurityContext()
            .addNewPort()
            .withContainerPort(8080)
            .withHostPort(80)
            .endPort()
            .addNewPort()
            .withContainerPort(9000)
            .withProtocol("SCTP")
            .endPort()
            .editOrNewResources()
            .addToLimits("nvidia.com/gpu", new Quantity("1"))
            .endResources()
            .build();
    Pod pod =
        pod(app)
            .editSpec()
            .withHostNetwork(true)
            .withHostPID(true)
            .withHostIPC(true)
            .withTerminationGracePeriodSeconds(300L)
            .addNewHostAlias()
            .withIp("10.0.0.1")
            .withHostnames("db")
            .endHostAlias()
            .endSpec()
            .build();
    List<ValidationProblem> problems = problems(pod);
    assertThat(problems)
        .extracting(ValidationProblem::fieldPath)
        .containsExactlyInAnyOrder(
            "spec.hostNetwork",
            "spec.hostPID",
            "spec.hostIPC",
            "spec.hostAliases",
            "spec.terminationGracePeriodSeconds",
            "spec.containers[0].resources.limits[nvidia.com/gpu]",
            "spec.containers[0].ports[0].hostPort",
            "spec.containers[0].ports[1].protocol",
            "spec.containers[0].securityContext.privileged",
            "spec.containers[0].securityContext.capabilities.add[0]");
    assertThat(problems)
        .filteredOn(problem -> problem.fieldPath().equals("spec.hostNetwork"))
        .extracting(ValidationProblem::rule)
        .containsExactly("Pod not supported on Fargate: fields not supported: HostNetwork");
    assertThat(problems)
        .filteredOn(problem -> problem.fieldPath().endsWith("privileged"))
        .extracting(ValidationProblem::rule)
        .containsExactly(
            "Pod not supported on Fargate: invalid SecurityContext fields: Privileged");
  }

  @Test
  void daemonSetPodsAreRejected() {
    Pod pod =
        pod(container("agent").build())
            .editMetadata()
            .addNewOwnerReference()
            .withKind("DaemonSet")
            .withName("node-agent")
            .withApiVersion("apps/v1")
            .withUid("1")
            .endOwnerReference()
            .endMetadata()
            .build();
    assertThat(problems(pod))
        .extracting(ValidationProblem::fieldPath)
        .containsExactly("metadata.ownerReferences[0]");
  }

  @Test
  void tooManyContainersAreRejected() {
    ContainerBuilder[] builders = new ContainerBuilder[11];
    Container[] containers = new Container[11];
    for (int i = 0; i < containers.length; i++) {
      builders[i] = container("c" + i);
      containers[i] = builders[i].build();
    }
    assertThat(problems(pod(containers).build()))
        .extracting(ValidationProblem::fieldPath)
        .containsExactly("spec.containers");
  }

  @Test
  void privateRegistryUsesTheConfiguredCredentials() {
    Pod pod =
        pod(container("app").withImage("registry.example.com/team/app:1").build())
            .editSpec()
            .addNewImagePullSecret("regcred")
            .endSpec()
            .build();
    String arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:regcred-AbCdEf";
    FargateTranslation translation =
        translate(pod, Examples.settings("fargate.registryCredentialsArn", arn));
    assertThat(definition(translation, "app").repositoryCredentials().credentialsParameter())
        .isEqualTo(arn);
  }

  @Test
  void droppedFieldsAreNoted() {
    Pod pod =
        pod(container("app")
                .withNewLifecycle()
                .withNewPreStop()
                .withNewExec()
                .withCommand("sleep", "5")
                .endExec()
                .endPreStop()
                .endLifecycle()
                .build())
            .editSpec()
            .addToNodeSelector("disktype", "ssd")
            .endSpec()
            .build();
    assertThat(translate(pod).notes())
        .anyMatch(note -> note.startsWith("spec.containers[0].lifecycle hooks are not run"))
        .anyMatch(note -> note.startsWith("spec.nodeSelector keys [disktype] are ignored"));
  }

  private static ContainerDependency dependency(String name, ContainerCondition condition) {
    return ContainerDependency.builder().containerName(name).condition(condition).build();
  }
}
