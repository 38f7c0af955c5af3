package dev.nodeless.provider.ec2;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Builders;
import net.jqwik.api.Combinators;

/**
 * Generators of realistic pods for the translator properties: mostly small web-style pods, some
 * large or GPU ones, some with node constraints, instance-type annotations and many labels.
 */
final class PodGen {
  private PodGen() {}

  static Arbitrary<PodPlan> pods() {
    return Builders.withBuilder(() -> new Draft())
        .use(Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(20))
        .in((draft, name) -> draft.set(() -> draft.name = name))
        .use(Arbitraries.create(UUID::randomUUID).map(UUID::toString))
        .in((draft, uid) -> draft.set(() -> draft.uid = uid))
        .use(container(false).list().ofMaxSize(2))
        .in((draft, inits) -> draft.set(() -> draft.inits = inits))
        .use(container(true).list().ofMinSize(1).ofMaxSize(3))
        .in((draft, apps) -> draft.set(() -> draft.apps = apps))
        .use(Arbitraries.of("amd64", "arm64").optional(0.2))
        .in((draft, arch) -> draft.set(() -> draft.arch = arch))
        .use(
            Arbitraries.of(List.of("amd64"), List.of("arm64"), List.of("amd64", "arm64"))
                .optional(0.15))
        .in((draft, arches) -> draft.set(() -> draft.affinity = arches))
        .use(Arbitraries.of(true, false))
        .in((draft, notIn) -> draft.set(() -> draft.notIn = notIn))
        .use(
            Arbitraries.of(
                    "m5.large",
                    "t3.micro",
                    "c7g.xlarge",
                    "p3.2xlarge",
                    "g5.xlarge",
                    "m5.*",
                    "c6?.large",
                    "r7g.*",
                    "t4g.*",
                    "p4d.*",
                    "zz9.large",
                    "m7i.*,c7i.*")
                .optional(0.25))
        .in((draft, pattern) -> draft.set(() -> draft.pattern = pattern))
        .use(labels())
        .in((draft, labels) -> draft.set(() -> draft.labels = labels))
        .use(
            Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(85, Arbitraries.just(0)),
                net.jqwik.api.Tuple.of(15, Arbitraries.of(1, 2, 4, 8, 16))))
        .in((draft, gpus) -> draft.set(() -> draft.gpus = gpus))
        .use(Arbitraries.strings().alpha().numeric().ofLength(24).map(s -> "CANARY-" + s))
        .in((draft, secret) -> draft.set(() -> draft.secret = secret))
        .build(Draft::plan);
  }

  static Arbitrary<PodPlan.ContainerPlan> container(boolean app) {
    Arbitrary<Optional<Integer>> cpu =
        Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(70, Arbitraries.of(50, 100, 250, 500, 1000, 1500, 2000)),
                net.jqwik.api.Tuple.of(25, Arbitraries.integers().between(1, 16_000)),
                net.jqwik.api.Tuple.of(5, Arbitraries.integers().between(16_000, 300_000)))
            .optional(0.8);
    Arbitrary<Optional<Long>> memory =
        Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(
                    70, Arbitraries.of(32L, 64L, 128L, 256L, 512L, 1024L, 2048L, 4096L)),
                net.jqwik.api.Tuple.of(25, Arbitraries.longs().between(1, 131_072)),
                net.jqwik.api.Tuple.of(5, Arbitraries.longs().between(131_072, 40_000_000)))
            .optional(0.8);
    Arbitrary<Optional<Long>> ephemeral =
        Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(90, Arbitraries.longs().between(1, 100_000)),
                net.jqwik.api.Tuple.of(10, Arbitraries.longs().between(100_000, 20_000_000)))
            .optional(0.2);
    Arbitrary<Optional<Integer>> factor = Arbitraries.integers().between(1, 3).optional(0.4);
    Arbitrary<Boolean> sidecar = app ? Arbitraries.just(false) : Arbitraries.of(true, false);
    return Combinators.combine(cpu, factor, memory, factor, ephemeral, sidecar)
        .as(PodPlan.ContainerPlan::new);
  }

  /** Labels: a few ordinary ones, sometimes past EC2's tag count or key length, or aws: keys. */
  static Arbitrary<Map<String, String>> labels() {
    Arbitrary<String> key =
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(
                60, Arbitraries.of("app", "tier", "team", "app.kubernetes.io/name", "version")),
            net.jqwik.api.Tuple.of(
                30, Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(30)),
            net.jqwik.api.Tuple.of(
                5,
                Arbitraries.strings()
                    .withCharRange('a', 'z')
                    .ofLength(120)
                    .map(s -> s + ".example.com/name")),
            net.jqwik.api.Tuple.of(
                5, Arbitraries.of("aws:owner", "AWS:cost", "Name", "nodeless.dev/pod-uid")));
    Arbitrary<String> value =
        Arbitraries.strings().withCharRange('a', 'z').numeric().ofMaxLength(63);
    return Arbitraries.maps(key, value).ofMaxSize(70).map(LinkedHashMap::new);
  }

  private static final class Draft {
    String name;
    String uid;
    List<PodPlan.ContainerPlan> inits;
    List<PodPlan.ContainerPlan> apps;
    Optional<String> arch;
    Optional<List<String>> affinity;
    boolean notIn;
    Optional<String> pattern;
    Map<String, String> labels;
    int gpus;
    String secret;

    Draft set(Runnable assignment) {
      assignment.run();
      return this;
    }

    PodPlan plan() {
      return new PodPlan(
          name, uid, inits, apps, arch, affinity, notIn, pattern, labels, gpus, secret);
    }
  }
}
