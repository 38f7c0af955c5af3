package dev.nodeless.provider.aci;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Generators of pods that ACI can run. Core's {@code PodArbitraries} covers any valid pod, but ACI
 * rejects almost all of them (args without command, hooks, TCP probes), so the offer properties
 * need pods built to pass.
 *
 * <p>A pod has 1-3 app containers with literal, ConfigMap and Secret environment values. Their
 * requests and limits use every quantity notation, and they have TCP and UDP ports and exec or
 * httpGet probes. Pods also get emptyDir, configMap and secret volumes, labels and restart
 * policies. Secret values contain {@link #CANARY}.
 */
final class AciPodArbitraries {
  /** Every secret value generated here contains this text. */
  static final String CANARY = "canary-5e1f0b7d";

  private static final String LOWER_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789";

  private static final List<String> IMAGES =
      List.of(
          "busybox:1.36",
          "nginx:1.27",
          "docker.io/library/alpine:3.20",
          "mcr.microsoft.com/azurelinux/base/core:3.0",
          "registry.example.com:5000/team/app@sha256:"
              + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");

  private static final List<String> VALUES =
      List.of(
          "",
          "plain",
          "with space",
          "\"quoted\"",
          "$(HOSTNAME)",
          "a=b=c",
          "line1\nline2",
          "ünïcødé",
          "🚀",
          "back\\slash");

  private static final List<String> CPU =
      List.of("1m", "5m", "100m", "125m", "250m", "0.5", "1", "1.5", "2", "3999m");
  private static final List<String> MEMORY =
      List.of("1", "64Mi", "100M", "128Mi", "512Mi", "1G", "1Gi", "1.5Gi", "1950M", "3.49G");

  private AciPodArbitraries() {}

  /** DNS labels of 1-63 characters, often long. */
  static Arbitrary<String> dnsLabels() {
    Arbitrary<String> body =
        Arbitraries.strings().withChars(LOWER_ALNUM + "-").ofMinLength(0).ofMaxLength(61);
    Arbitrary<Character> edge = Arbitraries.of(LOWER_ALNUM.toCharArray()).map(c -> c);
    return Combinators.combine(edge, body, edge)
        .as(
            (first, middle, last) ->
                (first + middle + last).substring(0, Math.min(63, 2 + middle.length())))
        .map(text -> text.endsWith("-") ? text.substring(0, text.length() - 1) + "x" : text);
  }

  /** Pod names: DNS subdomains of up to 253 characters. */
  static Arbitrary<String> podNames() {
    return dnsLabels()
        .list()
        .ofMinSize(1)
        .ofMaxSize(5)
        .map(
            parts -> {
              String name = String.join(".", parts);
              return name.length() <= 253 ? name : name.substring(0, 252) + "z";
            })
        .map(name -> name.endsWith(".") || name.endsWith("-") ? name + "z" : name);
  }

  /** Any text, including upper case, dots, underscores and non-ASCII, as odd input. */
  static Arbitrary<String> oddNames() {
    return Arbitraries.strings().withChars("aB.-_ /:%é日0").ofMinLength(1).ofMaxLength(300);
  }

  static Arbitrary<Map<String, String>> labels() {
    Arbitrary<String> key =
        Combinators.combine(
                Arbitraries.of("", "app.kubernetes.io/", "example.com/", "x/"), dnsLabels())
            .as((prefix, name) -> prefix + name);
    Arbitrary<String> value = Arbitraries.oneOf(dnsLabels(), Arbitraries.just(""));
    return Arbitraries.maps(key, value).ofMaxSize(60);
  }

  /** Valid pods with the objects they refer to. */
  static Arbitrary<GeneratedPod> pods() {
    Arbitrary<List<Container>> containers = container().list().ofMinSize(1).ofMaxSize(3);
    return Combinators.combine(
            dnsLabels(),
            podNames(),
            containers,
            labels(),
            Arbitraries.of("Always", "OnFailure", "Never"),
            Arbitraries.of(VALUES),
            Arbitraries.integers().between(0, 2))
        .as(AciPodArbitraries::assemble);
  }

  private static GeneratedPod assemble(
      String namespace,
      String name,
      List<Container> specs,
      Map<String, String> labels,
      String restartPolicy,
      String configValue,
      int volumeKinds) {
    List<Container> containers = new ArrayList<>();
    for (int i = 0; i < specs.size(); i++) {
      // Unique names and port ranges per container, as the API server demands.
      Container container = new ContainerBuilder(specs.get(i)).withName("c" + i).build();
      int offset = 1000 * i;
      container.getPorts().forEach(port -> port.setContainerPort(port.getContainerPort() + offset));
      container.getPorts().forEach(port -> port.setName(null));
      containers.add(container);
    }
    List<Volume> volumes = new ArrayList<>();
    volumes.add(new VolumeBuilder().withName("scratch").withNewEmptyDir().endEmptyDir().build());
    if (volumeKinds >= 1) {
      volumes.add(
          new VolumeBuilder()
              .withName("config")
              .withNewConfigMap()
              .withName("app-config")
              .addNewItem()
              .withKey("app.properties")
              .withPath("app.properties")
              .endItem()
              .endConfigMap()
              .build());
    }
    if (volumeKinds >= 2) {
      volumes.add(
          new VolumeBuilder()
              .withName("creds")
              .withNewSecret()
              .withSecretName("app-secret")
              .endSecret()
              .build());
    }
    Container first = new ContainerBuilder(containers.get(0)).build();
    for (Volume volume : volumes) {
      first
          .getVolumeMounts()
          .add(
              new io.fabric8.kubernetes.api.model.VolumeMountBuilder()
                  .withName(volume.getName())
                  .withMountPath("/mnt/" + volume.getName())
                  .withReadOnly(!volume.getName().equals("scratch"))
                  .build());
    }
    containers.set(0, first);
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withNamespace(namespace)
            .withName(name)
            .withUid(
                UUID.nameUUIDFromBytes((namespace + "/" + name).getBytes(StandardCharsets.UTF_8))
                    .toString())
            .withLabels(labels)
            .endMetadata()
            .withNewSpec()
            .withRestartPolicy(restartPolicy)
            .withContainers(containers)
            .withVolumes(volumes)
            .endSpec()
            .build();
    Map<String, String> config = new LinkedHashMap<>();
    config.put("app.properties", "mode=" + configValue + "\n");
    config.put("LEVEL", configValue);
    List<HasMetadata> objects =
        List.of(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("app-config")
                .endMetadata()
                .withData(config)
                .build(),
            new SecretBuilder()
                .withNewMetadata()
                .withName("app-secret")
                .endMetadata()
                .addToData("token", base64(CANARY + "-token"))
                .addToData("PASSWORD", base64(CANARY + "-password"))
                .build());
    return new GeneratedPod(pod, objects);
  }

  private static Arbitrary<Container> container() {
    return Combinators.combine(
            Arbitraries.of(IMAGES),
            Arbitraries.of(VALUES).list().ofMaxSize(4),
            Arbitraries.integers().between(0, 3),
            resources(),
            Arbitraries.integers().between(0, 3),
            probe(),
            Arbitraries.of(true, false))
        .as(
            (image, literals, secretEnv, resources, ports, probe, command) -> {
              ContainerBuilder builder = new ContainerBuilder().withName("c").withImage(image);
              if (command) {
                builder.withCommand("sh", "-c").withArgs("exec sleep 3600");
              }
              for (int i = 0; i < literals.size(); i++) {
                builder.addNewEnv().withName("LITERAL_" + i).withValue(literals.get(i)).endEnv();
              }
              if (secretEnv >= 1) {
                builder
                    .addNewEnv()
                    .withName("DB_PASSWORD")
                    .withNewValueFrom()
                    .withNewSecretKeyRef()
                    .withName("app-secret")
                    .withKey("PASSWORD")
                    .endSecretKeyRef()
                    .endValueFrom()
                    .endEnv();
              }
              if (secretEnv >= 2) {
                builder
                    .addNewEnvFrom()
                    .withNewSecretRef()
                    .withName("app-secret")
                    .endSecretRef()
                    .endEnvFrom();
              }
              if (secretEnv >= 3) {
                builder
                    .addNewEnv()
                    .withName("LEVEL_FROM_CONFIG")
                    .withNewValueFrom()
                    .withNewConfigMapKeyRef()
                    .withName("app-config")
                    .withKey("LEVEL")
                    .endConfigMapKeyRef()
                    .endValueFrom()
                    .endEnv();
              }
              for (int i = 0; i < ports; i++) {
                builder
                    .addNewPort()
                    .withContainerPort(8080 + i)
                    .withProtocol(i == 1 ? "UDP" : "TCP")
                    .endPort();
              }
              builder.withResources(resources);
              builder.withLivenessProbe(probe);
              return builder.build();
            });
  }

  private static Arbitrary<io.fabric8.kubernetes.api.model.ResourceRequirements> resources() {
    Arbitrary<Integer> cpu = Arbitraries.integers().between(0, CPU.size() - 1);
    Arbitrary<Integer> memory = Arbitraries.integers().between(0, MEMORY.size() - 1);
    return Combinators.combine(
            cpu, memory, Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 2))
        .as(
            (c, m, shape, headroom) -> {
              var requirements = new io.fabric8.kubernetes.api.model.ResourceRequirements();
              Map<String, Quantity> requests = new LinkedHashMap<>();
              Map<String, Quantity> limits = new LinkedHashMap<>();
              int cl = Math.min(CPU.size() - 1, c + headroom);
              int ml = Math.min(MEMORY.size() - 1, m + headroom);
              switch (shape) {
                case 0 -> {} // no resources at all
                case 1 -> {
                  requests.put("cpu", new Quantity(CPU.get(c)));
                  requests.put("memory", new Quantity(MEMORY.get(m)));
                }
                case 2 -> {
                  limits.put("cpu", new Quantity(CPU.get(c)));
                  limits.put("memory", new Quantity(MEMORY.get(m)));
                }
                default -> {
                  requests.put("cpu", new Quantity(CPU.get(c)));
                  requests.put("memory", new Quantity(MEMORY.get(m)));
                  limits.put("cpu", new Quantity(CPU.get(cl)));
                  limits.put("memory", new Quantity(MEMORY.get(ml)));
                }
              }
              requirements.setRequests(requests);
              requirements.setLimits(limits);
              return requirements;
            });
  }

  private static Arbitrary<Probe> probe() {
    Arbitrary<Probe> exec =
        Arbitraries.integers()
            .between(1, 30)
            .map(
                period ->
                    new ProbeBuilder()
                        .withNewExec()
                        .withCommand("cat", "/tmp/healthy")
                        .endExec()
                        .withPeriodSeconds(period)
                        .build());
    Arbitrary<Probe> http =
        Arbitraries.of("/healthz", "/")
            .map(
                path ->
                    new ProbeBuilder()
                        .withNewHttpGet()
                        .withPath(path)
                        .withPort(new IntOrString(8080))
                        .withScheme("HTTP")
                        .endHttpGet()
                        .build());
    return Arbitraries.oneOf(exec, http, Arbitraries.just(null));
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
