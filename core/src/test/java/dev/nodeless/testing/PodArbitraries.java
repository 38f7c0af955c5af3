package dev.nodeless.testing;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvFromSourceBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.KeyToPathBuilder;
import io.fabric8.kubernetes.api.model.Lifecycle;
import io.fabric8.kubernetes.api.model.LifecycleBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * jqwik generators of realistic pods that the Kubernetes API server accepts, for property tests in
 * every module.
 *
 * <p>{@link #validPods()} generates self-contained pods: no ConfigMap or Secret references, only
 * emptyDir volumes, and no downward API field that a provider may not know before launch ({@code
 * spec.nodeName}, {@code status.*}), so they launch with {@code ReferenceResolver.none()}. {@link
 * #validPodBundles()} adds ConfigMap and Secret references in env, envFrom and volumes, and bundles
 * the objects they need. Generated pods cover names at their length limits, labels and annotations,
 * 1-4 app containers, 0-3 init containers including native sidecars, command and args, env values
 * with quotes, {@code $}, {@code $(VAR)}, unicode and empty strings, every quantity notation,
 * requests only, limits only or both, {@code nvidia.com/gpu}, node selectors, TCP and UDP ports,
 * probes, lifecycle hooks and restart policies. Pods carry no {@code metadata.uid}; the launcher
 * assigns one.
 *
 * <p>Ports are unique across the pod: container {@code i} takes its ports from its own slice of
 * 1-65535, so a provider that maps every port into one host or network namespace gets no conflict.
 */
public final class PodArbitraries {

  private static final String LOWER_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789";
  private static final String ALNUM =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  private static final String ENV_FIRST = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_";
  private static final String ENV_REST = ENV_FIRST + "0123456789";
  private static final int MAX_CONTAINERS = 7;
  private static final int PORT_SLICE = 65535 / MAX_CONTAINERS;
  private static final long MI = 1L << 20;
  private static final long GI = 1L << 30;

  private static final List<String> IMAGES =
      List.of(
          "busybox:1.36",
          "nginx:1.27",
          "docker.io/library/alpine:3.20",
          "public.ecr.aws/docker/library/python:3.12-slim",
          "mcr.microsoft.com/azurelinux/base/core:3.0",
          "registry.example.com:5000/team/app@sha256:"
              + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
          "ghcr.io/example/worker:v2.3.1");

  /** Env values that break naive quoting or expansion. */
  private static final List<String> TRICKY_VALUES =
      List.of(
          "",
          "plain",
          "with space",
          "\"double quoted\"",
          "'single quoted'",
          "$HOME",
          "${HOME}",
          "$(HOSTNAME)",
          "$$(ESCAPED)",
          "$(UNDEFINED_VARIABLE)",
          "cost: 100$",
          "a=b=c",
          "line1\nline2",
          "tab\tseparated",
          "back\\slash",
          "`backtick`",
          "; echo injected",
          "ünïcødé",
          "日本語",
          "🚀 rocket",
          "%s %d {}");

  private static final List<String> CONFIG_NAMES =
      List.of("app-config", "settings", "feature-flags", "db.example.com");
  private static final List<String> SECRET_NAMES =
      List.of("db-credentials", "api-token", "tls.example.com");

  private PodArbitraries() {}

  // ---- names --------------------------------------------------------------------------------

  /** DNS-1123 labels, 1-63 characters, including both limits. */
  public static Arbitrary<String> dnsLabels() {
    return Arbitraries.frequencyOf(
        Tuple.of(6, dnsLabelsBetween(2, 20)),
        Tuple.of(2, dnsLabelsBetween(21, 63)),
        Tuple.of(1, dnsLabelsBetween(1, 1)),
        Tuple.of(1, dnsLabelsBetween(63, 63)));
  }

  /** DNS-1123 subdomains, 1-253 characters, including both limits. */
  public static Arbitrary<String> dnsSubdomains() {
    Arbitrary<String> maxLength =
        Combinators.combine(
                dnsLabelsBetween(63, 63),
                dnsLabelsBetween(63, 63),
                dnsLabelsBetween(63, 63),
                dnsLabelsBetween(61, 61))
            .as((a, b, c, d) -> a + "." + b + "." + c + "." + d);
    Arbitrary<String> dotted =
        dnsLabelsBetween(1, 63).list().ofMinSize(2).ofMaxSize(3).map(l -> String.join(".", l));
    return Arbitraries.frequencyOf(
        Tuple.of(6, dnsLabels()), Tuple.of(2, dotted), Tuple.of(1, maxLength));
  }

  /** Label and annotation keys: an optional DNS subdomain prefix and a name of 1-63 characters. */
  public static Arbitrary<String> qualifiedNames() {
    Arbitrary<String> prefix =
        Arbitraries.frequencyOf(
            Tuple.of(4, Arbitraries.just("")),
            Tuple.of(2, Arbitraries.of("app.kubernetes.io/", "example.com/", "nodeless.dev/")),
            Tuple.of(1, dnsSubdomains().map(domain -> domain + "/")));
    return Combinators.combine(prefix, qualifiedNameParts()).as((p, name) -> p + name);
  }

  /** Label values: empty or 1-63 characters of letters, digits, {@code -_.}, alphanumeric ends. */
  public static Arbitrary<String> labelValues() {
    return Arbitraries.frequencyOf(
        Tuple.of(1, Arbitraries.just("")), Tuple.of(6, qualifiedNameParts()));
  }

  public static Arbitrary<Map<String, String>> labels() {
    return Arbitraries.maps(qualifiedNames(), labelValues()).ofMaxSize(4);
  }

  /** Annotations with free-form values such as JSON, multi-line text and unicode. */
  public static Arbitrary<Map<String, String>> annotations() {
    Arbitrary<String> values =
        Arbitraries.oneOf(
            envValues(),
            Arbitraries.just("{\"key\": [1, 2], \"nested\": {\"a\": \"b\"}}"),
            Arbitraries.strings().ofMaxLength(300));
    return Arbitraries.maps(qualifiedNames(), values).ofMaxSize(3);
  }

  /** Environment variable names in the portable form {@code [A-Za-z_][A-Za-z0-9_]*}. */
  public static Arbitrary<String> envNames() {
    return Combinators.combine(
            Arbitraries.strings().withChars(ENV_FIRST).ofLength(1),
            Arbitraries.strings().withChars(ENV_REST).ofMaxLength(30))
        .as(String::concat);
  }

  /** Environment values: the tricky samples above, printable ASCII and unicode text. */
  public static Arbitrary<String> envValues() {
    return Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.of(TRICKY_VALUES)),
        Tuple.of(2, Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(40)),
        Tuple.of(
            1,
            Arbitraries.strings()
                .withCharRange('à', 'ÿ')
                .withCharRange('α', 'ω')
                .withCharRange('一', '丿')
                .ofMaxLength(20)));
  }

  /** Port names in IANA service name form: 1-15 characters, at least one letter. */
  public static Arbitrary<String> portNames() {
    Arbitrary<String> random =
        Combinators.combine(
                Arbitraries.strings().withCharRange('a', 'z').ofLength(1),
                Arbitraries.strings().withChars(LOWER_ALNUM).ofMaxLength(14))
            .as(String::concat);
    return Arbitraries.oneOf(
        Arbitraries.of(
            "http", "https", "metrics", "grpc-web", "dns-udp", "p8080", "admin-http-api"),
        random);
  }

  public static Arbitrary<String> images() {
    return Arbitraries.of(IMAGES);
  }

  // ---- quantities ---------------------------------------------------------------------------

  /**
   * CPU amounts between 1m and 4 cores in every notation: {@code 250m}, {@code 0.25}, {@code 2},
   * {@code 2.5}, {@code 25e-2}, {@code 250E-3}.
   */
  public static Arbitrary<QuantityCase> cpuQuantities() {
    Arbitrary<Integer> millis = Arbitraries.integers().between(1, 4000);
    return Arbitraries.oneOf(
        millis.map(m -> new QuantityCase(m + "m", BigDecimal.valueOf(m, 3))),
        millis.map(
            m ->
                new QuantityCase(
                    BigDecimal.valueOf(m, 3).toPlainString(), BigDecimal.valueOf(m, 3))),
        Arbitraries.integers()
            .between(1, 4)
            .map(c -> new QuantityCase(String.valueOf(c), BigDecimal.valueOf(c))),
        Arbitraries.integers()
            .between(1, 400)
            .map(n -> new QuantityCase(n + "e-2", BigDecimal.valueOf(n, 2))),
        Arbitraries.integers()
            .between(1, 4000)
            .map(n -> new QuantityCase(n + "E-3", BigDecimal.valueOf(n, 3))));
  }

  /**
   * Memory or storage amounts between 1Mi and 8Gi in every notation: {@code Ki}, {@code Mi}, {@code
   * Gi}, {@code 1.5Gi}, {@code k}, {@code M}, {@code G}, {@code 1e9}, plain bytes.
   */
  public static Arbitrary<QuantityCase> memoryQuantities() {
    return Arbitraries.oneOf(
        binary("Ki", 1024, 8L * 1024 * 1024, 1024),
        binary("Mi", 1, 8192, MI),
        binary("Gi", 1, 8, GI),
        Arbitraries.integers()
            .between(0, 7)
            .map(
                n ->
                    new QuantityCase(
                        n + ".5Gi", BigDecimal.valueOf(2L * n + 1).multiply(big(GI / 2)))),
        Arbitraries.integers()
            .between(1, 4095)
            .map(
                n ->
                    new QuantityCase(
                        n + ".25Mi", BigDecimal.valueOf(4L * n + 1).multiply(big(MI / 4)))),
        binary("k", 1049, 8_000_000, 1000),
        binary("M", 2, 8000, 1_000_000),
        binary("G", 1, 8, 1_000_000_000),
        binary("e6", 2, 8000, 1_000_000),
        binary("e9", 1, 8, 1_000_000_000),
        binary("E6", 2, 8000, 1_000_000),
        binary("", 1, 8192, MI).map(c -> new QuantityCase(c.value().toPlainString(), c.value())));
  }

  /** CPU or memory amounts. */
  public static Arbitrary<QuantityCase> quantities() {
    return Arbitraries.oneOf(cpuQuantities(), memoryQuantities());
  }

  /**
   * Container resources: for CPU and memory each, none, requests only, limits only or both with
   * request &lt;= limit; sometimes {@code ephemeral-storage}, and sometimes {@code nvidia.com/gpu}
   * as an integer limit with an equal request or none.
   */
  public static Arbitrary<ResourceRequirements> resources() {
    Arbitrary<Integer> gpus =
        Arbitraries.frequencyOf(
            Tuple.of(9, Arbitraries.just(0)), Tuple.of(1, Arbitraries.integers().between(1, 4)));
    return Combinators.combine(
            resourcePair(cpuQuantities()),
            resourcePair(memoryQuantities()),
            Arbitraries.frequencyOf(
                Tuple.of(5, Arbitraries.just(new QuantityCase[2])),
                Tuple.of(1, resourcePair(memoryQuantities()))),
            gpus,
            Arbitraries.of(true, false))
        .as(
            (cpu, memory, storage, gpu, gpuRequest) -> {
              Map<String, Quantity> requests = new LinkedHashMap<>();
              Map<String, Quantity> limits = new LinkedHashMap<>();
              put(requests, limits, "cpu", cpu);
              put(requests, limits, "memory", memory);
              put(requests, limits, "ephemeral-storage", storage);
              if (gpu > 0) {
                limits.put("nvidia.com/gpu", new Quantity(String.valueOf(gpu)));
                if (gpuRequest) {
                  requests.put("nvidia.com/gpu", new Quantity(String.valueOf(gpu)));
                }
              }
              ResourceRequirements result = new ResourceRequirements();
              result.setRequests(requests.isEmpty() ? null : requests);
              result.setLimits(limits.isEmpty() ? null : limits);
              return result;
            });
  }

  /** Node selectors on {@code kubernetes.io/arch} (amd64 or arm64) and {@code kubernetes.io/os}. */
  public static Arbitrary<Map<String, String>> nodeSelectors() {
    return Combinators.combine(
            Arbitraries.of("amd64", "arm64").injectNull(0.3),
            Arbitraries.just("linux").injectNull(0.5))
        .as(
            (arch, os) -> {
              Map<String, String> selector = new TreeMap<>();
              if (arch != null) {
                selector.put("kubernetes.io/arch", arch);
              }
              if (os != null) {
                selector.put("kubernetes.io/os", os);
              }
              return selector;
            });
  }

  // ---- containers ---------------------------------------------------------------------------

  /**
   * Self-contained app containers: no ConfigMap or Secret references and no volume mounts. Each has
   * a generated name, so make names unique before putting several into one pod.
   */
  public static Arbitrary<Container> containers() {
    return Combinators.combine(dnsLabels(), containerTemplates(Kind.APP, false))
        .as((name, template) -> template.apply(new Binding(name, 0, List.of())).value());
  }

  /** Init containers, about a third of them native sidecars ({@code restartPolicy: Always}). */
  public static Arbitrary<Container> initContainers() {
    return Combinators.combine(dnsLabels(), initTemplates(false))
        .as((name, template) -> template.apply(new Binding(name, 0, List.of())).value());
  }

  // ---- pods ---------------------------------------------------------------------------------

  /** Self-contained valid pods; see the class description. */
  public static Arbitrary<Pod> validPods() {
    return pods(false).map(PodBundle::pod);
  }

  /** Valid pods with ConfigMap and Secret references and the objects that satisfy them. */
  public static Arbitrary<PodBundle> validPodBundles() {
    return pods(true);
  }

  /**
   * Valid pod bundles in which a Secret contains {@code canary} and the pod uses it three ways: as
   * env {@code NODELESS_CANARY} of the first app container (secretKeyRef), through {@code envFrom}
   * with prefix {@code CANARY_} on the last app container, and as file {@code token} of a secret
   * volume mounted at {@code /var/run/canary} in the first app container. The canary never reaches
   * a command line.
   */
  public static Arbitrary<PodBundle> withSecretEnv(String canary) {
    return validPodBundles().map(bundle -> addCanary(bundle, canary));
  }

  /**
   * Generates containers and volumes as templates that receive their name, port range and the pod's
   * volumes only at assembly. A {@code flatMap} per pod would make jqwik build new generators for
   * every sample, which is many times slower.
   */
  private static Arbitrary<PodBundle> pods(boolean references) {
    Arbitrary<List<Function<Binding, Piece<Container>>>> apps =
        containerTemplates(Kind.APP, references).list().ofMinSize(1).ofMaxSize(4);
    Arbitrary<List<Function<Binding, Piece<Container>>>> inits =
        initTemplates(references).list().ofMaxSize(3);
    Arbitrary<List<String>> names = dnsLabels().list().ofSize(MAX_CONTAINERS).uniqueElements();
    return Combinators.combine(
            Combinators.combine(apps, inits, names).as(Tuple::of),
            volumes(references),
            metadata(),
            podSettings(),
            Arbitraries.of(true, false))
        .as(
            (containers, volumes, meta, settings, stringData) -> {
              List<Volume> specs = volumes.stream().map(Piece::value).toList();
              List<String> containerNames = containers.get3();
              List<Piece<Container>> initPieces = new ArrayList<>();
              int index = 0;
              for (Function<Binding, Piece<Container>> template : containers.get2()) {
                initPieces.add(
                    template.apply(new Binding(containerNames.get(index), index, specs)));
                index++;
              }
              List<Piece<Container>> appPieces = new ArrayList<>();
              for (Function<Binding, Piece<Container>> template : containers.get1()) {
                appPieces.add(template.apply(new Binding(containerNames.get(index), index, specs)));
                index++;
              }
              return assemble(meta, settings, volumes, initPieces, appPieces, stringData);
            });
  }

  private static PodBundle assemble(
      ObjectMeta meta,
      PodSpec settings,
      List<Piece<Volume>> volumes,
      List<Piece<Container>> inits,
      List<Piece<Container>> apps,
      boolean stringData) {
    Refs refs = Refs.NONE;
    for (Piece<?> piece : volumes) {
      refs = refs.merge(piece.refs());
    }
    for (Piece<?> piece : inits) {
      refs = refs.merge(piece.refs());
    }
    for (Piece<?> piece : apps) {
      refs = refs.merge(piece.refs());
    }
    PodSpec spec = new PodSpec();
    spec.setRestartPolicy(settings.getRestartPolicy());
    spec.setTerminationGracePeriodSeconds(settings.getTerminationGracePeriodSeconds());
    spec.setActiveDeadlineSeconds(settings.getActiveDeadlineSeconds());
    spec.setNodeSelector(settings.getNodeSelector());
    spec.setDnsPolicy(settings.getDnsPolicy());
    spec.setServiceAccountName(settings.getServiceAccountName());
    spec.setVolumes(volumes.isEmpty() ? null : volumes.stream().map(Piece::value).toList());
    spec.setInitContainers(inits.isEmpty() ? null : inits.stream().map(Piece::value).toList());
    spec.setContainers(apps.stream().map(Piece::value).toList());
    Pod pod = new PodBuilder().withMetadata(meta).withSpec(spec).build();
    String namespace = meta.getNamespace();
    return new PodBundle(
        pod,
        configMaps(refs.configMaps(), namespace),
        secrets(refs.secrets(), namespace, stringData));
  }

  private static List<ConfigMap> configMaps(
      Map<String, Map<String, String>> data, String namespace) {
    return data.entrySet().stream()
        .map(
            entry ->
                new ConfigMapBuilder()
                    .withNewMetadata()
                    .withName(entry.getKey())
                    .withNamespace(namespace)
                    .endMetadata()
                    .withData(new TreeMap<>(entry.getValue()))
                    .build())
        .toList();
  }

  private static List<Secret> secrets(
      Map<String, Map<String, String>> data, String namespace, boolean stringData) {
    List<Secret> result = new ArrayList<>();
    for (Map.Entry<String, Map<String, String>> entry : data.entrySet()) {
      SecretBuilder secret =
          new SecretBuilder()
              .withNewMetadata()
              .withName(entry.getKey())
              .withNamespace(namespace)
              .endMetadata()
              .withType("Opaque");
      if (stringData) {
        secret.withStringData(new TreeMap<>(entry.getValue()));
      } else {
        secret.withData(
            entry.getValue().entrySet().stream()
                .collect(
                    Collectors.toMap(
                        Map.Entry::getKey, e -> base64(e.getValue()), (a, b) -> a, TreeMap::new)));
      }
      result.add(secret.build());
    }
    return result;
  }

  private static Arbitrary<ObjectMeta> metadata() {
    return Combinators.combine(
            dnsSubdomains(),
            Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.just((String) null)),
                Tuple.of(2, Arbitraries.just("default")),
                Tuple.of(3, dnsLabels())),
            labels(),
            annotations())
        .as(
            (name, namespace, labels, annotations) ->
                new ObjectMetaBuilder()
                    .withName(name)
                    .withNamespace(namespace)
                    .withLabels(labels.isEmpty() ? null : labels)
                    .withAnnotations(annotations.isEmpty() ? null : annotations)
                    .build());
  }

  /** Pod-level fields, returned in a PodSpec used only as a carrier. */
  private static Arbitrary<PodSpec> podSettings() {
    return Combinators.combine(
            Arbitraries.of("Always", "OnFailure", "Never").injectNull(0.3),
            Arbitraries.longs().between(0, 60).injectNull(0.5),
            Arbitraries.longs().between(1, 3600).injectNull(0.7),
            nodeSelectors(),
            Arbitraries.of("ClusterFirst", "Default").injectNull(0.6),
            Arbitraries.of("default", "builder").injectNull(0.6))
        .as(
            (restart, grace, deadline, selector, dns, account) -> {
              PodSpec spec = new PodSpec();
              spec.setRestartPolicy(restart);
              spec.setTerminationGracePeriodSeconds(grace);
              spec.setActiveDeadlineSeconds(deadline);
              spec.setNodeSelector(selector.isEmpty() ? null : selector);
              spec.setDnsPolicy(dns);
              spec.setServiceAccountName(account);
              return spec;
            });
  }

  // ---- volumes ------------------------------------------------------------------------------

  private static Arbitrary<List<Piece<Volume>>> volumes(boolean references) {
    Arbitrary<Function<String, Piece<Volume>>> kinds =
        references ? Arbitraries.oneOf(emptyDir(), configMapVolume(), secretVolume()) : emptyDir();
    return Combinators.combine(
            dnsLabels().list().ofSize(3).uniqueElements(), kinds.list().ofMaxSize(3))
        .as(
            (names, templates) -> {
              List<Piece<Volume>> volumes = new ArrayList<>();
              for (int i = 0; i < templates.size(); i++) {
                volumes.add(templates.get(i).apply(names.get(i)));
              }
              return volumes;
            });
  }

  private static Arbitrary<Function<String, Piece<Volume>>> emptyDir() {
    return Combinators.combine(
            Arbitraries.of("", "Memory").injectNull(0.5),
            Arbitraries.of("64Mi", "1Gi", "500M").injectNull(0.6))
        .as(
            (medium, size) ->
                name ->
                    new Piece<>(
                        new VolumeBuilder()
                            .withName(name)
                            .withNewEmptyDir()
                            .withMedium(medium)
                            .withSizeLimit(size == null ? null : new Quantity(size))
                            .endEmptyDir()
                            .build(),
                        Refs.NONE));
  }

  private static Arbitrary<Function<String, Piece<Volume>>> configMapVolume() {
    return Combinators.combine(Arbitraries.of(CONFIG_NAMES), fileData(), modes(), items())
        .as(
            (object, data, defaultMode, useItems) ->
                name ->
                    new Piece<>(
                        new VolumeBuilder()
                            .withName(name)
                            .withNewConfigMap()
                            .withName(object)
                            .withDefaultMode(defaultMode)
                            .withItems(useItems ? keyToPaths(data) : null)
                            .endConfigMap()
                            .build(),
                        Refs.configMap(object, data)));
  }

  private static Arbitrary<Function<String, Piece<Volume>>> secretVolume() {
    return Combinators.combine(Arbitraries.of(SECRET_NAMES), fileData(), modes(), items())
        .as(
            (object, data, defaultMode, useItems) ->
                name ->
                    new Piece<>(
                        new VolumeBuilder()
                            .withName(name)
                            .withNewSecret()
                            .withSecretName(object)
                            .withDefaultMode(defaultMode)
                            .withItems(useItems ? keyToPaths(data) : null)
                            .endSecret()
                            .build(),
                        Refs.secret(object, data)));
  }

  private static Arbitrary<Map<String, String>> fileData() {
    return Arbitraries.maps(configKeys(), envValues()).ofMinSize(1).ofMaxSize(3);
  }

  /** File modes as decimal ints: 0400, 0444, 0600, 0644 and 0755, or unset. */
  private static Arbitrary<Integer> modes() {
    return Arbitraries.of(0400, 0444, 0600, 0644, 0755).injectNull(0.5);
  }

  private static Arbitrary<Boolean> items() {
    return Arbitraries.of(true, false);
  }

  private static List<KeyToPath> keyToPaths(Map<String, String> data) {
    List<KeyToPath> items = new ArrayList<>();
    int index = 0;
    for (String key : new TreeMap<>(data).keySet()) {
      items.add(
          new KeyToPathBuilder()
              .withKey(key)
              .withPath(index % 2 == 0 ? key : "conf.d/" + key)
              .withMode(index == 1 ? 0600 : null)
              .build());
      index++;
    }
    return items;
  }

  // ---- containers ---------------------------------------------------------------------------

  private enum Kind {
    APP,
    INIT,
    SIDECAR
  }

  /** Where a container template lands: its name, its index in the pod and the pod's volumes. */
  private record Binding(String name, int index, List<Volume> volumes) {}

  private static Arbitrary<Function<Binding, Piece<Container>>> initTemplates(boolean references) {
    return Arbitraries.frequencyOf(
        Tuple.of(2, containerTemplates(Kind.INIT, references)),
        Tuple.of(1, containerTemplates(Kind.SIDECAR, references)));
  }

  private static Arbitrary<Function<Binding, Piece<Container>>> containerTemplates(
      Kind kind, boolean references) {
    Arbitrary<List<Integer>> portOffsets =
        kind == Kind.INIT ? Arbitraries.just(List.of()) : portOffsets();
    Arbitrary<List<ContainerPort>> portShapes =
        kind == Kind.INIT ? Arbitraries.just(List.of()) : portShapes();
    Arbitrary<List<Function<List<ContainerPort>, Probe>>> probes = probes(kind);
    Arbitrary<Lifecycle> lifecycle =
        kind == Kind.INIT ? Arbitraries.just(null) : lifecycles().injectNull(0.7);
    Arbitrary<Piece<List<EnvFromSource>>> envFrom =
        references ? envFrom() : Arbitraries.just(new Piece<>(List.of(), Refs.NONE));
    Arbitrary<
            Tuple.Tuple4<
                String, Tuple.Tuple2<List<String>, List<String>>, ResourceRequirements, Lifecycle>>
        basics =
            Combinators.combine(images(), commandLines(), resources(), lifecycle).as(Tuple::of);
    return Combinators.combine(
            basics, envVars(references), envFrom, portOffsets, portShapes, probes, mountMasks())
        .as(
            (basic, env, sources, offsets, shapes, probeTemplates, mask) ->
                binding -> {
                  List<ContainerPort> ports = bindPorts(binding.index(), offsets, shapes);
                  ContainerBuilder builder =
                      new ContainerBuilder()
                          .withName(binding.name())
                          .withImage(basic.get1())
                          .withCommand(basic.get2().get1().isEmpty() ? null : basic.get2().get1())
                          .withArgs(basic.get2().get2().isEmpty() ? null : basic.get2().get2())
                          .withEnv(env.value().isEmpty() ? null : env.value())
                          .withEnvFrom(sources.value().isEmpty() ? null : sources.value())
                          .withResources(basic.get3())
                          .withPorts(ports.isEmpty() ? null : ports)
                          .withVolumeMounts(mounts(binding.volumes(), mask))
                          .withLifecycle(basic.get4());
                  if (!probeTemplates.isEmpty()) {
                    builder
                        .withLivenessProbe(probeTemplates.get(0).apply(ports))
                        .withReadinessProbe(probeTemplates.get(1).apply(ports))
                        .withStartupProbe(probeTemplates.get(2).apply(ports));
                  }
                  if (kind == Kind.SIDECAR) {
                    builder.withRestartPolicy("Always");
                  }
                  return new Piece<>(builder.build(), env.refs().merge(sources.refs()));
                });
  }

  private static Arbitrary<Tuple.Tuple2<List<String>, List<String>>> commandLines() {
    List<String> none = List.of();
    return Arbitraries.oneOf(
        Arbitraries.just(Tuple.of(none, none)),
        Arbitraries.of(
                "echo \"$GREETING\" && sleep 1",
                "printf '%s\\n' \"$(MESSAGE)\"",
                "env | sort",
                "exit 0")
            .map(script -> Tuple.of(List.of("sh", "-c", script), none)),
        envValues().list().ofMaxSize(3).map(args -> Tuple.of(List.of("/bin/echo"), args)),
        Arbitraries.of("--port=$(PORT)", "--name=$$(LITERAL)", "--verbose")
            .list()
            .ofMinSize(1)
            .ofMaxSize(3)
            .map(args -> Tuple.of(none, args)));
  }

  private static Arbitrary<Piece<List<EnvVar>>> envVars(boolean references) {
    return Combinators.combine(envNames(), envSources(references))
        .as((name, source) -> source.apply(name))
        .list()
        .ofMaxSize(6)
        .uniqueElements(piece -> piece.value().getName())
        .map(Piece::merge);
  }

  private static Arbitrary<Function<String, Piece<EnvVar>>> envSources(boolean references) {
    Arbitrary<Function<String, Piece<EnvVar>>> literal =
        envValues().map(value -> name -> new Piece<>(new EnvVar(name, value, null), Refs.NONE));
    Arbitrary<Function<String, Piece<EnvVar>>> field =
        Arbitraries.of(
                "metadata.name",
                "metadata.namespace",
                "metadata.uid",
                "metadata.labels['app']",
                "metadata.annotations['example.com/owner']",
                "spec.serviceAccountName")
            .map(
                path ->
                    name ->
                        new Piece<>(
                            new EnvVarBuilder()
                                .withName(name)
                                .withNewValueFrom()
                                .withNewFieldRef()
                                .withFieldPath(path)
                                .endFieldRef()
                                .endValueFrom()
                                .build(),
                            Refs.NONE));
    Arbitrary<Function<String, Piece<EnvVar>>> resource =
        Arbitraries.of(
                "requests.cpu:1m", "requests.cpu:", "requests.memory:1Mi", "requests.memory:")
            .map(
                spec -> {
                  String[] parts = spec.split(":", -1);
                  return name ->
                      new Piece<>(
                          new EnvVarBuilder()
                              .withName(name)
                              .withNewValueFrom()
                              .withNewResourceFieldRef()
                              .withResource(parts[0])
                              .withDivisor(parts[1].isEmpty() ? null : new Quantity(parts[1]))
                              .endResourceFieldRef()
                              .endValueFrom()
                              .build(),
                          Refs.NONE);
                });
    if (!references) {
      return Arbitraries.frequencyOf(
          Tuple.of(6, literal), Tuple.of(1, field), Tuple.of(1, resource));
    }
    Arbitrary<Function<String, Piece<EnvVar>>> configMapKey =
        Combinators.combine(Arbitraries.of(CONFIG_NAMES), configKeys(), envValues(), optional())
            .as(
                (object, key, value, optional) ->
                    name ->
                        new Piece<>(
                            new EnvVarBuilder()
                                .withName(name)
                                .withNewValueFrom()
                                .withNewConfigMapKeyRef(key, object, optional)
                                .endValueFrom()
                                .build(),
                            Refs.configMap(object, Map.of(key, value))));
    Arbitrary<Function<String, Piece<EnvVar>>> secretKey =
        Combinators.combine(Arbitraries.of(SECRET_NAMES), configKeys(), envValues(), optional())
            .as(
                (object, key, value, optional) ->
                    name ->
                        new Piece<>(
                            new EnvVarBuilder()
                                .withName(name)
                                .withNewValueFrom()
                                .withNewSecretKeyRef(key, object, optional)
                                .endValueFrom()
                                .build(),
                            Refs.secret(object, Map.of(key, value))));
    return Arbitraries.frequencyOf(
        Tuple.of(5, literal),
        Tuple.of(2, configMapKey),
        Tuple.of(2, secretKey),
        Tuple.of(1, field),
        Tuple.of(1, resource));
  }

  private static Arbitrary<Boolean> optional() {
    return Arbitraries.of(true, false).injectNull(0.5);
  }

  private static Arbitrary<Piece<List<EnvFromSource>>> envFrom() {
    Arbitrary<String> prefixes = Arbitraries.of("APP_", "CFG_", "x.").injectNull(0.6);
    Arbitrary<Map<String, String>> data =
        Arbitraries.maps(envNames(), envValues()).ofMinSize(1).ofMaxSize(4);
    Arbitrary<Piece<EnvFromSource>> configMap =
        Combinators.combine(Arbitraries.of(CONFIG_NAMES), prefixes, data)
            .as(
                (object, prefix, values) ->
                    new Piece<>(
                        new EnvFromSourceBuilder()
                            .withPrefix(prefix)
                            .withNewConfigMapRef(object, null)
                            .build(),
                        Refs.configMap(object, values)));
    Arbitrary<Piece<EnvFromSource>> secret =
        Combinators.combine(Arbitraries.of(SECRET_NAMES), prefixes, data)
            .as(
                (object, prefix, values) ->
                    new Piece<>(
                        new EnvFromSourceBuilder()
                            .withPrefix(prefix)
                            .withNewSecretRef(object, null)
                            .build(),
                        Refs.secret(object, values)));
    return Arbitraries.oneOf(configMap, secret).list().ofMaxSize(2).map(Piece::merge);
  }

  /** ConfigMap and Secret keys: letters, digits, {@code -._}. */
  private static Arbitrary<String> configKeys() {
    return Arbitraries.oneOf(
            Arbitraries.of("log.level", "API_URL", "db-host", "config.yaml", "token", ".hidden"),
            Arbitraries.strings().withChars(ALNUM + "-._").ofMinLength(1).ofMaxLength(20))
        .filter(key -> !key.equals(".") && !key.equals("..") && !key.startsWith(".."));
  }

  /** Offsets of up to 3 ports within the container's slice of 1-65535, distinct. */
  private static Arbitrary<List<Integer>> portOffsets() {
    return Arbitraries.integers().between(0, PORT_SLICE - 1).list().ofMaxSize(3).uniqueElements();
  }

  /** Protocol and name of up to 3 ports, with distinct names; the number comes at binding. */
  private static Arbitrary<List<ContainerPort>> portShapes() {
    Arbitrary<ContainerPort> shape =
        Combinators.combine(
                Arbitraries.of("TCP", "UDP").injectNull(0.4), portNames().injectNull(0.4))
            .as(
                (protocol, name) ->
                    new ContainerPortBuilder().withProtocol(protocol).withName(name).build());
    return shape.list().ofSize(3).filter(PodArbitraries::uniquePortNames);
  }

  private static List<ContainerPort> bindPorts(
      int containerIndex, List<Integer> offsets, List<ContainerPort> shapes) {
    int low = 1 + containerIndex * PORT_SLICE;
    List<ContainerPort> ports = new ArrayList<>();
    for (int i = 0; i < offsets.size(); i++) {
      int number =
          containerIndex == MAX_CONTAINERS - 1 && i == 0 && offsets.get(i) == PORT_SLICE - 1
              ? 65535
              : low + offsets.get(i);
      ports.add(new ContainerPortBuilder(shapes.get(i)).withContainerPort(number).build());
    }
    return ports;
  }

  private static boolean uniquePortNames(List<ContainerPort> ports) {
    List<String> names = ports.stream().map(ContainerPort::getName).filter(n -> n != null).toList();
    return names.size() == names.stream().distinct().count();
  }

  private static String protocolOf(ContainerPort port) {
    return port.getProtocol() == null ? "TCP" : port.getProtocol();
  }

  /**
   * Liveness, readiness and startup probe templates, each bound to the container's ports later;
   * empty for regular init containers, which may not have probes.
   */
  private static Arbitrary<List<Function<List<ContainerPort>, Probe>>> probes(Kind kind) {
    if (kind == Kind.INIT) {
      return Arbitraries.just(List.of());
    }
    return Combinators.combine(
            probe(false).injectNull(0.5), probe(true).injectNull(0.5), probe(false).injectNull(0.8))
        .as(
            (liveness, readiness, startup) ->
                List.of(orNone(liveness), orNone(readiness), orNone(startup)));
  }

  private static Function<List<ContainerPort>, Probe> orNone(
      Function<List<ContainerPort>, Probe> template) {
    return template == null ? ports -> null : template;
  }

  /** A probe whose httpGet or tcpSocket port is a TCP port of the container, by name if named. */
  private static Arbitrary<Function<List<ContainerPort>, Probe>> probe(boolean readiness) {
    Arbitrary<Function<List<ContainerPort>, ProbeBuilder>> handler =
        Arbitraries.oneOf(
            Arbitraries.of("cat /tmp/healthy", "true")
                .map(
                    command ->
                        ports ->
                            new ProbeBuilder()
                                .withNewExec()
                                .withCommand("sh", "-c", command)
                                .endExec()),
            Combinators.combine(
                    Arbitraries.integers().between(0, 65534),
                    Arbitraries.of("/", "/healthz", "/ready?full=1"))
                .as(
                    (choice, path) ->
                        ports ->
                            new ProbeBuilder()
                                .withNewHttpGet()
                                .withPort(target(ports, choice))
                                .withPath(path)
                                .endHttpGet()),
            Arbitraries.integers()
                .between(0, 65534)
                .map(
                    choice ->
                        ports ->
                            new ProbeBuilder()
                                .withNewTcpSocket()
                                .withPort(target(ports, choice))
                                .endTcpSocket()),
            Arbitraries.integers()
                .between(1, 65535)
                .map(port -> ports -> new ProbeBuilder().withNewGrpc().withPort(port).endGrpc()));
    return Combinators.combine(
            handler,
            Arbitraries.integers().between(0, 30).injectNull(0.5),
            Arbitraries.integers().between(1, 30).injectNull(0.5),
            Arbitraries.integers().between(1, 10).injectNull(0.5),
            readiness
                ? Arbitraries.integers().between(1, 3).injectNull(0.5)
                : Arbitraries.just(1).injectNull(0.5),
            Arbitraries.integers().between(1, 5).injectNull(0.5))
        .as(
            (builder, delay, period, timeout, success, failure) ->
                ports ->
                    builder
                        .apply(ports)
                        .withInitialDelaySeconds(delay)
                        .withPeriodSeconds(period)
                        .withTimeoutSeconds(timeout)
                        .withSuccessThreshold(success)
                        .withFailureThreshold(failure)
                        .build());
  }

  /**
   * Picks a TCP port of the container by {@code choice}, or {@code choice + 1} when it has none.
   */
  private static IntOrString target(List<ContainerPort> ports, int choice) {
    List<ContainerPort> tcp = ports.stream().filter(p -> "TCP".equals(protocolOf(p))).toList();
    if (tcp.isEmpty()) {
      return new IntOrString(choice + 1);
    }
    ContainerPort port = tcp.get(choice % tcp.size());
    return port.getName() != null
        ? new IntOrString(port.getName())
        : new IntOrString(port.getContainerPort());
  }

  private static Arbitrary<Lifecycle> lifecycles() {
    return Arbitraries.of("echo started > /tmp/started", "sleep 1")
        .map(
            script ->
                new LifecycleBuilder()
                    .withNewPreStop()
                    .withNewExec()
                    .withCommand("sh", "-c", script)
                    .endExec()
                    .endPreStop()
                    .build());
  }

  /** Which of the pod's (up to 3) volumes a container mounts, and whether emptyDirs use subPath. */
  private static Arbitrary<List<Boolean>> mountMasks() {
    return Arbitraries.of(true, false).list().ofSize(4);
  }

  private static List<VolumeMount> mounts(List<Volume> volumes, List<Boolean> mask) {
    boolean subPath = mask.get(3);
    List<VolumeMount> mounts = new ArrayList<>();
    for (int i = 0; i < volumes.size(); i++) {
      if (!mask.get(i)) {
        continue;
      }
      Volume volume = volumes.get(i);
      boolean emptyDir = volume.getEmptyDir() != null;
      mounts.add(
          new VolumeMountBuilder()
              .withName(volume.getName())
              .withMountPath("/data/" + volume.getName())
              .withReadOnly(emptyDir ? null : Boolean.TRUE)
              .withSubPath(subPath && emptyDir ? "sub/dir" : null)
              .build());
    }
    return mounts.isEmpty() ? null : mounts;
  }

  // ---- the secret canary --------------------------------------------------------------------

  private static PodBundle addCanary(PodBundle bundle, String canary) {
    String secretName = "nodeless-canary";
    Secret secret =
        new SecretBuilder()
            .withNewMetadata()
            .withName(secretName)
            .withNamespace(bundle.pod().getMetadata().getNamespace())
            .endMetadata()
            .withData(Map.of("token", base64(canary)))
            .build();
    Pod pod = new PodBuilder(bundle.pod()).build();
    List<Volume> volumes =
        new ArrayList<>(
            pod.getSpec().getVolumes() == null ? List.of() : pod.getSpec().getVolumes());
    String volumeName = "canary";
    while (hasVolume(volumes, volumeName)) {
      volumeName = volumeName + "-x";
    }
    volumes.add(
        new VolumeBuilder()
            .withName(volumeName)
            .withNewSecret()
            .withSecretName(secretName)
            .endSecret()
            .build());
    pod.getSpec().setVolumes(volumes);

    List<Container> apps = pod.getSpec().getContainers();
    Container first = apps.get(0);
    List<EnvVar> env = new ArrayList<>(first.getEnv() == null ? List.of() : first.getEnv());
    env.removeIf(var -> var.getName().equals("NODELESS_CANARY"));
    env.add(
        new EnvVarBuilder()
            .withName("NODELESS_CANARY")
            .withNewValueFrom()
            .withNewSecretKeyRef("token", secretName, false)
            .endValueFrom()
            .build());
    first.setEnv(env);
    List<VolumeMount> mounts =
        new ArrayList<>(first.getVolumeMounts() == null ? List.of() : first.getVolumeMounts());
    mounts.add(
        new VolumeMountBuilder()
            .withName(volumeName)
            .withMountPath("/var/run/canary")
            .withReadOnly(true)
            .build());
    first.setVolumeMounts(mounts);

    Container last = apps.get(apps.size() - 1);
    List<EnvFromSource> envFrom =
        new ArrayList<>(last.getEnvFrom() == null ? List.of() : last.getEnvFrom());
    envFrom.add(
        new EnvFromSourceBuilder()
            .withPrefix("CANARY_")
            .withNewSecretRef(secretName, false)
            .build());
    last.setEnvFrom(envFrom);

    List<Secret> secrets = new ArrayList<>(bundle.secrets());
    secrets.add(secret);
    return new PodBundle(pod, bundle.configMaps(), secrets);
  }

  private static boolean hasVolume(List<Volume> volumes, String name) {
    return volumes.stream().anyMatch(volume -> volume.getName().equals(name));
  }

  // ---- helpers ------------------------------------------------------------------------------

  private static Arbitrary<String> dnsLabelsBetween(int min, int max) {
    Arbitrary<String> ends = Arbitraries.strings().withChars(LOWER_ALNUM).ofLength(1);
    if (max == 1) {
      return ends;
    }
    Arbitrary<String> middle =
        Arbitraries.strings()
            .withChars(LOWER_ALNUM + "-")
            .ofMinLength(Math.max(0, min - 2))
            .ofMaxLength(max - 2);
    return Combinators.combine(ends, middle, ends).as((a, m, b) -> a + m + b);
  }

  /** Name part of a qualified name: 1-63 characters, alphanumeric at both ends. */
  private static Arbitrary<String> qualifiedNameParts() {
    Arbitrary<String> ends = Arbitraries.strings().withChars(ALNUM).ofLength(1);
    Arbitrary<String> longer =
        Combinators.combine(
                ends, Arbitraries.strings().withChars(ALNUM + "-_.").ofMaxLength(61), ends)
            .as((a, m, b) -> a + m + b);
    Arbitrary<String> maximal =
        Combinators.combine(ends, Arbitraries.strings().withChars(ALNUM + "-_.").ofLength(61), ends)
            .as((a, m, b) -> a + m + b);
    return Arbitraries.frequencyOf(
        Tuple.of(2, Arbitraries.of("app", "tier", "version", "team")),
        Tuple.of(1, ends),
        Tuple.of(4, longer),
        Tuple.of(1, maximal));
  }

  private static Arbitrary<QuantityCase[]> resourcePair(Arbitrary<QuantityCase> amounts) {
    Arbitrary<String> mode = Arbitraries.of("none", "request", "limit", "both");
    return Combinators.combine(amounts, amounts, mode)
        .as(
            (a, b, which) -> {
              QuantityCase low = a.value().compareTo(b.value()) <= 0 ? a : b;
              QuantityCase high = low == a ? b : a;
              return switch (which) {
                case "request" -> new QuantityCase[] {low, null};
                case "limit" -> new QuantityCase[] {null, high};
                case "both" -> new QuantityCase[] {low, high};
                default -> new QuantityCase[2];
              };
            });
  }

  private static void put(
      Map<String, Quantity> requests,
      Map<String, Quantity> limits,
      String resource,
      QuantityCase[] pair) {
    if (pair[0] != null) {
      requests.put(resource, pair[0].quantity());
    }
    if (pair[1] != null) {
      limits.put(resource, pair[1].quantity());
    }
  }

  private static Arbitrary<QuantityCase> binary(String suffix, long min, long max, long unit) {
    return Arbitraries.longs()
        .between(min, max)
        .map(n -> new QuantityCase(n + suffix, BigDecimal.valueOf(n).multiply(big(unit))));
  }

  private static BigDecimal big(long value) {
    return BigDecimal.valueOf(value);
  }

  private static String base64(String value) {
    return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }

  /** A generated value and the ConfigMap and Secret data its references need. */
  private record Piece<T>(T value, Refs refs) {
    static <T> Piece<List<T>> merge(List<Piece<T>> pieces) {
      Refs refs = Refs.NONE;
      List<T> values = new ArrayList<>();
      for (Piece<T> piece : pieces) {
        values.add(piece.value());
        refs = refs.merge(piece.refs());
      }
      return new Piece<>(values, refs);
    }
  }

  /**
   * ConfigMap and Secret contents by object name and key. Merging keeps the first value of a key,
   * so the bundle's objects, not each reference's generated value, are the source of truth.
   */
  private record Refs(
      Map<String, Map<String, String>> configMaps, Map<String, Map<String, String>> secrets) {
    static final Refs NONE = new Refs(Map.of(), Map.of());

    static Refs configMap(String name, Map<String, String> data) {
      return new Refs(Map.of(name, data), Map.of());
    }

    static Refs secret(String name, Map<String, String> data) {
      return new Refs(Map.of(), Map.of(name, data));
    }

    Refs merge(Refs other) {
      return new Refs(mergeMaps(configMaps, other.configMaps), mergeMaps(secrets, other.secrets));
    }

    private static Map<String, Map<String, String>> mergeMaps(
        Map<String, Map<String, String>> a, Map<String, Map<String, String>> b) {
      Map<String, Map<String, String>> result = new TreeMap<>();
      a.forEach((name, data) -> result.put(name, new TreeMap<>(data)));
      b.forEach(
          (name, data) ->
              data.forEach(
                  (key, value) ->
                      result
                          .computeIfAbsent(name, ignored -> new TreeMap<>())
                          .putIfAbsent(key, value)));
      return result;
    }
  }
}
