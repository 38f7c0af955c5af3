package dev.nodeless.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeless.PodValidationException;
import dev.nodeless.ValidationProblem;
import dev.nodeless.spi.DownwardFacts;
import dev.nodeless.spi.EnvValue;
import dev.nodeless.spi.ResolvedContainer;
import dev.nodeless.spi.ResolvedPod;
import dev.nodeless.spi.ResolvedVolume;
import dev.nodeless.spi.VolumeFile;
import dev.nodeless.testing.PodArbitraries;
import dev.nodeless.testing.PodBundle;
import dev.nodeless.testing.PodMutations;
import dev.nodeless.testing.PodMutations.Mutation;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** A secret value never shows in a toString or an exception message, on valid or invalid pods. */
class SecretLeakTest {
  private static final String CANARY = "nodeless-canary-7f3a9c2e";
  private static final DownwardFacts FACTS =
      new DownwardFacts("node", "10.0.0.1", "10.0.0.2", Map.of());

  @Provide
  Arbitrary<PodBundle> bundles() {
    return PodArbitraries.withSecretEnv(CANARY);
  }

  @Provide
  Arbitrary<Mutation> mutations() {
    return Arbitraries.of(PodMutations.all());
  }

  @Property(tries = 100)
  void resolvedPodNeverShowsSecret(@ForAll("bundles") PodBundle bundle) {
    ResolvedPod resolved =
        PodPreparer.prepare(identity(bundle.pod()), bundle.resolver(), FACTS, "test");

    ResolvedContainer first = resolved.containers().get(0);
    EnvValue canary =
        first.env().stream()
            .filter(value -> value.name().equals("NODELESS_CANARY"))
            .findFirst()
            .orElseThrow();
    assertThat(canary.value()).isEqualTo(CANARY);
    assertThat(canary.secret()).isTrue();
    ResolvedContainer last = resolved.containers().get(resolved.containers().size() - 1);
    assertThat(last.env())
        .filteredOn(value -> value.name().equals("CANARY_token"))
        .singleElement()
        .satisfies(value -> assertThat(value.secret()).isTrue());

    List<String> shown = new ArrayList<>();
    shown.add(resolved.toString());
    for (ResolvedContainer container : all(resolved)) {
      shown.add(container.toString());
      container.env().forEach(value -> shown.add(value.toString()));
    }
    for (ResolvedVolume volume : resolved.volumes().values()) {
      shown.add(volume.toString());
      volume.files().forEach(file -> shown.add(file.toString()));
    }
    assertThat(shown).noneMatch(text -> text.contains(CANARY));
    assertThat(canaryFiles(resolved)).isNotEmpty().allMatch(VolumeFile::secret);
  }

  @Property(tries = 100)
  void rejectionNeverShowsSecret(
      @ForAll("bundles") PodBundle bundle, @ForAll("mutations") Mutation mutation) {
    Pod invalid = mutation.apply(identity(bundle.pod())).pod();

    PodValidationException rejection = null;
    try {
      PodPreparer.prepare(invalid, bundle.resolver(), FACTS, "test");
    } catch (PodValidationException e) {
      rejection = e;
    }

    assertThat(rejection).isNotNull();
    assertThat(rejection.getMessage()).doesNotContain(CANARY);
    assertThat(rejection.toString()).doesNotContain(CANARY);
    for (ValidationProblem problem : rejection.problems()) {
      assertThat(problem.toString()).doesNotContain(CANARY);
      assertThat(problem.describe()).doesNotContain(CANARY);
    }
  }

  private static List<VolumeFile> canaryFiles(ResolvedPod resolved) {
    return resolved.volumes().values().stream()
        .flatMap(volume -> volume.files().stream())
        .filter(file -> new String(file.content(), StandardCharsets.UTF_8).equals(CANARY))
        .toList();
  }

  private static List<ResolvedContainer> all(ResolvedPod resolved) {
    List<ResolvedContainer> all = new ArrayList<>(resolved.initContainers());
    all.addAll(resolved.containers());
    return all;
  }

  private static Pod identity(Pod pod) {
    String namespace = pod.getMetadata().getNamespace();
    return new PodBuilder(pod)
        .editMetadata()
        .withUid("uid-canary")
        .withNamespace(namespace == null ? "default" : namespace)
        .endMetadata()
        .build();
  }
}
