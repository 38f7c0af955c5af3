package dev.nodeless.examples.kubelet;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Command line of the reference kubelet; {@code --help} lists every flag. */
@Command(
    name = "nodeless-kubelet",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    sortOptions = false,
    description = {
      "Registers a virtual node with a Kubernetes API server and runs the pods bound to it"
          + " through a Nodeless provider.",
      "Use --demo to try it without a cluster."
    })
public final class Main implements java.util.concurrent.Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  @Option(
      names = "--kubeconfig",
      paramLabel = "FILE",
      description =
          "Kubeconfig of the cluster. Default: in-cluster service account, then $KUBECONFIG, then"
              + " ~/.kube/config.")
  Path kubeconfig;

  @Option(
      names = "--node-name",
      paramLabel = "NAME",
      description = "Name of the Node to register. Default: $NODE_NAME, else nodeless-kubelet.")
  String nodeName;

  @Option(
      names = "--provider",
      paramLabel = "NAME",
      description =
          "Provider to run pods on, such as local. Default: the highest-ranked one found.")
  String provider;

  @Option(
      names = "--provider-setting",
      paramLabel = "KEY=VALUE",
      description = "Provider setting, such as local.stateDir=/var/lib/nodeless. Repeatable.")
  Map<String, String> providerSettings = new LinkedHashMap<>();

  /** The local provider's state directory setting, which demo mode points at a new directory. */
  private static final String DEMO_STATE_DIR_KEY = "local.stateDir";

  @Option(
      names = "--capacity",
      paramLabel = "RESOURCE=QUANTITY",
      description =
          "Node capacity and allocatable of cpu, memory, pods or ephemeral-storage, such as"
              + " cpu=8. Repeatable. Default: cpu=20, memory=100Gi, pods=110,"
              + " ephemeral-storage=100Gi.")
  Map<String, String> capacity = new LinkedHashMap<>();

  @Option(
      names = "--taint",
      paramLabel = "KEY=VALUE:EFFECT",
      description =
          "Taint of the node. Default: virtual-kubelet.io/provider=<provider>:NoSchedule.")
  String taint;

  @Option(names = "--disable-taint", description = "Register the node without a taint.")
  boolean disableTaint;

  @Option(
      names = "--internal-ip",
      paramLabel = "ADDRESS",
      description =
          "InternalIP of the node, where the API server reaches the kubelet API. Default: $POD_IP,"
              + " else this host's address.")
  String internalIp;

  @Option(
      names = "--bind-address",
      paramLabel = "ADDRESS",
      description = "Address the kubelet API listens on. Default: ${DEFAULT-VALUE}.",
      defaultValue = "0.0.0.0")
  String bindAddress;

  @Option(
      names = "--port",
      description = "Port of the kubelet API; 0 picks a free one. Default: ${DEFAULT-VALUE}.",
      defaultValue = "10250")
  int port;

  @Option(
      names = "--tls-cert-file",
      paramLabel = "FILE",
      description = "PEM certificate of the kubelet API. Default: a generated self-signed one.")
  Path tlsCertFile;

  @Option(
      names = "--tls-key-file",
      paramLabel = "FILE",
      description = "PEM key of --tls-cert-file.")
  Path tlsKeyFile;

  @Option(
      names = "--client-ca-file",
      paramLabel = "FILE",
      description = "PEM CA bundle; client certificates it signed are accepted.")
  Path clientCaFile;

  @Option(
      names = "--anonymous-auth",
      description =
          "Serve the kubelet API without credentials. Anyone who reaches the port can then read"
              + " container logs.")
  boolean anonymousAuth;

  @Option(
      names = "--lease-duration",
      paramLabel = "DURATION",
      description = "Duration of the node lease, such as 40s. Default: ${DEFAULT-VALUE}.",
      defaultValue = "40s",
      converter = DurationConverter.class)
  Duration leaseDuration;

  @Option(
      names = "--lease-renew-interval",
      paramLabel = "DURATION",
      description = "Interval between lease renewals. Default: ${DEFAULT-VALUE}.",
      defaultValue = "10s",
      converter = DurationConverter.class)
  Duration leaseRenewInterval;

  @Option(
      names = "--node-status-interval",
      paramLabel = "DURATION",
      description = "Interval between node status writes. Default: ${DEFAULT-VALUE}.",
      defaultValue = "60s",
      converter = DurationConverter.class)
  Duration nodeStatusInterval;

  @Option(
      names = "--leader-elect",
      description = "Run as one of several replicas; only the holder of the election lease works.")
  boolean leaderElect;

  @Option(
      names = "--leader-election-namespace",
      paramLabel = "NAMESPACE",
      description = "Namespace of the election lease. Default: $POD_NAMESPACE, else default.")
  String leaderElectionNamespace;

  @Option(
      names = "--leader-election-id",
      paramLabel = "NAME",
      description = "Name of the election lease. Default: nodeless-kubelet-<node name>.")
  String leaderElectionId;

  @Option(
      names = "--demo",
      description =
          "Start an in-process API server on 127.0.0.1, write a kubeconfig for it and run the"
              + " kubelet against it.")
  boolean demo;

  @Option(
      names = "--demo-port",
      description = "Port of the demo API server; 0 picks a free one. Default: ${DEFAULT-VALUE}.",
      defaultValue = "0")
  int demoPort;

  @Option(
      names = "--demo-kubeconfig",
      paramLabel = "FILE",
      description = "Where demo mode writes its kubeconfig. Default: ${DEFAULT-VALUE}.",
      defaultValue = "nodeless-demo.kubeconfig")
  Path demoKubeconfig;

  @Option(
      names = "--demo-apply",
      paramLabel = "FILE",
      description =
          "Manifest to create in the demo API server at start, such as a pod. Repeatable.")
  List<Path> demoApply = new java.util.ArrayList<>();

  /** Bearer token of the demo user, accepted by the demo API server and the kubelet API. */
  private String demoToken;

  public static void main(String[] args) {
    System.exit(new CommandLine(new Main()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Running running;
    try {
      running = launch();
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      return 2;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  running.close();
                  stopped.countDown();
                },
                "kubelet-shutdown"));
    stopped.await();
    return 0;
  }

  /**
   * Starts what the flags ask for: the demo API server when {@code --demo} is set, then the
   * kubelet, directly or once this replica wins the leader election.
   *
   * @throws IllegalArgumentException when a flag is invalid
   */
  Running launch() throws IOException {
    if (demo && !providerSettings.containsKey(DEMO_STATE_DIR_KEY)) {
      // The demo API server hands out the same UIDs on every start, so pods left by an earlier
      // demo in a shared state directory would be taken for the new ones.
      Path stateDir = Files.createTempDirectory("nodeless-demo-");
      providerSettings.put(DEMO_STATE_DIR_KEY, stateDir.toString());
      System.out.println("Demo pods keep their files in " + stateDir);
    }
    KubeletConfig config = config();
    DemoApiServer demoServer = demo ? startDemo(config) : null;
    if (demoServer != null && clientCaFile == null) {
      // The demo API server reads pod logs from the kubelet with a certificate of this CA.
      clientCaFile =
          demoKubeconfig.resolveSibling(demoKubeconfig.getFileName() + ".kubelet-client-ca.pem");
      Files.writeString(clientCaFile, demoServer.kubeletClientCaPem());
      config = config();
    }
    KubeletConfig finalConfig = config;
    KubernetesClient client =
        demoServer != null
            ? demoServer.newClient()
            : new KubernetesClientBuilder().withConfig(clientConfig()).build();
    Running running = new Running(demoServer, client, demoToken);
    if (!leaderElect) {
      running.started(Kubelet.start(client, finalConfig));
      return running;
    }
    String identity = System.getenv().getOrDefault("HOSTNAME", UUID.randomUUID().toString());
    running.campaign =
        LeaderElection.campaign(
            client,
            leaderElectionNamespace != null
                ? leaderElectionNamespace
                : System.getenv().getOrDefault("POD_NAMESPACE", "default"),
            leaderElectionId != null ? leaderElectionId : "nodeless-kubelet-" + config.nodeName(),
            identity,
            LeaderElection.Timing.DEFAULT,
            () -> running.started(Kubelet.start(client, finalConfig)),
            () -> {
              Kubelet kubelet = running.kubelet.getAndSet(null);
              if (kubelet != null && !running.closing) {
                kubelet.close();
                // Exit so that Kubernetes restarts this replica as a follower.
                System.exit(1);
              }
            });
    return running;
  }

  /** Components that {@link #launch()} started; closing stops them in reverse order. */
  static final class Running implements AutoCloseable {
    final DemoApiServer demoServer;
    final KubernetesClient client;
    final String demoToken;
    final AtomicReference<Kubelet> kubelet = new AtomicReference<>();
    volatile java.util.concurrent.CompletableFuture<?> campaign;
    volatile boolean closing;

    Running(DemoApiServer demoServer, KubernetesClient client, String demoToken) {
      this.demoServer = demoServer;
      this.client = client;
      this.demoToken = demoToken;
    }

    void started(Kubelet started) {
      kubelet.set(started);
      if (demoServer != null) {
        demoServer.trustKubelet(started.servingCertificate());
        System.out.println(
            "Kubelet API: curl -k -H 'Authorization: Bearer "
                + demoToken
                + "' https://127.0.0.1:"
                + started.port()
                + "/pods");
      }
    }

    @Override
    public void close() {
      closing = true;
      if (campaign != null) {
        campaign.cancel(true);
      }
      Kubelet running = kubelet.getAndSet(null);
      if (running != null) {
        running.close();
      }
      client.close();
      if (demoServer != null) {
        demoServer.close();
      }
    }
  }

  private DemoApiServer startDemo(KubeletConfig config) throws IOException {
    String token = UUID.randomUUID().toString();
    DemoApiServer server = DemoApiServer.start(demoPort).addToken(token, "demo-user");
    Files.writeString(demoKubeconfig, server.kubeconfig(token));
    System.out.println("Demo API server: " + server.url());
    System.out.println("Kubeconfig written to " + demoKubeconfig.toAbsolutePath() + ":");
    System.out.println(server.kubeconfig(token));
    demoToken = token;
    try (KubernetesClient client = server.newClient()) {
      server.scheduleOnto(config.nodeName());
      for (Path manifest : demoApply) {
        try (InputStream in = Files.newInputStream(manifest)) {
          for (HasMetadata object : client.load(in).items()) {
            if (object.getMetadata().getNamespace() == null) {
              object.getMetadata().setNamespace("default");
            }
            client.resource(object).create();
            System.out.println(
                "Created " + object.getKind() + " " + object.getMetadata().getName());
          }
        }
      }
    }
    return server;
  }

  private Config clientConfig() throws IOException {
    if (kubeconfig != null) {
      return Config.fromKubeconfig(Files.readString(kubeconfig));
    }
    return Config.autoConfigure(null);
  }

  KubeletConfig config() {
    String name =
        nodeName != null
            ? nodeName
            : System.getenv()
                .getOrDefault("NODE_NAME", demo ? "nodeless-demo" : "nodeless-kubelet");
    KubeletConfig.Builder builder =
        KubeletConfig.builder(name)
            .providerName(provider)
            .taintEnabled(!disableTaint)
            .internalIp(internalIp != null ? internalIp : defaultInternalIp())
            .bindAddress(demo && bindAddress.equals("0.0.0.0") ? "127.0.0.1" : bindAddress)
            .port(port)
            .anonymousAuth(anonymousAuth)
            .lease(leaseDuration, leaseRenewInterval)
            .nodeStatusInterval(nodeStatusInterval);
    providerSettings.forEach(builder::providerSetting);
    capacity.forEach(builder::capacity);
    if (taint != null) {
      Matcher parts = Pattern.compile("([^=:]+)(?:=([^:]*))?:(.+)").matcher(taint);
      if (!parts.matches()) {
        throw new IllegalArgumentException(
            "--taint = \""
                + taint
                + "\": expected KEY=VALUE:EFFECT, such as dedicated=ci:NoSchedule");
      }
      builder.taint(parts.group(1), parts.group(2), parts.group(3));
    }
    if (tlsCertFile != null || tlsKeyFile != null) {
      builder.tls(tlsCertFile, tlsKeyFile);
    }
    if (clientCaFile != null) {
      builder.clientCaFile(clientCaFile);
    }
    return builder.build();
  }

  private String defaultInternalIp() {
    String podIp = System.getenv("POD_IP");
    if (podIp != null && !podIp.isBlank()) {
      return podIp;
    }
    if (demo) {
      return "127.0.0.1";
    }
    try {
      return InetAddress.getLocalHost().getHostAddress();
    } catch (IOException e) {
      LOG.warn("Cannot find this host's address; using 127.0.0.1: {}", e.toString());
      return "127.0.0.1";
    }
  }

  /** Reads durations such as {@code 500ms}, {@code 40s}, {@code 5m} or {@code 1h}. */
  static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

    @Override
    public Duration convert(String value) {
      Matcher matcher = DURATION.matcher(value.trim());
      if (!matcher.matches()) {
        throw new CommandLine.TypeConversionException(
            "'" + value + "' is not a duration; use a number with ms, s, m or h, such as 40s");
      }
      long amount = Long.parseLong(matcher.group(1));
      return switch (matcher.group(2)) {
        case "ms" -> Duration.ofMillis(amount);
        case "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofMinutes(amount);
        default -> Duration.ofHours(amount);
      };
    }
  }

  /** Reports the version from the build. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"nodeless-kubelet " + Kubelet.version()};
    }
  }
}
