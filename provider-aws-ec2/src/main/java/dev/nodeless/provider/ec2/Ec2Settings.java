package dev.nodeless.provider.ec2;

import dev.nodeless.ValidationProblem;
import dev.nodeless.plan.PlanSettings;
import dev.nodeless.provider.ec2.internal.AgentOverhead;
import dev.nodeless.provider.ec2.internal.Burstable;
import dev.nodeless.provider.ec2.internal.Glob;
import dev.nodeless.provider.ec2.internal.InstanceCatalog;
import dev.nodeless.provider.ec2.internal.KarpenterOverhead;
import dev.nodeless.provider.ec2.internal.OverheadModel;
import dev.nodeless.resources.Quantities;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Settings of the EC2 translator: where the VM goes (subnets, security groups, instance profile,
 * image), how its type is chosen (families, burstable types, spot, overhead model) and which prices
 * apply. Immutable and thread-safe; build one with {@link #builder(String)} or read one from {@link
 * PlanSettings} options with {@link #fromPlanSettings(PlanSettings)}.
 *
 * <p>The option keys are the constants of this class, such as {@value #SUBNET_ID}. Lists are
 * comma-separated. {@code docs/provider-ec2.md} describes every key.
 */
public final class Ec2Settings {
  /** Owner tag value that marks every resource launched for this cluster. */
  public static final String CLUSTER_ID = "ec2.clusterId";

  /** One or more subnet IDs; a pod goes to one of them, picked from its UID. */
  public static final String SUBNET_ID = "ec2.subnetId";

  public static final String SECURITY_GROUP_IDS = "ec2.securityGroupIds";

  /** Instance profile: an ARN (contains {@code :}) or a name. */
  public static final String INSTANCE_PROFILE = "ec2.instanceProfileArn";

  /** One image for every architecture: an AMI ID or {@code resolve:ssm:<parameter>}. */
  public static final String IMAGE_ID = "ec2.imageId";

  public static final String IMAGE_ID_AMD64 = "ec2.imageId.amd64";
  public static final String IMAGE_ID_ARM64 = "ec2.imageId.arm64";
  public static final String ROOT_DEVICE_NAME = "ec2.rootDeviceName";
  public static final String ROOT_VOLUME_MIN_GIB = "ec2.rootVolumeMinGiB";
  public static final String PUBLIC_IP = "ec2.associatePublicIp";
  public static final String SPOT = "ec2.spot";

  /** Path of a CSV {@code region,instance_type,price_usd_per_hour} with spot prices. */
  public static final String SPOT_PRICE_TABLE = "ec2.spotPriceTable";

  public static final String BURSTABLE = "ec2.burstable";

  /**
   * Architectures allowed, {@code amd64} and {@code arm64} by default. Set {@code amd64} when some
   * container image has no arm64 variant.
   */
  public static final String ARCHITECTURES = "ec2.architectures";

  /** USD per vCPU-hour of burstable surplus credits. */
  public static final String BURST_CREDIT_PRICE = "ec2.burstCreditPrice";

  /** Families (or globs over family names) allowed; empty allows every family. */
  public static final String FAMILIES = "ec2.families";

  public static final String EXCLUDE_FAMILIES = "ec2.excludeFamilies";

  /** {@code agent} (default) or {@code karpenter}. */
  public static final String OVERHEAD_MODEL = "ec2.overheadModel";

  public static final String AGENT_CPU_RESERVE = "ec2.agentCpuReserve";
  public static final String AGENT_MEMORY_RESERVE = "ec2.agentMemoryReserve";

  /** Path of a CSV price table that replaces the bundled prices for the regions it lists. */
  public static final String PRICE_TABLE = "ec2.priceTable";

  static final String DEFAULT_CLUSTER_ID = "default";
  static final String DEFAULT_ROOT_DEVICE_NAME = "/dev/xvda";
  static final int DEFAULT_ROOT_VOLUME_MIN_GIB = 20;

  /** Public SSM parameters of the latest Amazon Linux 2023 AMI, resolved by EC2 at launch. */
  static final Map<String, String> DEFAULT_IMAGES =
      Map.of(
          "amd64",
              "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
          "arm64",
              "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64");

  private final String region;
  private final Optional<String> clusterId;
  private final List<String> subnetIds;
  private final List<String> securityGroupIds;
  private final Optional<String> instanceProfile;
  private final Optional<String> imageId;
  private final Map<String, String> imagesByArch;
  private final String rootDeviceName;
  private final int rootVolumeMinGiB;
  private final boolean associatePublicIp;
  private final boolean spot;
  private final Map<String, Map<String, BigDecimal>> spotPrices;
  private final boolean burstable;
  private final java.util.Set<String> architectures;
  private final BigDecimal burstCreditPrice;
  private final Glob families;
  private final Glob excludedFamilies;
  private final OverheadModel overheadModel;
  private final Optional<InstanceCatalog> priceTable;

  private Ec2Settings(Builder builder) {
    this.region = builder.region;
    this.clusterId = Optional.ofNullable(builder.clusterId);
    this.subnetIds = List.copyOf(builder.subnetIds);
    this.securityGroupIds = List.copyOf(builder.securityGroupIds);
    this.instanceProfile = Optional.ofNullable(builder.instanceProfile);
    this.imageId = Optional.ofNullable(builder.imageId);
    this.imagesByArch = Map.copyOf(builder.imagesByArch);
    this.rootDeviceName = builder.rootDeviceName;
    this.rootVolumeMinGiB = builder.rootVolumeMinGiB;
    this.associatePublicIp = builder.associatePublicIp;
    this.spot = builder.spot;
    this.spotPrices = Map.copyOf(builder.spotPrices);
    this.burstable = builder.burstable;
    this.architectures = java.util.Set.copyOf(builder.architectures);
    this.burstCreditPrice = builder.burstCreditPrice;
    this.families = builder.families;
    this.excludedFamilies = builder.excludedFamilies;
    this.overheadModel = builder.overheadModel;
    this.priceTable = Optional.ofNullable(builder.priceTable);
  }

  /** Starts settings for a region with every default. */
  public static Builder builder(String region) {
    return new Builder(region);
  }

  /**
   * Reads the {@code ec2.*} options of plan settings, loading any price table they name.
   *
   * @throws IllegalArgumentException listing every invalid option with its value and fix
   */
  public static Ec2Settings fromPlanSettings(PlanSettings settings) {
    Parsed parsed = parse(settings, InstanceCatalog::load, InstanceCatalog::loadSpotPrices);
    if (!parsed.problems().isEmpty()) {
      StringBuilder message = new StringBuilder("invalid ec2 settings:");
      parsed.problems().forEach(problem -> message.append("\n  - ").append(problem.describe()));
      throw new IllegalArgumentException(message.toString());
    }
    return parsed.settings();
  }

  /** Settings read from options, or the problems that stopped the reading. */
  record Parsed(Ec2Settings settings, List<ValidationProblem> problems) {}

  /** Reads options with the given table loaders, which may cache. */
  static Parsed parse(
      PlanSettings plan,
      Function<Path, InstanceCatalog> priceTables,
      Function<Path, Map<String, Map<String, BigDecimal>>> spotTables) {
    Builder builder = builder(plan.region());
    List<ValidationProblem> problems = new ArrayList<>();
    Map<String, String> options = plan.options();

    text(options, CLUSTER_ID).ifPresent(builder::clusterId);
    text(options, SUBNET_ID).ifPresent(value -> builder.subnetIds(list(value)));
    text(options, SECURITY_GROUP_IDS).ifPresent(value -> builder.securityGroupIds(list(value)));
    text(options, INSTANCE_PROFILE).ifPresent(builder::instanceProfile);
    text(options, IMAGE_ID).ifPresent(builder::imageId);
    text(options, IMAGE_ID_AMD64).ifPresent(value -> builder.imageId("amd64", value));
    text(options, IMAGE_ID_ARM64).ifPresent(value -> builder.imageId("arm64", value));
    text(options, ROOT_DEVICE_NAME).ifPresent(builder::rootDeviceName);
    text(options, ROOT_VOLUME_MIN_GIB)
        .ifPresent(
            value -> {
              try {
                builder.rootVolumeMinGiB(Integer.parseInt(value));
              } catch (IllegalArgumentException e) {
                problems.add(
                    option(
                        ROOT_VOLUME_MIN_GIB,
                        value,
                        "must be a whole number of GiB from 1 to 16384",
                        "set it to, for example, 20"));
              }
            });
    flag(options, PUBLIC_IP, problems).ifPresent(builder::associatePublicIp);
    flag(options, SPOT, problems).ifPresent(builder::spot);
    flag(options, BURSTABLE, problems).ifPresent(builder::burstable);
    text(options, ARCHITECTURES)
        .ifPresent(
            value -> {
              try {
                builder.architectures(list(value));
              } catch (IllegalArgumentException e) {
                problems.add(
                    option(
                        ARCHITECTURES,
                        value,
                        "must list amd64, arm64 or both",
                        "set it to amd64, arm64 or amd64,arm64"));
              }
            });
    text(options, BURST_CREDIT_PRICE)
        .ifPresent(
            value -> {
              try {
                builder.burstCreditPrice(new BigDecimal(value));
              } catch (IllegalArgumentException e) {
                problems.add(
                    option(
                        BURST_CREDIT_PRICE,
                        value,
                        "must be a price in USD per vCPU-hour, 0 or more",
                        "set it to, for example, 0.05"));
              }
            });
    text(options, FAMILIES).ifPresent(value -> builder.families(list(value)));
    text(options, EXCLUDE_FAMILIES).ifPresent(value -> builder.excludeFamilies(list(value)));
    overhead(options, problems).ifPresent(builder::overheadModel);
    table(options, PRICE_TABLE, priceTables, problems).ifPresent(builder::priceTable);
    table(options, SPOT_PRICE_TABLE, spotTables, problems).ifPresent(builder::spotPrices);
    return new Parsed(builder.build(), problems);
  }

  private static Optional<OverheadModel> overhead(
      Map<String, String> options, List<ValidationProblem> problems) {
    String name = text(options, OVERHEAD_MODEL).orElse(AgentOverhead.NAME);
    if (KarpenterOverhead.NAME.equals(name)) {
      return Optional.of(new KarpenterOverhead());
    }
    if (!AgentOverhead.NAME.equals(name)) {
      problems.add(
          option(
              OVERHEAD_MODEL, name, "must be agent or karpenter", "set it to agent or karpenter"));
      return Optional.empty();
    }
    long cpu = AgentOverhead.DEFAULT_CPU_RESERVE_MILLIS;
    long memory = AgentOverhead.DEFAULT_MEMORY_RESERVE_MIB;
    Optional<String> cpuText = text(options, AGENT_CPU_RESERVE);
    if (cpuText.isPresent()) {
      Optional<BigDecimal> cores = quantity(cpuText.get());
      if (cores.isEmpty()) {
        problems.add(
            option(
                AGENT_CPU_RESERVE,
                cpuText.get(),
                "must be a CPU quantity of 0 or more",
                "set it to, for example, 100m"));
      } else {
        cpu = cores.get().movePointRight(3).setScale(0, RoundingMode.CEILING).longValueExact();
      }
    }
    Optional<String> memoryText = text(options, AGENT_MEMORY_RESERVE);
    if (memoryText.isPresent()) {
      Optional<BigDecimal> bytes = quantity(memoryText.get());
      if (bytes.isEmpty()) {
        problems.add(
            option(
                AGENT_MEMORY_RESERVE,
                memoryText.get(),
                "must be a memory quantity of 0 or more",
                "set it to, for example, 256Mi"));
      } else {
        memory =
            bytes
                .get()
                .divide(BigDecimal.valueOf(1L << 20), 0, RoundingMode.CEILING)
                .longValueExact();
      }
    }
    return Optional.of(new AgentOverhead(cpu, memory));
  }

  private static Optional<BigDecimal> quantity(String text) {
    try {
      BigDecimal value = Quantities.parse(text);
      return value.signum() < 0 ? Optional.empty() : Optional.of(value);
    } catch (IllegalArgumentException | ArithmeticException e) {
      return Optional.empty();
    }
  }

  private static <T> Optional<T> table(
      Map<String, String> options,
      String key,
      Function<Path, T> loader,
      List<ValidationProblem> problems) {
    Optional<String> path = text(options, key);
    if (path.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(loader.apply(Path.of(path.get())));
    } catch (RuntimeException e) {
      problems.add(
          option(
              key,
              path.get(),
              "cannot be loaded: " + e.getMessage(),
              "point it to a readable CSV file in the documented format"));
      return Optional.empty();
    }
  }

  private static Optional<Boolean> flag(
      Map<String, String> options, String key, List<ValidationProblem> problems) {
    Optional<String> value = text(options, key);
    if (value.isEmpty()) {
      return Optional.empty();
    }
    if ("true".equalsIgnoreCase(value.get()) || "false".equalsIgnoreCase(value.get())) {
      return Optional.of(Boolean.parseBoolean(value.get()));
    }
    problems.add(option(key, value.get(), "must be true or false", "set it to true or false"));
    return Optional.empty();
  }

  private static Optional<String> text(Map<String, String> options, String key) {
    String value = options.get(key);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }

  private static List<String> list(String value) {
    return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  static ValidationProblem option(String key, String value, String rule, String fix) {
    return new ValidationProblem("settings.options[\"" + key + "\"]", value, rule, fix);
  }

  public String region() {
    return region;
  }

  /**
   * Returns the owner tag value if set; otherwise the translator uses {@code default} and notes it.
   */
  public Optional<String> clusterId() {
    return clusterId;
  }

  public List<String> subnetIds() {
    return subnetIds;
  }

  public List<String> securityGroupIds() {
    return securityGroupIds;
  }

  public Optional<String> instanceProfile() {
    return instanceProfile;
  }

  /** Returns the image for every architecture, if set. */
  public Optional<String> imageId() {
    return imageId;
  }

  /**
   * Returns the image for one architecture: {@link #imageId()} if set, then the per-architecture
   * setting, else empty, in which case the translator uses the Amazon Linux 2023 public parameter.
   */
  public Optional<String> imageId(String arch) {
    return imageId.or(() -> Optional.ofNullable(imagesByArch.get(arch)));
  }

  public String rootDeviceName() {
    return rootDeviceName;
  }

  public int rootVolumeMinGiB() {
    return rootVolumeMinGiB;
  }

  public boolean associatePublicIp() {
    return associatePublicIp;
  }

  public boolean spot() {
    return spot;
  }

  /** Spot prices of this settings' region by instance type; empty when no table was given. */
  public Map<String, BigDecimal> spotPrices() {
    return spotPrices.getOrDefault(region, Map.of());
  }

  boolean hasSpotTable() {
    return !spotPrices.isEmpty();
  }

  public boolean burstable() {
    return burstable;
  }

  public BigDecimal burstCreditPrice() {
    return burstCreditPrice;
  }

  /** The allowed architectures, {@code amd64} and {@code arm64} unless restricted. */
  public java.util.Set<String> architectures() {
    return architectures;
  }

  Glob families() {
    return families;
  }

  Glob excludedFamilies() {
    return excludedFamilies;
  }

  OverheadModel overheadModel() {
    return overheadModel;
  }

  /** Returns the name of the overhead model: {@code agent} or {@code karpenter}. */
  public String overheadModelName() {
    return overheadModel.name();
  }

  Optional<InstanceCatalog> priceTable() {
    return priceTable;
  }

  @Override
  public String toString() {
    return "Ec2Settings{region="
        + region
        + ", subnets="
        + subnetIds
        + ", securityGroups="
        + securityGroupIds
        + ", spot="
        + spot
        + ", burstable="
        + burstable
        + ", architectures="
        + new java.util.TreeSet<>(architectures)
        + ", families="
        + families
        + ", excludeFamilies="
        + excludedFamilies
        + ", overhead="
        + overheadModel
        + "}";
  }

  /** Builder of {@link Ec2Settings}; every setter rejects a bad value at once. */
  public static final class Builder {
    private final String region;
    private String clusterId;
    private List<String> subnetIds = List.of();
    private List<String> securityGroupIds = List.of();
    private String instanceProfile;
    private String imageId;
    private final Map<String, String> imagesByArch = new java.util.HashMap<>();
    private String rootDeviceName = DEFAULT_ROOT_DEVICE_NAME;
    private int rootVolumeMinGiB = DEFAULT_ROOT_VOLUME_MIN_GIB;
    private boolean associatePublicIp;
    private boolean spot;
    private Map<String, Map<String, BigDecimal>> spotPrices = Map.of();
    private boolean burstable = true;
    private List<String> architectures = List.of("amd64", "arm64");
    private BigDecimal burstCreditPrice = Burstable.DEFAULT_CREDIT_USD_PER_VCPU_HOUR;
    private Glob families = Glob.of("");
    private Glob excludedFamilies = Glob.of("");
    private OverheadModel overheadModel = AgentOverhead.defaults();
    private InstanceCatalog priceTable;

    private Builder(String region) {
      this.region = requireText(region, "region");
    }

    public Builder clusterId(String clusterId) {
      this.clusterId = requireText(clusterId, "clusterId");
      return this;
    }

    public Builder subnetIds(List<String> subnetIds) {
      this.subnetIds = List.copyOf(subnetIds);
      return this;
    }

    public Builder securityGroupIds(List<String> securityGroupIds) {
      this.securityGroupIds = List.copyOf(securityGroupIds);
      return this;
    }

    /** Sets the instance profile: an ARN (it contains {@code :}) or a name. */
    public Builder instanceProfile(String instanceProfile) {
      this.instanceProfile = requireText(instanceProfile, "instanceProfile");
      return this;
    }

    /** Sets one image for every architecture: an AMI ID or {@code resolve:ssm:<parameter>}. */
    public Builder imageId(String imageId) {
      this.imageId = requireText(imageId, "imageId");
      return this;
    }

    /** Sets the image for one architecture, {@code amd64} or {@code arm64}. */
    public Builder imageId(String arch, String imageId) {
      if (!"amd64".equals(arch) && !"arm64".equals(arch)) {
        throw new IllegalArgumentException("arch must be amd64 or arm64, not \"" + arch + "\"");
      }
      imagesByArch.put(arch, requireText(imageId, "imageId"));
      return this;
    }

    /** Sets the root device of the image, {@code /dev/xvda} for Amazon Linux 2023. */
    public Builder rootDeviceName(String rootDeviceName) {
      this.rootDeviceName = requireText(rootDeviceName, "rootDeviceName");
      return this;
    }

    public Builder rootVolumeMinGiB(int gib) {
      if (gib < 1 || gib > 16384) {
        throw new IllegalArgumentException("rootVolumeMinGiB must be 1 to 16384, not " + gib);
      }
      this.rootVolumeMinGiB = gib;
      return this;
    }

    public Builder associatePublicIp(boolean associatePublicIp) {
      this.associatePublicIp = associatePublicIp;
      return this;
    }

    public Builder spot(boolean spot) {
      this.spot = spot;
      return this;
    }

    /** Loads spot prices now from a CSV {@code region,instance_type,price_usd_per_hour}. */
    public Builder spotPrices(Path csv) {
      return spotPrices(InstanceCatalog.loadSpotPrices(csv));
    }

    Builder spotPrices(Map<String, Map<String, BigDecimal>> prices) {
      this.spotPrices = Map.copyOf(prices);
      return this;
    }

    public Builder burstable(boolean burstable) {
      this.burstable = burstable;
      return this;
    }

    /** Restricts the architectures to {@code amd64}, {@code arm64} or both. */
    public Builder architectures(List<String> architectures) {
      if (architectures.isEmpty() || !List.of("amd64", "arm64").containsAll(architectures)) {
        throw new IllegalArgumentException(
            "architectures must list amd64, arm64 or both, not " + architectures);
      }
      this.architectures = List.copyOf(architectures);
      return this;
    }

    public Builder burstCreditPrice(BigDecimal usdPerVcpuHour) {
      if (usdPerVcpuHour.signum() < 0) {
        throw new IllegalArgumentException(
            "burstCreditPrice must not be negative: " + usdPerVcpuHour);
      }
      this.burstCreditPrice = usdPerVcpuHour;
      return this;
    }

    /** Families or globs over family names, such as {@code m7g, c7*}; empty allows all. */
    public Builder families(List<String> families) {
      this.families = Glob.of(String.join(",", families));
      return this;
    }

    public Builder excludeFamilies(List<String> families) {
      this.excludedFamilies = Glob.of(String.join(",", families));
      return this;
    }

    /** Selects the {@code karpenter} model, or the {@code agent} model with default reserves. */
    public Builder overheadModel(String name) {
      if (KarpenterOverhead.NAME.equals(name)) {
        this.overheadModel = new KarpenterOverhead();
      } else if (AgentOverhead.NAME.equals(name)) {
        this.overheadModel = AgentOverhead.defaults();
      } else {
        throw new IllegalArgumentException(
            "overheadModel must be agent or karpenter, not \"" + name + "\"");
      }
      return this;
    }

    /** Selects the {@code agent} model with these reserves. */
    public Builder agentReserve(long cpuMillis, long memoryMib) {
      this.overheadModel = new AgentOverhead(cpuMillis, memoryMib);
      return this;
    }

    Builder overheadModel(OverheadModel model) {
      this.overheadModel = Objects.requireNonNull(model, "model");
      return this;
    }

    /** Loads a price table now; see {@code docs/provider-ec2.md} for its columns. */
    public Builder priceTable(Path csv) {
      return priceTable(InstanceCatalog.load(csv));
    }

    Builder priceTable(InstanceCatalog table) {
      this.priceTable = Objects.requireNonNull(table, "table");
      return this;
    }

    public Ec2Settings build() {
      return new Ec2Settings(this);
    }

    private static String requireText(String value, String name) {
      if (value == null || value.isBlank()) {
        throw new IllegalArgumentException(name + " must not be empty");
      }
      return value.trim();
    }
  }
}
