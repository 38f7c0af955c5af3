package dev.nodeless.provider.fargate;

import dev.nodeless.testing.PodBundle;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Pods that stress what the Fargate translator splits between task definition, RunTask overrides
 * and SSM parameters, next to core's general {@code PodArbitraries}: env literals that expand a
 * Secret, a downward API field or both, args that expand a per-pod field, and configMap and secret
 * volumes in every container. Each pod comes with the ConfigMap and Secret it reads; the Secret's
 * values contain {@link #CANARY}.
 */
final class GeneratedPods {
  /** Text that appears in every secret value and must never appear in a request. */
  static final String CANARY = "CANARY-7f3e9b2a";

  static final String CONFIG_MAP = "app-config";
  static final String SECRET = "db-credentials";

  private GeneratedPods() {}

  static Arbitrary<PodBundle> bundles() {
    Arbitrary<List<Container>> apps = containers(false).list().ofMinSize(1).ofMaxSize(3);
    Arbitrary<List<Container>> inits = containers(true).list().ofMaxSize(2);
    Arbitrary<Map<String, String>> labels = Arbitraries.maps(labelKeys(), labels()).ofMaxSize(6);
    Arbitrary<String> arch = Arbitraries.of("amd64", "arm64").injectNull(0.6);
    Arbitrary<String> restart = Arbitraries.of("Always", "OnFailure", "Never");
    return Combinators.combine(apps, inits, dnsLabels(), labels, arch, restart)
        .as(GeneratedPods::assemble);
  }

  private static PodBundle assemble(
      List<Container> apps,
      List<Container> inits,
      String name,
      Map<String, String> labels,
      String arch,
      String restart) {
    List<Container> named = new ArrayList<>();
    List<Container> namedInits = new ArrayList<>();
    int index = 0;
    for (Container init : inits) {
      namedInits.add(rename(init, "init-" + index, index++));
    }
    for (Container app : apps) {
      named.add(rename(app, "app-" + index, index++));
    }
    List<Volume> volumes =
        List.of(
            new VolumeBuilder().withName("scratch").withNewEmptyDir().endEmptyDir().build(),
            new VolumeBuilder()
                .withName("config")
                .withNewConfigMap()
                .withName(CONFIG_MAP)
                .endConfigMap()
                .build(),
            new VolumeBuilder()
                .withName("credentials")
                .withNewSecret()
                .withSecretName(SECRET)
                .endSecret()
                .build());
    PodBuilder pod =
        new PodBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace("team-a")
            .withLabels(labels)
            .endMetadata()
            .withNewSpec()
            .withInitContainers(namedInits)
            .withContainers(named)
            .withVolumes(volumes)
            .withRestartPolicy(restart)
            .endSpec();
    if (arch != null) {
      pod.editSpec().withNodeSelector(Map.of("kubernetes.io/arch", arch)).endSpec();
    }
    ConfigMap configMap =
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName(CONFIG_MAP)
            .withNamespace("team-a")
            .endMetadata()
            .withData(Map.of("mode", "fast $(not-a-ref)", "settings.yaml", "a: 1\nb: \"two\"\n"))
            .build();
    Secret secret =
        new SecretBuilder()
            .withNewMetadata()
            .withName(SECRET)
            .withNamespace("team-a")
            .endMetadata()
            .withStringData(Map.of("password", "pw-" + CANARY, "token", CANARY + "\nsecond line"))
            .build();
    return new PodBundle(pod.build(), List.of(configMap), List.of(secret));
  }

  private static Container rename(Container container, String name, int index) {
    ContainerBuilder builder = new ContainerBuilder(container).withName(name);
    if (container.getPorts() != null) {
      builder.withPorts(
          container.getPorts().stream()
              .map(
                  port ->
                      new io.fabric8.kubernetes.api.model.ContainerPortBuilder(port)
                          .withContainerPort(1000 * (index + 1) + port.getContainerPort())
                          .build())
              .toList());
    }
    return builder.build();
  }

  private static Arbitrary<Container> containers(boolean init) {
    Arbitrary<List<EnvVar>> env = env().list().ofMaxSize(6).uniqueElements(EnvVar::getName);
    Arbitrary<List<String>> args =
        Arbitraries.of("serve", "--port=8080", "$(GREETING)", "--pod=$(POD_NAME)", "$$(ESCAPED)")
            .list()
            .ofMaxSize(3);
    Arbitrary<List<String>> mounts =
        Arbitraries.of("scratch", "config", "credentials").set().ofMaxSize(3).map(List::copyOf);
    Arbitrary<Boolean> sidecar = init ? Arbitraries.of(true, false) : Arbitraries.just(false);
    Arbitrary<List<Integer>> ports =
        Arbitraries.integers().between(1, 999).set().ofMaxSize(2).map(List::copyOf);
    return Combinators.combine(
            resources(), env, args, mounts, sidecar, ports, Arbitraries.of(true, false))
        .as(
            (resources, variables, arguments, volumeNames, isSidecar, portNumbers, udp) -> {
              ContainerBuilder builder =
                  new ContainerBuilder()
                      .withName("c")
                      .withImage("public.ecr.aws/docker/library/busybox:1.36")
                      .withResources(resources)
                      .withEnv(withGreeting(variables))
                      .withArgs(arguments);
              for (String volume : volumeNames) {
                builder.addToVolumeMounts(
                    new VolumeMountBuilder()
                        .withName(volume)
                        .withMountPath("/mnt/" + volume)
                        .build());
              }
              for (int port : portNumbers) {
                builder
                    .addNewPort()
                    .withContainerPort(port)
                    .withProtocol(udp ? "UDP" : "TCP")
                    .endPort();
              }
              if (isSidecar) {
                builder.withRestartPolicy("Always");
              }
              return builder.build();
            });
  }

  /** Adds the two variables that args may reference, so that both expand. */
  private static List<EnvVar> withGreeting(List<EnvVar> variables) {
    List<EnvVar> result = new ArrayList<>(variables);
    result.removeIf(
        v ->
            v.getName().equals("GREETING")
                || v.getName().equals("POD_NAME")
                || v.getName().equals("DB_PASSWORD"));
    result.add(
        0,
        new EnvVarBuilder()
            .withName("DB_PASSWORD")
            .withNewValueFrom()
            .withNewSecretKeyRef()
            .withName(SECRET)
            .withKey("password")
            .endSecretKeyRef()
            .endValueFrom()
            .build());
    result.add(0, new EnvVarBuilder().withName("GREETING").withValue("hello").build());
    result.add(
        0,
        new EnvVarBuilder()
            .withName("POD_NAME")
            .withNewValueFrom()
            .withNewFieldRef()
            .withFieldPath("metadata.name")
            .endFieldRef()
            .endValueFrom()
            .build());
    return result;
  }

  private static Arbitrary<EnvVar> env() {
    Arbitrary<String> names =
        Arbitraries.strings()
            .withCharRange('A', 'Z')
            .withChars('_')
            .ofMinLength(1)
            .ofMaxLength(12)
            .filter(
                n -> !n.equals("GREETING") && !n.equals("POD_NAME") && !n.equals("DB_PASSWORD"));
    Arbitrary<String> values =
        Arbitraries.oneOf(
            Arbitraries.of(
                "",
                "plain",
                "with space",
                "$HOME",
                "$(GREETING) world",
                "$$(ESCAPED)",
                "a=b",
                "line1\nline2",
                "ünïcødé 日本語",
                "pod $(POD_NAME)",
                "postgres://app:$(DB_PASSWORD)@db",
                "$(DB_PASSWORD) for $(POD_NAME)"),
            Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(30));
    return Combinators.combine(names, values, Arbitraries.integers().between(0, 5))
        .as(
            (name, value, kind) -> {
              EnvVarBuilder builder = new EnvVarBuilder().withName(name);
              return switch (kind) {
                case 0 ->
                    builder
                        .withNewValueFrom()
                        .withNewConfigMapKeyRef()
                        .withName(CONFIG_MAP)
                        .withKey("mode")
                        .endConfigMapKeyRef()
                        .endValueFrom()
                        .build();
                case 1 ->
                    builder
                        .withNewValueFrom()
                        .withNewSecretKeyRef()
                        .withName(SECRET)
                        .withKey("password")
                        .endSecretKeyRef()
                        .endValueFrom()
                        .build();
                case 2 ->
                    builder
                        .withNewValueFrom()
                        .withNewFieldRef()
                        .withFieldPath("metadata.uid")
                        .endFieldRef()
                        .endValueFrom()
                        .build();
                default -> builder.withValue(value).build();
              };
            });
  }

  private static Arbitrary<ResourceRequirements> resources() {
    Arbitrary<String> cpu =
        Arbitraries.oneOf(
                Arbitraries.integers().between(1, 4000).map(m -> m + "m"),
                Arbitraries.of("0.25", "0.5", "1", "2", "1.5", "4"))
            .injectNull(0.3);
    Arbitrary<String> memory =
        Arbitraries.oneOf(
                Arbitraries.integers().between(1, 12000).map(m -> m + "Mi"),
                Arbitraries.integers().between(1, 8).map(g -> g + "Gi"),
                Arbitraries.integers().between(10, 8000).map(m -> m + "M"),
                Arbitraries.of("1.5Gi", "1G", "536870912"))
            .injectNull(0.3);
    return Combinators.combine(cpu, memory, Arbitraries.integers().between(0, 2))
        .as(
            (cpuAmount, memoryAmount, shape) -> {
              Map<String, Quantity> amounts = new LinkedHashMap<>();
              if (cpuAmount != null) {
                amounts.put("cpu", new Quantity(cpuAmount));
              }
              if (memoryAmount != null) {
                amounts.put("memory", new Quantity(memoryAmount));
              }
              ResourceRequirements resources = new ResourceRequirements();
              if (shape != 1) {
                resources.setRequests(amounts);
              }
              if (shape != 0) {
                resources.setLimits(amounts);
              }
              return resources;
            });
  }

  private static Arbitrary<String> dnsLabels() {
    return Arbitraries.strings()
        .withCharRange('a', 'z')
        .withCharRange('0', '9')
        .ofMinLength(1)
        .ofMaxLength(40)
        .map(name -> "p" + name);
  }

  private static Arbitrary<String> labelKeys() {
    return Arbitraries.oneOf(
        Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(20),
        Arbitraries.strings()
            .withCharRange('a', 'z')
            .ofMinLength(1)
            .ofMaxLength(63)
            .map(name -> "example.com/" + name),
        Arbitraries.of("nodeless.dev/pod-uid", "app.kubernetes.io/name"));
  }

  private static Arbitrary<String> labels() {
    return Arbitraries.strings()
        .withCharRange('a', 'z')
        .withChars('-', '.')
        .ofMaxLength(61)
        .map(value -> value.isEmpty() ? value : "v" + value + "z");
  }
}
