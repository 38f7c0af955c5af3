package dev.nodeless.examples.kubelet;

import io.fabric8.kubernetes.api.model.Quantity;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Settings of one {@link Kubelet}. Immutable; build with {@link #builder(String)}. The defaults
 * follow Virtual Kubelet and the kubelet: a 40 s node lease renewed every 10 s, a node status write
 * every 60 s, the kubelet API on port 10250.
 */
public final class KubeletConfig {
  /** Resource names that capacity and allocatable accept. */
  public static final Set<String> RESOURCES = Set.of("cpu", "memory", "pods", "ephemeral-storage");

  static final String DEFAULT_TAINT_KEY = "virtual-kubelet.io/provider";
  private static final Set<String> TAINT_EFFECTS =
      Set.of("NoSchedule", "PreferNoSchedule", "NoExecute");
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  private final String nodeName;
  private final String providerName;
  private final Map<String, String> providerSettings;
  private final Map<String, Quantity> capacity;
  private final boolean taintEnabled;
  private final String taintKey;
  private final String taintValue;
  private final String taintEffect;
  private final String operatingSystem;
  private final String architecture;
  private final String internalIp;
  private final String bindAddress;
  private final int port;
  private final Path tlsCertFile;
  private final Path tlsKeyFile;
  private final Path clientCaFile;
  private final boolean anonymousAuth;
  private final Duration leaseDuration;
  private final Duration leaseRenewInterval;
  private final Duration nodeStatusInterval;
  private final Duration healthCheckInterval;
  private final Duration podResyncPeriod;
  private final Duration reconcileInterval;
  private final Duration retryBaseDelay;
  private final Duration retryMaxDelay;
  private final int podSyncWorkers;

  private KubeletConfig(Builder builder) {
    this.nodeName = builder.nodeName;
    this.providerName = builder.providerName;
    this.providerSettings = Map.copyOf(builder.providerSettings);
    Map<String, Quantity> parsed = new LinkedHashMap<>();
    builder.capacity.forEach((name, value) -> parsed.put(name, new Quantity(value)));
    this.capacity = java.util.Collections.unmodifiableMap(parsed);
    this.taintEnabled = builder.taintEnabled;
    this.taintKey = builder.taintKey;
    this.taintValue = builder.taintValue;
    this.taintEffect = builder.taintEffect;
    this.operatingSystem = builder.operatingSystem;
    this.architecture = builder.architecture;
    this.internalIp = builder.internalIp;
    this.bindAddress = builder.bindAddress;
    this.port = builder.port;
    this.tlsCertFile = builder.tlsCertFile;
    this.tlsKeyFile = builder.tlsKeyFile;
    this.clientCaFile = builder.clientCaFile;
    this.anonymousAuth = builder.anonymousAuth;
    this.leaseDuration = builder.leaseDuration;
    this.leaseRenewInterval = builder.leaseRenewInterval;
    this.nodeStatusInterval = builder.nodeStatusInterval;
    this.healthCheckInterval = builder.healthCheckInterval;
    this.podResyncPeriod = builder.podResyncPeriod;
    this.reconcileInterval = builder.reconcileInterval;
    this.retryBaseDelay = builder.retryBaseDelay;
    this.retryMaxDelay = builder.retryMaxDelay;
    this.podSyncWorkers = builder.podSyncWorkers;
  }

  /** Starts a configuration for the node with this name; every other setting has a default. */
  public static Builder builder(String nodeName) {
    return new Builder(nodeName);
  }

  /** Name of the Node object, also the lease name and holder. */
  public String nodeName() {
    return nodeName;
  }

  /** Provider to run pods on, or empty to take the one {@code ServiceLoader} ranks first. */
  public Optional<String> providerName() {
    return Optional.ofNullable(providerName);
  }

  /** Provider settings, such as {@code local.stateDir}, passed to the launcher as they are. */
  public Map<String, String> providerSettings() {
    return providerSettings;
  }

  /** Capacity and allocatable of the node per resource name. */
  public Map<String, Quantity> capacity() {
    return capacity;
  }

  public boolean taintEnabled() {
    return taintEnabled;
  }

  public String taintKey() {
    return taintKey;
  }

  /** Value of the taint, or empty to use the provider's name. */
  public Optional<String> taintValue() {
    return Optional.ofNullable(taintValue);
  }

  public String taintEffect() {
    return taintEffect;
  }

  /** Value of the {@code kubernetes.io/os} label, such as {@code linux}. */
  public String operatingSystem() {
    return operatingSystem;
  }

  /** Value of the {@code kubernetes.io/arch} label, such as {@code amd64}. */
  public String architecture() {
    return architecture;
  }

  /** The node's {@code InternalIP} address, where the API server reaches the kubelet API. */
  public String internalIp() {
    return internalIp;
  }

  /** Address the kubelet API listens on. */
  public String bindAddress() {
    return bindAddress;
  }

  /** Port of the kubelet API; 0 picks a free port. */
  public int port() {
    return port;
  }

  /** PEM certificate of the kubelet API, or empty for a generated self-signed one. */
  public Optional<Path> tlsCertFile() {
    return Optional.ofNullable(tlsCertFile);
  }

  public Optional<Path> tlsKeyFile() {
    return Optional.ofNullable(tlsKeyFile);
  }

  /** PEM bundle of the CAs whose client certificates the kubelet API accepts. */
  public Optional<Path> clientCaFile() {
    return Optional.ofNullable(clientCaFile);
  }

  /** Whether the kubelet API serves requests that carry no credentials. */
  public boolean anonymousAuth() {
    return anonymousAuth;
  }

  public Duration leaseDuration() {
    return leaseDuration;
  }

  public Duration leaseRenewInterval() {
    return leaseRenewInterval;
  }

  /** Interval between node status writes, which also refresh the condition heartbeats. */
  public Duration nodeStatusInterval() {
    return nodeStatusInterval;
  }

  /** Interval between provider health checks. */
  public Duration healthCheckInterval() {
    return healthCheckInterval;
  }

  /** Interval at which the pod informer replays every cached pod. */
  public Duration podResyncPeriod() {
    return podResyncPeriod;
  }

  /** Interval between checks for pods that the provider lost. */
  public Duration reconcileInterval() {
    return reconcileInterval;
  }

  /** First delay before a failed launch is retried; it doubles up to {@link #retryMaxDelay()}. */
  public Duration retryBaseDelay() {
    return retryBaseDelay;
  }

  public Duration retryMaxDelay() {
    return retryMaxDelay;
  }

  /** Number of threads that sync pods with the provider. */
  public int podSyncWorkers() {
    return podSyncWorkers;
  }

  /** Builder of {@link KubeletConfig}; {@link #build()} reports every invalid setting at once. */
  public static final class Builder {
    private final String nodeName;
    private String providerName;
    private final Map<String, String> providerSettings = new LinkedHashMap<>();
    private final Map<String, String> capacity = new LinkedHashMap<>();
    private boolean taintEnabled = true;
    private String taintKey = DEFAULT_TAINT_KEY;
    private String taintValue;
    private String taintEffect = "NoSchedule";
    private String operatingSystem = hostOperatingSystem();
    private String architecture = hostArchitecture();
    private String internalIp = "127.0.0.1";
    private String bindAddress = "0.0.0.0";
    private int port = 10250;
    private Path tlsCertFile;
    private Path tlsKeyFile;
    private Path clientCaFile;
    private boolean anonymousAuth;
    private Duration leaseDuration = Duration.ofSeconds(40);
    private Duration leaseRenewInterval = Duration.ofSeconds(10);
    private Duration nodeStatusInterval = Duration.ofSeconds(60);
    private Duration healthCheckInterval = Duration.ofSeconds(10);
    private Duration podResyncPeriod = Duration.ofSeconds(60);
    private Duration reconcileInterval = Duration.ofSeconds(30);
    private Duration retryBaseDelay = Duration.ofSeconds(1);
    private Duration retryMaxDelay = Duration.ofMinutes(5);
    private int podSyncWorkers = 4;

    private Builder(String nodeName) {
      this.nodeName = nodeName;
      capacity.put("cpu", "20");
      capacity.put("memory", "100Gi");
      capacity.put("pods", "110");
      capacity.put("ephemeral-storage", "100Gi");
    }

    public Builder providerName(String providerName) {
      this.providerName = providerName;
      return this;
    }

    public Builder providerSetting(String key, String value) {
      providerSettings.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value));
      return this;
    }

    /** Sets the capacity, and so the allocatable amount, of one resource, such as {@code cpu}. */
    public Builder capacity(String resource, String quantity) {
      capacity.put(Objects.requireNonNull(resource, "resource"), quantity);
      return this;
    }

    public Builder taintEnabled(boolean taintEnabled) {
      this.taintEnabled = taintEnabled;
      return this;
    }

    /** Sets the taint; a {@code null} value means the provider's name. */
    public Builder taint(String key, String value, String effect) {
      this.taintKey = key;
      this.taintValue = value;
      this.taintEffect = effect;
      return this;
    }

    public Builder operatingSystem(String operatingSystem) {
      this.operatingSystem = operatingSystem;
      return this;
    }

    public Builder architecture(String architecture) {
      this.architecture = architecture;
      return this;
    }

    public Builder internalIp(String internalIp) {
      this.internalIp = internalIp;
      return this;
    }

    public Builder bindAddress(String bindAddress) {
      this.bindAddress = bindAddress;
      return this;
    }

    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** Serves the kubelet API with this PEM certificate and key instead of a self-signed pair. */
    public Builder tls(Path certFile, Path keyFile) {
      this.tlsCertFile = certFile;
      this.tlsKeyFile = keyFile;
      return this;
    }

    public Builder clientCaFile(Path clientCaFile) {
      this.clientCaFile = clientCaFile;
      return this;
    }

    public Builder anonymousAuth(boolean anonymousAuth) {
      this.anonymousAuth = anonymousAuth;
      return this;
    }

    public Builder lease(Duration duration, Duration renewInterval) {
      this.leaseDuration = duration;
      this.leaseRenewInterval = renewInterval;
      return this;
    }

    public Builder nodeStatusInterval(Duration nodeStatusInterval) {
      this.nodeStatusInterval = nodeStatusInterval;
      return this;
    }

    public Builder healthCheckInterval(Duration healthCheckInterval) {
      this.healthCheckInterval = healthCheckInterval;
      return this;
    }

    public Builder podResyncPeriod(Duration podResyncPeriod) {
      this.podResyncPeriod = podResyncPeriod;
      return this;
    }

    public Builder reconcileInterval(Duration reconcileInterval) {
      this.reconcileInterval = reconcileInterval;
      return this;
    }

    public Builder retryDelays(Duration base, Duration max) {
      this.retryBaseDelay = base;
      this.retryMaxDelay = max;
      return this;
    }

    public Builder podSyncWorkers(int podSyncWorkers) {
      this.podSyncWorkers = podSyncWorkers;
      return this;
    }

    /**
     * Checks every setting and builds the configuration.
     *
     * @throws IllegalArgumentException listing every invalid setting with its value and the fix
     */
    public KubeletConfig build() {
      List<String> problems = new ArrayList<>();
      if (nodeName == null
          || nodeName.length() > 253
          || !DNS_SUBDOMAIN.matcher(nodeName).matches()) {
        problems.add(
            "nodeName = \""
                + nodeName
                + "\": must be a DNS subdomain (lower-case letters, digits, '-' and '.', at most"
                + " 253 characters). Fix: pass a name such as nodeless-local");
      }
      capacity.forEach((name, value) -> checkQuantity(problems, name, value));
      if (taintEnabled) {
        if (taintKey == null || taintKey.isBlank()) {
          problems.add("taint key is empty. Fix: set a key such as " + DEFAULT_TAINT_KEY);
        }
        if (!TAINT_EFFECTS.contains(taintEffect)) {
          problems.add(
              "taint effect = \""
                  + taintEffect
                  + "\": must be one of "
                  + TAINT_EFFECTS
                  + ". Fix: use NoSchedule");
        }
      }
      if (port < 0 || port > 65535) {
        problems.add("port = " + port + ": must be 0..65535. Fix: use 10250, or 0 for any port");
      }
      if ((tlsCertFile == null) != (tlsKeyFile == null)) {
        problems.add(
            "TLS certificate and key: only one is set. Fix: set both files, or neither for a"
                + " self-signed certificate");
      }
      checkPositive(problems, "leaseDuration", leaseDuration);
      checkPositive(problems, "leaseRenewInterval", leaseRenewInterval);
      if (leaseDuration != null
          && leaseRenewInterval != null
          && leaseRenewInterval.compareTo(leaseDuration) >= 0) {
        problems.add(
            "leaseRenewInterval = "
                + leaseRenewInterval.toMillis()
                + " ms: must be shorter than leaseDuration = "
                + leaseDuration.toMillis()
                + " ms. Fix: renew at a quarter of the duration");
      }
      checkPositive(problems, "nodeStatusInterval", nodeStatusInterval);
      checkPositive(problems, "healthCheckInterval", healthCheckInterval);
      checkPositive(problems, "podResyncPeriod", podResyncPeriod);
      checkPositive(problems, "reconcileInterval", reconcileInterval);
      checkPositive(problems, "retryBaseDelay", retryBaseDelay);
      checkPositive(problems, "retryMaxDelay", retryMaxDelay);
      if (podSyncWorkers < 1) {
        problems.add("podSyncWorkers = " + podSyncWorkers + ": must be >= 1. Fix: use 4");
      }
      if (internalIp == null || internalIp.isBlank()) {
        problems.add("internalIp is empty. Fix: pass the address the API server reaches us on");
      }
      if (!problems.isEmpty()) {
        throw new IllegalArgumentException(
            "invalid kubelet configuration:\n  - " + String.join("\n  - ", problems));
      }
      return new KubeletConfig(this);
    }

    private static void checkQuantity(List<String> problems, String name, String value) {
      if (!RESOURCES.contains(name)) {
        problems.add(
            "capacity \""
                + name
                + "\": unknown resource. Fix: use one of "
                + RESOURCES.stream().sorted().toList());
        return;
      }
      try {
        if (value == null || Quantity.getAmountInBytes(new Quantity(value)).signum() < 0) {
          throw new IllegalArgumentException("negative");
        }
      } catch (RuntimeException e) {
        problems.add(
            "capacity "
                + name
                + " = \""
                + value
                + "\": not a non-negative Kubernetes quantity. Fix: use a value such as 4, 500m"
                + " or 16Gi");
      }
    }

    private static void checkPositive(List<String> problems, String name, Duration value) {
      if (value == null || value.isNegative() || value.isZero()) {
        problems.add(name + " = " + value + ": must be positive. Fix: use a duration such as 10s");
      }
    }
  }

  static String hostOperatingSystem() {
    String name = System.getProperty("os.name", "linux").toLowerCase(Locale.ROOT);
    if (name.contains("mac") || name.contains("darwin")) {
      return "darwin";
    }
    if (name.contains("windows")) {
      return "windows";
    }
    return "linux";
  }

  static String hostArchitecture() {
    String arch = System.getProperty("os.arch", "amd64").toLowerCase(Locale.ROOT);
    return switch (arch) {
      case "x86_64", "amd64" -> "amd64";
      case "aarch64", "arm64" -> "arm64";
      default -> arch;
    };
  }
}
