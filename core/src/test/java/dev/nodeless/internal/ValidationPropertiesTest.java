package dev.nodeless.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.nodeless.PodLauncher;
import dev.nodeless.PodRef;
import dev.nodeless.PodValidationException;
import dev.nodeless.ReferenceResolver;
import dev.nodeless.ValidationProblem;
import dev.nodeless.spi.ResolvedPod;
import dev.nodeless.testing.PodArbitraries;
import dev.nodeless.testing.PodBundle;
import dev.nodeless.testing.PodMutations;
import dev.nodeless.testing.PodMutations.Mutated;
import dev.nodeless.testing.PodMutations.Mutation;
import dev.nodeless.testing.RecordingProvider;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The validator's contract over generated pods: every valid pod passes, and every pod broken by a
 * mutation from the catalogue is rejected at the mutated field before the provider receives a
 * launch.
 */
class ValidationPropertiesTest {
  private static RecordingProvider provider;
  private static PodLauncher launcher;

  @BeforeContainer
  static void startLauncher() {
    provider = RecordingProvider.withFacts();
    launcher = PodLauncher.builder().provider(provider).resolver(ReferenceResolver.none()).build();
  }

  @AfterContainer
  static void closeLauncher() {
    launcher.close();
  }

  @Provide
  Arbitrary<PodBundle> bundles() {
    return PodArbitraries.validPodBundles();
  }

  @Provide
  Arbitrary<Pod> pods() {
    return PodArbitraries.validPods();
  }

  @Provide
  Arbitrary<Mutation> mutations() {
    return Arbitraries.of(PodMutations.all());
  }

  @Property(tries = 150)
  void validBundlesPassValidationAndResolution(@ForAll("bundles") PodBundle bundle) {
    Pod pod = withIdentity(bundle.pod());

    ResolvedPod resolved =
        PodPreparer.prepare(pod, bundle.resolver(), provider.downwardFacts(), provider.name());

    assertThat(resolved.containers()).hasSameSizeAs(pod.getSpec().getContainers());
  }

  @Property(tries = 60)
  void validPodsLaunchThroughTheLauncher(@ForAll("pods") Pod generated) throws Exception {
    Pod pod = withIdentity(generated);

    PodRef ref = launcher.launch(pod).get(10, TimeUnit.SECONDS);

    assertThat(provider.launched()).anyMatch(launched -> launched.ref().equals(ref));
  }

  @Property(tries = 300)
  void mutatedPodsAreRejectedAndNothingStarts(
      @ForAll("pods") Pod generated, @ForAll("mutations") Mutation mutation) {
    Mutated mutated = mutation.apply(withIdentity(generated));
    String uid = mutated.pod().getMetadata().getUid();

    Throwable thrown =
        catchThrowable(() -> launcher.launch(mutated.pod()).get(10, TimeUnit.SECONDS));

    assertThat(thrown).isInstanceOf(ExecutionException.class);
    assertThat(thrown.getCause()).isInstanceOf(PodValidationException.class);
    PodValidationException rejection = (PodValidationException) thrown.getCause();
    assertThat(rejection.problems())
        .extracting(ValidationProblem::fieldPath)
        .contains(mutated.expected().path());
    assertThat(provider.launched()).noneMatch(launched -> launched.ref().uid().equals(uid));
    assertThat(provider.validated()).noneMatch(validated -> validated.ref().uid().equals(uid));
  }

  private static Pod withIdentity(Pod pod) {
    String namespace = pod.getMetadata().getNamespace();
    return new PodBuilder(pod)
        .editMetadata()
        .withUid(UUID.randomUUID().toString())
        .withNamespace(namespace == null ? "default" : namespace)
        .endMetadata()
        .build();
  }
}
