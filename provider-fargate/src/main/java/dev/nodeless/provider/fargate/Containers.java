package dev.nodeless.provider.fargate;

import dev.nodeless.spi.ResolvedContainer;
import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecurityContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.ContainerRestartPolicy;
import software.amazon.awssdk.services.ecs.model.HealthCheck;
import software.amazon.awssdk.services.ecs.model.LinuxParameters;
import software.amazon.awssdk.services.ecs.model.LogConfiguration;
import software.amazon.awssdk.services.ecs.model.MountPoint;
import software.amazon.awssdk.services.ecs.model.PortMapping;

/**
 * One pod container as an ECS container definition, without {@code dependsOn}, which the task
 * assembles once every container is known.
 *
 * <p>App containers are essential: when one exits, ECS stops the task unless its restart policy
 * restarts it. Init containers and native sidecars are not essential. Only app containers and
 * sidecars, which run at the same time, get container-level {@code cpu} and memory, because ECS
 * adds up those values over every container of a task and init containers run one at a time.
 */
final class Containers {
  /** The smallest container memory limit ECS accepts, in MiB. */
  static final int MIN_MEMORY_MIB = 6;

  /** ECS waits at least this long before restarting a container (the minimum it accepts). */
  static final int RESTART_ATTEMPT_PERIOD_SECONDS = 60;

  private static final Pattern ECR_IMAGE =
      Pattern.compile("^\\d{12}\\.dkr\\.ecr(-fips)?\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?/.*");

  private Containers() {}

  /** Builds the definition of a pod container. */
  static ContainerDefinition.Builder definition(
      ResolvedContainer container,
      ContainerEnvironment environment,
      Volumes volumes,
      TaskSize size,
      Context context) {
    boolean app = !container.init();
    ContainerDefinition.Builder definition =
        ContainerDefinition.builder()
            .name(container.name())
            .image(container.container().getImage())
            .essential(app);
    if (!environment.entryPoint().isEmpty()) {
      definition.entryPoint(environment.entryPoint());
    }
    if (!environment.command().isEmpty()) {
      definition.command(environment.command());
    }
    if (container.container().getWorkingDir() != null) {
      definition.workingDirectory(container.container().getWorkingDir());
    }
    if (!environment.definition().isEmpty()) {
      definition.environment(environment.definition());
    }
    if (!environment.secrets().isEmpty()) {
      definition.secrets(environment.secrets());
    }
    if (app || container.sidecar()) {
      resources(container, size, definition, context);
      HealthCheck healthCheck = HealthChecks.of(container, context);
      if (healthCheck != null) {
        definition.healthCheck(healthCheck);
      }
    } else {
      limitsOfInitContainer(container, context);
    }
    List<PortMapping> ports = ports(container);
    if (!ports.isEmpty()) {
      definition.portMappings(ports);
    }
    List<MountPoint> mounts = volumes.mountPoints(container, context);
    if (!mounts.isEmpty()) {
      definition.mountPoints(mounts);
    }
    ContainerRestartPolicy restart = restartPolicy(container, context);
    if (restart != null) {
      definition.restartPolicy(restart);
    }
    Long grace = context.pod.pod().getSpec().getTerminationGracePeriodSeconds();
    if (grace != null && grace <= PodChecks.MAX_STOP_TIMEOUT_SECONDS) {
      definition.stopTimeout(grace.intValue());
    }
    security(container, definition, context);
    if (Boolean.TRUE.equals(container.container().getStdin())) {
      definition.interactive(true);
    }
    if (Boolean.TRUE.equals(container.container().getTty())) {
      definition.pseudoTerminal(true);
    }
    registryCredentials(container, definition, context);
    LogConfiguration logs = logConfiguration(context);
    if (logs != null) {
      definition.logConfiguration(logs);
    }
    return definition;
  }

  /** Builds the awslogs configuration when {@code fargate.logGroup} is set, else {@code null}. */
  static LogConfiguration logConfiguration(Context context) {
    return context
        .settings
        .logGroup()
        .map(
            group ->
                LogConfiguration.builder()
                    .logDriver("awslogs")
                    .options(logOptions(group, context))
                    .build())
        .orElse(null);
  }

  private static Map<String, String> logOptions(String group, Context context) {
    Map<String, String> options = new TreeMap<>();
    options.put("awslogs-group", group);
    options.put("awslogs-region", context.settings.region());
    options.put("awslogs-stream-prefix", context.settings.logStreamPrefix());
    return options;
  }

  private static void resources(
      ResolvedContainer container,
      TaskSize size,
      ContainerDefinition.Builder definition,
      Context context) {
    int units = Sizing.cpuUnits(container);
    if (units > 0) {
      definition.cpu(units);
    }
    Integer limit = Sizing.memoryLimitMiB(container).orElse(null);
    Integer request = Sizing.memoryRequestMiB(container).orElse(null);
    String path = container.fieldPath() + ".resources.limits.memory";
    if (limit != null && limit < MIN_MEMORY_MIB) {
      context.problem(
          path,
          limit + "Mi",
          "ECS needs a container memory limit of at least " + MIN_MEMORY_MIB + " MiB",
          "set the memory limit to " + MIN_MEMORY_MIB + "Mi or more");
      return;
    }
    if (limit != null && limit > size.memoryMiB()) {
      context.note(
          path
              + " "
              + limit
              + " MiB is above the task's "
              + size.memoryMiB()
              + " MiB: the container is limited to the task memory");
      limit = size.memoryMiB();
    }
    if (limit != null) {
      definition.memory(limit);
    }
    // ECS wants memory greater than memoryReservation, so an equal request is left out.
    if (request != null && (limit == null || request < limit)) {
      definition.memoryReservation(request);
    }
  }

  private static void limitsOfInitContainer(ResolvedContainer container, Context context) {
    var resources = container.container().getResources();
    if (resources != null && resources.getLimits() != null && !resources.getLimits().isEmpty()) {
      context.note(
          container.fieldPath()
              + ".resources.limits are not enforced per container: an init container runs with"
              + " the whole task's cpu and memory, because ECS would add its limits to the"
              + " containers that run later");
    }
  }

  private static List<PortMapping> ports(ResolvedContainer container) {
    List<PortMapping> result = new ArrayList<>();
    List<ContainerPort> ports = container.container().getPorts();
    if (ports == null) {
      return result;
    }
    for (ContainerPort port : ports) {
      String protocol = port.getProtocol() == null ? "TCP" : port.getProtocol();
      if (!protocol.equals("TCP") && !protocol.equals("UDP")) {
        continue;
      }
      result.add(
          PortMapping.builder()
              .containerPort(port.getContainerPort())
              .protocol(protocol.equals("UDP") ? "udp" : "tcp")
              .build());
    }
    return result;
  }

  /**
   * Restarts as the kubelet would: sidecars and {@code Always} pods on any exit, {@code OnFailure}
   * pods on a non-zero exit. By the ECS ContainerRestartPolicy documentation, a container restarts
   * at most once per restartAttemptPeriod (60 s here, the minimum) and not when it exits sooner
   * after starting, so a fast crash loop of an essential container stops the task.
   */
  private static ContainerRestartPolicy restartPolicy(
      ResolvedContainer container, Context context) {
    String podPolicy = context.pod.pod().getSpec().getRestartPolicy();
    if (podPolicy == null) {
      podPolicy = "Always";
    }
    if (container.init() && !container.sidecar()) {
      return null;
    }
    if (container.sidecar() || podPolicy.equals("Always")) {
      return ContainerRestartPolicy.builder()
          .enabled(true)
          .restartAttemptPeriod(RESTART_ATTEMPT_PERIOD_SECONDS)
          .build();
    }
    if (podPolicy.equals("OnFailure")) {
      return ContainerRestartPolicy.builder()
          .enabled(true)
          .ignoredExitCodes(0)
          .restartAttemptPeriod(RESTART_ATTEMPT_PERIOD_SECONDS)
          .build();
    }
    return null;
  }

  private static void security(
      ResolvedContainer container, ContainerDefinition.Builder definition, Context context) {
    PodSpec spec = context.pod.pod().getSpec();
    PodSecurityContext pod = spec.getSecurityContext();
    SecurityContext own = container.container().getSecurityContext();
    Long user = Volumes.runAsUser(pod, own);
    Long group =
        own != null && own.getRunAsGroup() != null
            ? own.getRunAsGroup()
            : pod == null ? null : pod.getRunAsGroup();
    if (context.platform.windows()) {
      if (user != null || group != null) {
        context.note(
            container.fieldPath() + ": runAsUser and runAsGroup do not apply to Windows tasks");
      }
    } else if (user != null) {
      definition.user(group == null ? user.toString() : user + ":" + group);
    } else if (group != null) {
      context.note(
          container.fieldPath()
              + ": runAsGroup without runAsUser is not translated, because ECS sets a group only"
              + " together with a user");
    }
    if (own == null) {
      return;
    }
    if (Boolean.TRUE.equals(own.getReadOnlyRootFilesystem())) {
      definition.readonlyRootFilesystem(true);
    }
    Capabilities capabilities = own.getCapabilities();
    if (capabilities != null && !context.platform.windows()) {
      List<String> add =
          capabilities.getAdd() == null
              ? List.of()
              : capabilities.getAdd().stream().map(PodChecks::capabilityName).toList();
      List<String> drop =
          capabilities.getDrop() == null
              ? List.of()
              : capabilities.getDrop().stream().map(PodChecks::capabilityName).toList();
      if (!add.isEmpty() || !drop.isEmpty()) {
        definition.linuxParameters(
            LinuxParameters.builder()
                .capabilities(
                    c -> c.add(add.isEmpty() ? null : add).drop(drop.isEmpty() ? null : drop))
                .build());
      }
    }
  }

  /**
   * Private registry credentials: {@code fargate.registryCredentialsArn} when the pod names
   * imagePullSecrets. An ECR image needs none, because the execution role pulls it.
   */
  private static void registryCredentials(
      ResolvedContainer container, ContainerDefinition.Builder definition, Context context) {
    var pullSecrets = context.pod.pod().getSpec().getImagePullSecrets();
    if (pullSecrets == null || pullSecrets.isEmpty()) {
      return;
    }
    String image = container.container().getImage() == null ? "" : container.container().getImage();
    if (ECR_IMAGE.matcher(image).matches()) {
      context.note(
          "spec.imagePullSecrets is not used for ECR images: the execution role pulls them");
      return;
    }
    // TODO: store ResolvedPod.registryCredentials() in a Secrets Manager secret that the provider
    // creates, once ECS is confirmed to accept its ARN without the random suffix.
    var credentials = context.settings.registryCredentialsArn();
    if (credentials.isPresent()) {
      definition.repositoryCredentials(r -> r.credentialsParameter(credentials.get()));
      return;
    }
    context.problem(
        "spec.imagePullSecrets",
        pullSecrets.get(0).getName(),
        "ECS reads private registry credentials only from a Secrets Manager secret, and"
            + " Nodeless cannot create one with a name known before launch",
        "store the registry credentials in Secrets Manager and set "
            + FargateSettings.REGISTRY_CREDENTIALS_ARN
            + " to its ARN");
  }
}
