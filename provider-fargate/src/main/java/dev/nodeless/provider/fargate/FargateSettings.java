package dev.nodeless.provider.fargate;

import dev.nodeless.ValidationProblem;
import dev.nodeless.plan.PlanSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The {@code fargate.*} options of {@link PlanSettings}, checked and typed. Immutable.
 *
 * <p>Every key is documented in {@code docs/provider-fargate.md}. A key under {@code fargate.} that
 * is not listed here is reported as a problem, so that a typo does not pass silently.
 */
public final class FargateSettings {
  public static final String CLUSTER = "fargate.cluster";
  public static final String CLUSTER_ID = "fargate.clusterId";
  public static final String SUBNET_IDS = "fargate.subnetIds";
  public static final String SECURITY_GROUP_IDS = "fargate.securityGroupIds";
  public static final String ASSIGN_PUBLIC_IP = "fargate.assignPublicIp";
  public static final String SPOT = "fargate.spot";
  public static final String PLATFORM_VERSION = "fargate.platformVersion";
  public static final String EXECUTION_ROLE_ARN = "fargate.executionRoleArn";
  public static final String TASK_ROLE_ARN = "fargate.taskRoleArn";
  public static final String PRICE_TABLE = "fargate.priceTable";
  public static final String SIZING = "fargate.sizing";
  public static final String LOG_GROUP = "fargate.logGroup";
  public static final String LOG_STREAM_PREFIX = "fargate.logStreamPrefix";
  public static final String FILE_WRITER_IMAGE = "fargate.fileWriterImage";
  public static final String WINDOWS_FAMILY = "fargate.windowsFamily";
  public static final String REGISTRY_CREDENTIALS_ARN = "fargate.registryCredentialsArn";

  /** The keys this provider reads. */
  public static final Set<String> KEYS =
      Set.of(
          CLUSTER,
          CLUSTER_ID,
          SUBNET_IDS,
          SECURITY_GROUP_IDS,
          ASSIGN_PUBLIC_IP,
          SPOT,
          PLATFORM_VERSION,
          EXECUTION_ROLE_ARN,
          TASK_ROLE_ARN,
          PRICE_TABLE,
          SIZING,
          LOG_GROUP,
          LOG_STREAM_PREFIX,
          FILE_WRITER_IMAGE,
          WINDOWS_FAMILY,
          REGISTRY_CREDENTIALS_ARN);

  /** The image that writes configMap, secret and downward API files into task volumes. */
  public static final String DEFAULT_FILE_WRITER_IMAGE =
      "public.ecr.aws/docker/library/busybox:1.36";

  static final int MAX_SUBNETS = 16;
  static final int MAX_SECURITY_GROUPS = 5;
  private static final Pattern ROLE_ARN =
      Pattern.compile("arn:(aws[a-z-]*):iam::(\\d{12}):role/[\\w+=,.@/-]{1,512}");
  private static final Set<String> WINDOWS_FAMILIES =
      Set.of(
          "WINDOWS_SERVER_2019_CORE",
          "WINDOWS_SERVER_2019_FULL",
          "WINDOWS_SERVER_2022_CORE",
          "WINDOWS_SERVER_2022_FULL");

  /** The rule that derives the task size from the pod. */
  public enum Sizing {
    /**
     * As EKS on Fargate sizes pods: effective requests plus 256 MiB of memory for the Fargate
     * agent, rounded up to a valid size.
     */
    EKS,
    /** Effective requests rounded up to a valid size, with nothing added. */
    ECS
  }

  private final String region;
  private final String cluster;
  private final String clusterId;
  private final List<String> subnetIds;
  private final List<String> securityGroupIds;
  private final boolean assignPublicIp;
  private final boolean spot;
  private final PlatformVersion platformVersion;
  private final String executionRoleArn;
  private final String taskRoleArn;
  private final Path priceTable;
  private final Sizing sizing;
  private final String logGroup;
  private final String logStreamPrefix;
  private final String fileWriterImage;
  private final String windowsFamily;
  private final String registryCredentialsArn;
  private final Account account;

  private FargateSettings(PlanSettings settings, List<ValidationProblem> problems) {
    Map<String, String> options = settings.options();
    this.region = settings.region();
    this.cluster = text(options, CLUSTER, "default");
    this.clusterId = text(options, CLUSTER_ID, "nodeless");
    this.subnetIds = list(options, SUBNET_IDS);
    this.securityGroupIds = list(options, SECURITY_GROUP_IDS);
    this.assignPublicIp = publicIp(options, problems);
    this.spot = flag(options, SPOT, problems);
    this.platformVersion = platform(options, problems);
    this.executionRoleArn = roleArn(options, EXECUTION_ROLE_ARN, problems);
    this.taskRoleArn = roleArn(options, TASK_ROLE_ARN, problems);
    this.priceTable = options.containsKey(PRICE_TABLE) ? Path.of(options.get(PRICE_TABLE)) : null;
    this.sizing = sizing(options, problems);
    this.logGroup = options.get(LOG_GROUP);
    this.logStreamPrefix = text(options, LOG_STREAM_PREFIX, "nodeless");
    this.fileWriterImage = text(options, FILE_WRITER_IMAGE, DEFAULT_FILE_WRITER_IMAGE);
    this.windowsFamily = windowsFamily(options, problems);
    this.registryCredentialsArn = options.get(REGISTRY_CREDENTIALS_ARN);
    this.account = accountOf(executionRoleArn);
    checkNetwork(problems);
    checkUnknownKeys(options, problems);
  }

  /**
   * Reads and checks the {@code fargate.*} options.
   *
   * @throws IllegalArgumentException listing every invalid option with its fix
   */
  public static FargateSettings from(PlanSettings settings) {
    List<ValidationProblem> problems = new ArrayList<>();
    FargateSettings parsed = new FargateSettings(settings, problems);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          "invalid Fargate settings:\n  - "
              + problems.stream()
                  .map(ValidationProblem::describe)
                  .collect(Collectors.joining("\n  - ")));
    }
    return parsed;
  }

  /** Reads the options and adds a problem for each invalid one to {@code problems}. */
  static FargateSettings parse(PlanSettings settings, List<ValidationProblem> problems) {
    return new FargateSettings(settings, problems);
  }

  public String region() {
    return region;
  }

  /** Returns the ECS cluster name or ARN that RunTask targets, {@code default} unless set. */
  public String cluster() {
    return cluster;
  }

  /**
   * Returns the Nodeless owner id written into tags, task definition family names and SSM parameter
   * names, so that resources of one Nodeless installation can be found and cleaned up.
   */
  public String clusterId() {
    return clusterId;
  }

  public List<String> subnetIds() {
    return subnetIds;
  }

  public List<String> securityGroupIds() {
    return securityGroupIds;
  }

  public boolean assignPublicIp() {
    return assignPublicIp;
  }

  public boolean spot() {
    return spot;
  }

  /** The pinned platform version, or empty to use 1.4.0 on Linux and 1.0.0 on Windows. */
  Optional<PlatformVersion> platformVersion() {
    return Optional.ofNullable(platformVersion);
  }

  public Optional<String> executionRoleArn() {
    return Optional.ofNullable(executionRoleArn);
  }

  public Optional<String> taskRoleArn() {
    return Optional.ofNullable(taskRoleArn);
  }

  public Optional<Path> priceTable() {
    return Optional.ofNullable(priceTable);
  }

  public Sizing sizing() {
    return sizing;
  }

  public Optional<String> logGroup() {
    return Optional.ofNullable(logGroup);
  }

  public String logStreamPrefix() {
    return logStreamPrefix;
  }

  public String fileWriterImage() {
    return fileWriterImage;
  }

  public String windowsFamily() {
    return windowsFamily;
  }

  public Optional<String> registryCredentialsArn() {
    return Optional.ofNullable(registryCredentialsArn);
  }

  /** An AWS partition (such as {@code aws}) and 12-digit account ID. */
  record Account(String partition, String id) {}

  /** Finds the partition and account of the execution role, used to build SSM parameter ARNs. */
  Optional<Account> account() {
    return Optional.ofNullable(account);
  }

  private static Account accountOf(String roleArn) {
    if (roleArn == null) {
      return null;
    }
    Matcher matcher = ROLE_ARN.matcher(roleArn);
    return matcher.matches() ? new Account(matcher.group(1), matcher.group(2)) : null;
  }

  private static String text(Map<String, String> options, String key, String fallback) {
    String value = options.get(key);
    return value == null || value.isBlank() ? fallback : value.trim();
  }

  private static List<String> list(Map<String, String> options, String key) {
    String value = options.get(key);
    if (value == null || value.isBlank()) {
      return List.of();
    }
    return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  private static boolean publicIp(Map<String, String> options, List<ValidationProblem> problems) {
    String value = options.get(ASSIGN_PUBLIC_IP);
    if (value == null) {
      return false;
    }
    switch (value.trim().toUpperCase(Locale.ROOT)) {
      case "TRUE", "ENABLED" -> {
        return true;
      }
      case "FALSE", "DISABLED" -> {
        return false;
      }
      default -> {
        problems.add(
            new ValidationProblem(
                ASSIGN_PUBLIC_IP,
                value,
                "must be true, false, ENABLED or DISABLED",
                "set " + ASSIGN_PUBLIC_IP + "=false (the default) or true"));
        return false;
      }
    }
  }

  private static boolean flag(
      Map<String, String> options, String key, List<ValidationProblem> problems) {
    String value = options.get(key);
    if (value == null) {
      return false;
    }
    String normalized = value.trim().toLowerCase(Locale.ROOT);
    if (!normalized.equals("true") && !normalized.equals("false")) {
      problems.add(
          new ValidationProblem(
              key, value, "must be true or false", "set " + key + "=true or " + key + "=false"));
      return false;
    }
    return normalized.equals("true");
  }

  private static PlatformVersion platform(
      Map<String, String> options, List<ValidationProblem> problems) {
    String value = options.get(PLATFORM_VERSION);
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return PlatformVersion.parse(value.trim());
    } catch (IllegalArgumentException e) {
      problems.add(
          new ValidationProblem(
              PLATFORM_VERSION,
              value,
              "must be a Fargate platform version such as 1.4.0, or LATEST",
              "set " + PLATFORM_VERSION + "=1.4.0, or remove it to use the default"));
      return null;
    }
  }

  private static String roleArn(
      Map<String, String> options, String key, List<ValidationProblem> problems) {
    String value = options.get(key);
    if (value == null || value.isBlank()) {
      return null;
    }
    if (!ROLE_ARN.matcher(value.trim()).matches()) {
      problems.add(
          new ValidationProblem(
              key,
              value,
              "must be an IAM role ARN",
              "set " + key + "=arn:aws:iam::<12-digit account>:role/<role name>"));
    }
    return value.trim();
  }

  private static Sizing sizing(Map<String, String> options, List<ValidationProblem> problems) {
    String value = options.get(SIZING);
    if (value == null) {
      return Sizing.EKS;
    }
    try {
      return Sizing.valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      problems.add(
          new ValidationProblem(
              SIZING,
              value,
              "must be eks or ecs",
              "set " + SIZING + "=eks (the default, adds 256 MiB as EKS does) or ecs"));
      return Sizing.EKS;
    }
  }

  private static String windowsFamily(
      Map<String, String> options, List<ValidationProblem> problems) {
    String value = options.get(WINDOWS_FAMILY);
    if (value == null) {
      return "WINDOWS_SERVER_2022_CORE";
    }
    String normalized = value.trim().toUpperCase(Locale.ROOT);
    if (!WINDOWS_FAMILIES.contains(normalized)) {
      problems.add(
          new ValidationProblem(
              WINDOWS_FAMILY,
              value,
              "must be one of " + new TreeSet<>(WINDOWS_FAMILIES),
              "set " + WINDOWS_FAMILY + "=WINDOWS_SERVER_2022_CORE"));
    }
    return normalized;
  }

  private void checkNetwork(List<ValidationProblem> problems) {
    if (subnetIds.isEmpty()) {
      problems.add(
          new ValidationProblem(
              SUBNET_IDS,
              null,
              "RunTask on Fargate needs at least one subnet for the task's network interface",
              "set " + SUBNET_IDS + "=subnet-0123456789abcdef0[,subnet-...]"));
    } else if (subnetIds.size() > MAX_SUBNETS) {
      problems.add(
          new ValidationProblem(
              SUBNET_IDS,
              String.join(",", subnetIds),
              "ECS accepts at most " + MAX_SUBNETS + " subnets",
              "list at most " + MAX_SUBNETS + " subnets"));
    }
    for (String subnet : subnetIds) {
      if (!subnet.startsWith("subnet-")) {
        problems.add(
            new ValidationProblem(
                SUBNET_IDS,
                subnet,
                "is not a subnet ID",
                "use IDs such as subnet-0123456789abcdef0"));
      }
    }
    if (securityGroupIds.size() > MAX_SECURITY_GROUPS) {
      problems.add(
          new ValidationProblem(
              SECURITY_GROUP_IDS,
              String.join(",", securityGroupIds),
              "ECS accepts at most " + MAX_SECURITY_GROUPS + " security groups",
              "list at most " + MAX_SECURITY_GROUPS + " security groups"));
    }
    for (String group : securityGroupIds) {
      if (!group.startsWith("sg-")) {
        problems.add(
            new ValidationProblem(
                SECURITY_GROUP_IDS,
                group,
                "is not a security group ID",
                "use IDs such as sg-0123456789abcdef0"));
      }
    }
  }

  private static void checkUnknownKeys(
      Map<String, String> options, List<ValidationProblem> problems) {
    for (String key : new TreeSet<>(options.keySet())) {
      if (key.startsWith("fargate.") && !KEYS.contains(key)) {
        problems.add(
            new ValidationProblem(
                key,
                options.get(key),
                "is not a Fargate setting",
                "use one of " + new TreeSet<>(KEYS)));
      }
    }
  }

  @Override
  public String toString() {
    return "FargateSettings{region="
        + region
        + ", cluster="
        + cluster
        + ", clusterId="
        + clusterId
        + ", subnets="
        + subnetIds
        + ", securityGroups="
        + securityGroupIds
        + ", spot="
        + spot
        + ", sizing="
        + sizing
        + "}";
  }
}
