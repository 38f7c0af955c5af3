package dev.nodeless.provider.fargate;

import dev.nodeless.ValidationProblem;
import dev.nodeless.spi.ResolvedContainer;
import dev.nodeless.spi.ResolvedPod;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.ecs.model.Compatibility;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.ContainerOverride;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.ecs.model.PidMode;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.RunTaskRequest;
import software.amazon.awssdk.services.ecs.model.TaskOverride;
import software.amazon.awssdk.services.ecs.model.Volume;

/** Runs one translation: checks, size, containers, task definition, RunTask and price. */
final class TaskTranslator {
  /** ECS allows 10 containers per task definition. */
  // NOTE: the limit of 10 and the 64 KiB size below come from secondary sources; the ECS
  // developer guide's quota table was not found.
  static final int MAX_CONTAINERS = 10;

  static final int MAX_DEFINITION_BYTES = 64 * 1024;

  /** RunTask accepts at most 8192 characters of overrides JSON. */
  static final int MAX_OVERRIDE_CHARS = 8192;

  static final int MAX_FAMILY_LENGTH = 255;
  static final int FAMILY_DIGEST_LENGTH = 16;
  private static final Pattern FAMILY_UNSAFE = Pattern.compile("[^A-Za-z0-9_-]");

  /**
   * The result: a translation, or the problems that prevent one.
   *
   * @param overridesTooLarge whether the per-pod values did not fit into RunTask overrides, so the
   *     translation must run again with them in the task definition
   */
  record Outcome(
      FargateTranslation translation, List<ValidationProblem> problems, boolean overridesTooLarge) {
    Outcome(FargateTranslation translation, List<ValidationProblem> problems) {
      this(translation, problems, false);
    }
  }

  private TaskTranslator() {}

  static Outcome translate(
      ResolvedPod pod,
      FargateSettings settings,
      PriceCache prices,
      List<ValidationProblem> settingProblems) {
    Outcome first = translate(pod, settings, prices, settingProblems, true);
    if (first.overridesTooLarge()) {
      Outcome second = translate(pod, settings, prices, settingProblems, false);
      if (second.translation() != null) {
        List<String> notes = new ArrayList<>(second.translation().notes());
        notes.add(
            "per-pod values exceed the "
                + MAX_OVERRIDE_CHARS
                + " characters that RunTask overrides hold: they are in the task definition, so"
                + " this pod gets a task definition of its own");
        return new Outcome(withNotes(second.translation(), notes), List.of());
      }
      return second;
    }
    return first;
  }

  private static Outcome translate(
      ResolvedPod pod,
      FargateSettings settings,
      PriceCache prices,
      List<ValidationProblem> settingProblems,
      boolean perPodInOverrides) {
    PodSpec spec = pod.pod().getSpec();
    List<ValidationProblem> platformProblems = new ArrayList<>();
    Platform platform = Platform.of(spec, platformProblems);
    Context context = new Context(pod, settings, platform, perPodInOverrides);
    context.problems.addAll(settingProblems);
    context.problems.addAll(platformProblems);
    PodChecks.check(context);
    PodNotes.add(context);

    Optional<FargatePricing> pricing = prices.lookUp(settings.region(), platform, settings.spot());
    if (pricing.isEmpty()) {
      context.problem(
          settings.priceTable().isPresent() ? FargateSettings.PRICE_TABLE : "region",
          settings.region(),
          "the price table "
              + prices.table().origin()
              + " has no Fargate vCPU and memory price for "
              + platform.os()
              + "/"
              + platform.arch()
              + " in this region or in "
              + FargatePricing.FALLBACK_REGION,
          "add rows for service fargate to the table named by " + FargateSettings.PRICE_TABLE);
    }
    PlatformVersion version = platformVersion(context);
    Sizing.Need need = Sizing.need(pod, settings.sizing(), platform, context.problems);
    List<TaskSize> allowed = TaskSizes.allowed(platform.os(), version);
    // Without prices the first covering size in table order stands in, so that every other
    // problem is still reported.
    Optional<TaskSize> chosen =
        pricing.isPresent()
            ? Sizing.choose(need, TaskSizes.allowedSet(platform.os(), version), pricing.get())
            : allowed.stream()
                .filter(s -> s.cpuUnits() >= need.cpuUnits() && s.memoryMiB() >= need.memoryMiB())
                .findFirst();
    if (chosen.isEmpty()) {
      context.problems.add(Sizing.tooLarge(pod, need, allowed));
    }
    // Without a fitting size, translate against the largest one to report every other problem.
    TaskSize size =
        chosen.orElseGet(
            () -> allowed.stream().max(Comparator.comparingInt(TaskSize::memoryMiB)).orElseThrow());

    Volumes volumes = Volumes.of(context);
    List<ContainerDefinition.Builder> initDefinitions = new ArrayList<>();
    List<ContainerDefinition.Builder> appDefinitions = new ArrayList<>();
    List<ContainerOverride> overrides = new ArrayList<>();
    for (ResolvedContainer container : pod.initContainers()) {
      initDefinitions.add(translateContainer(container, volumes, size, overrides, context));
    }
    for (ResolvedContainer container : pod.containers()) {
      appDefinitions.add(translateContainer(container, volumes, size, overrides, context));
    }
    List<ResolvedContainer> all = new ArrayList<>(pod.initContainers());
    all.addAll(pod.containers());
    FileWriter.Writer writer =
        FileWriter.of(volumes, volumes.emptyDirsNeedPermissions(all, context), context);
    if (writer == null && volumes.kinds().containsValue(Volumes.Kind.EMPTY_DIR)) {
      context.note(
          "emptyDir volumes are owned by root with mode 0755 on Fargate: set runAsUser or"
              + " fsGroup in the pod for Nodeless to open them to a non-root image user");
    }

    List<ContainerDefinition> definitions =
        Dependencies.order(writer, pod.initContainers(), initDefinitions, appDefinitions, context);
    if (writer != null && !writer.overrides().isEmpty()) {
      overrides.add(
          0,
          ContainerOverride.builder()
              .name(FileWriter.CONTAINER_NAME)
              .environment(writer.overrides())
              .build());
    }
    if (definitions.size() > MAX_CONTAINERS) {
      context.problem(
          "spec.containers",
          definitions.size() + " containers",
          "a Fargate task definition holds at most "
              + MAX_CONTAINERS
              + " containers"
              + (writer == null ? "" : ", the file writer for the pod's volumes included"),
          "split the pod, or use fewer init containers and sidecars");
    }
    checkExecutionRole(definitions, context);

    // The request is rendered once, with an empty family: the digest reads that JSON, and the
    // family is then spliced into it.
    RegisterTaskDefinitionRequest definition =
        definition(definitions, volumes, size, need, platform, version, context).toBuilder()
            .family("")
            .tags(RunTasks.definitionTags(context))
            .build();
    String draftJson = RequestJson.compact(definition);
    // UTF-8 needs at most 3 bytes per character, so short JSON fits without measuring.
    if (draftJson.length() > MAX_DEFINITION_BYTES / 3) {
      int bytes = draftJson.getBytes(StandardCharsets.UTF_8).length;
      if (bytes > MAX_DEFINITION_BYTES) {
        context.problem(
            "spec",
            bytes + " bytes",
            "the task definition is larger than the "
                + MAX_DEFINITION_BYTES
                + " bytes ECS accepts; configMap files and environment values count towards it",
            "move large configuration out of the pod spec, for example into the image");
      }
    }
    String family = family(context, pod, draftJson);
    definition = definition.toBuilder().family(family).build();
    String definitionJson = withFamily(draftJson, definition, family);

    TaskOverride override =
        overrides.isEmpty() ? null : TaskOverride.builder().containerOverrides(overrides).build();
    RunTaskRequest runTask = RunTasks.request(family, version, override, context);
    if (!context.problems.isEmpty()) {
      return new Outcome(null, context.problems);
    }
    if (override != null
        && perPodInOverrides
        && RequestJson.compact(override).length() > MAX_OVERRIDE_CHARS) {
      return new Outcome(null, List.of(), true);
    }

    BigDecimal hourly = pricing.get().hourly(size, need.ephemeralStorageGib());
    List<String> notes = new ArrayList<>(Sizing.notes(need, size, settings.sizing()));
    notes.addAll(pricing.get().notes());
    notes.addAll(context.notes);
    return new Outcome(
        new FargateTranslation(
            definition,
            definitionJson,
            runTask,
            RequestJson.compact(runTask),
            size,
            need.ephemeralStorageGib(),
            context.parameters(),
            hourly,
            pricing.get().source(),
            notes),
        List.of());
  }

  private static ContainerDefinition.Builder translateContainer(
      ResolvedContainer container,
      Volumes volumes,
      TaskSize size,
      List<ContainerOverride> overrides,
      Context context) {
    ContainerEnvironment environment = ContainerEnvironment.of(container, context);
    if (!environment.overrides().isEmpty() || environment.overrideCommand() != null) {
      ContainerOverride.Builder override = ContainerOverride.builder().name(container.name());
      if (!environment.overrides().isEmpty()) {
        override.environment(environment.overrides());
      }
      if (environment.overrideCommand() != null) {
        override.command(environment.overrideCommand());
      }
      overrides.add(override.build());
    }
    return Containers.definition(container, environment, volumes, size, context);
  }

  private static RegisterTaskDefinitionRequest definition(
      List<ContainerDefinition> containers,
      Volumes volumes,
      TaskSize size,
      Sizing.Need need,
      Platform platform,
      PlatformVersion version,
      Context context) {
    RegisterTaskDefinitionRequest.Builder definition =
        RegisterTaskDefinitionRequest.builder()
            .networkMode(NetworkMode.AWSVPC)
            .requiresCompatibilities(Compatibility.FARGATE)
            .cpu(Integer.toString(size.cpuUnits()))
            .memory(Integer.toString(size.memoryMiB()))
            .runtimePlatform(
                r ->
                    r.cpuArchitecture(platform.ecsArchitecture())
                        .operatingSystemFamily(
                            platform.windows() ? context.settings.windowsFamily() : "LINUX"))
            .containerDefinitions(containers);
    context.settings.executionRoleArn().ifPresent(definition::executionRoleArn);
    context.settings.taskRoleArn().ifPresent(definition::taskRoleArn);
    if (!volumes.kinds().isEmpty()) {
      List<Volume> taskVolumes = new ArrayList<>();
      volumes
          .kinds()
          .keySet()
          .forEach(name -> taskVolumes.add(Volume.builder().name(name).build()));
      definition.volumes(taskVolumes);
    }
    if (need.ephemeralStorageGib() > 0) {
      requirePlatform(version, "spec.containers[*].resources.requests.ephemeral-storage", context);
      definition.ephemeralStorage(e -> e.sizeInGiB(need.ephemeralStorageGib()));
    }
    if (Boolean.TRUE.equals(context.pod.pod().getSpec().getShareProcessNamespace())) {
      if (platform.windows()) {
        context.problem(
            "spec.shareProcessNamespace",
            "true",
            "Windows tasks on Fargate cannot share a process namespace",
            "remove shareProcessNamespace");
      } else {
        requirePlatform(version, "spec.shareProcessNamespace", context);
        definition.pidMode(PidMode.TASK);
      }
    }
    return definition.build();
  }

  private static PlatformVersion platformVersion(Context context) {
    Optional<PlatformVersion> pinned = context.settings.platformVersion();
    if (context.platform.windows()) {
      if (pinned.isPresent()
          && !pinned.get().isLatest()
          && !pinned.get().equals(PlatformVersion.WINDOWS_DEFAULT)) {
        context.problem(
            FargateSettings.PLATFORM_VERSION,
            pinned.get().text(),
            "Windows tasks run on Fargate platform version 1.0.0",
            "set " + FargateSettings.PLATFORM_VERSION + "=1.0.0 or LATEST for Windows pods");
      }
      return pinned.orElse(PlatformVersion.WINDOWS_DEFAULT);
    }
    return pinned.orElse(PlatformVersion.LINUX_DEFAULT);
  }

  private static void requirePlatform(PlatformVersion version, String field, Context context) {
    if (!context.platform.windows() && version.isBefore(PlatformVersion.LINUX_DEFAULT)) {
      context.problem(
          field,
          version.text(),
          "needs Fargate platform version 1.4.0 or later",
          "set " + FargateSettings.PLATFORM_VERSION + "=1.4.0 or remove it");
    }
  }

  private static void checkExecutionRole(List<ContainerDefinition> containers, Context context) {
    if (context.settings.executionRoleArn().isPresent()) {
      return;
    }
    List<String> needs = new ArrayList<>();
    if (containers.stream().anyMatch(c -> !c.secrets().isEmpty())) {
      needs.add("reading secrets from SSM");
    }
    if (context.settings.logGroup().isPresent()) {
      needs.add("sending logs to CloudWatch");
    }
    if (containers.stream().anyMatch(c -> c.repositoryCredentials() != null)) {
      needs.add("reading registry credentials");
    }
    if (!needs.isEmpty()) {
      context.problem(
          FargateSettings.EXECUTION_ROLE_ARN,
          null,
          "Fargate needs a task execution role for " + String.join(", ", needs),
          "set "
              + FargateSettings.EXECUTION_ROLE_ARN
              + " to a role with the AmazonECSTaskExecutionRolePolicy and ssm:GetParameters");
    }
  }

  /**
   * Builds the family name: a readable prefix (owner and first container) and a digest of the task
   * definition's JSON without the family, so identical pods share one registration. ECS family
   * names allow up to 255 letters, digits, hyphens and underscores.
   */
  static String family(Context context, ResolvedPod pod, String content) {
    String container = pod.containers().isEmpty() ? "pod" : pod.containers().get(0).name();
    String prefix = sanitize("nodeless-" + context.settings.clusterId() + "-" + container);
    int room = MAX_FAMILY_LENGTH - 1 - FAMILY_DIGEST_LENGTH;
    if (prefix.length() > room) {
      prefix = prefix.substring(0, room);
    }
    return prefix + "-" + Hashes.sha256(FAMILY_DIGEST_LENGTH, content);
  }

  /**
   * Puts the family into the JSON rendered with an empty one. The family is the first member and
   * needs no escaping, so the text is spliced; any other layout is rendered again.
   */
  private static String withFamily(
      String draftJson, RegisterTaskDefinitionRequest named, String family) {
    String empty = "{\"family\":\"\"";
    if (draftJson.startsWith(empty)) {
      return "{\"family\":\"" + family + "\"" + draftJson.substring(empty.length());
    }
    return RequestJson.compact(named);
  }

  private static String sanitize(String text) {
    return FAMILY_UNSAFE.matcher(text).replaceAll("-");
  }

  private static FargateTranslation withNotes(FargateTranslation translation, List<String> notes) {
    return new FargateTranslation(
        translation.registerTaskDefinition(),
        translation.registerTaskDefinitionJson(),
        translation.runTask(),
        translation.runTaskJson(),
        translation.size(),
        translation.ephemeralStorageGib() > Sizing.INCLUDED_STORAGE_GIB
            ? translation.ephemeralStorageGib()
            : 0,
        translation.secretParameters(),
        translation.hourlyUsd(),
        translation.priceSource(),
        notes);
  }
}
