package dev.nodeless;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeless.spi.EnvValue;
import dev.nodeless.spi.ResolvedPod;
import dev.nodeless.testing.RecordingProvider;
import dev.nodeless.testing.RecordingProvider.Termination;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PodLauncherTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private RecordingProvider provider;
  private PodLauncher launcher;

  @BeforeEach
  void start() {
    provider = RecordingProvider.withFacts();
    launcher = PodLauncher.builder().provider(provider).build();
  }

  @AfterEach
  void close() {
    launcher.close();
  }

  @Test
  void launchPassesProviderFactsToDownwardApi() {
    PodRef ref = launcher.launchAndWait(pod("facts", null, null), TIMEOUT);

    ResolvedPod launched = provider.launched().get(0);
    assertThat(launched.ref()).isEqualTo(ref);
    assertThat(launched.containers().get(0).env())
        .extracting(EnvValue::name, EnvValue::value)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("NODE", "recording-node"),
            org.assertj.core.groups.Tuple.tuple("POD_IP", "10.0.0.2"));
  }

  @Test
  void emptyNamespaceBecomesDefault() {
    PodRef ref = launcher.launchAndWait(pod("blank-ns", "", null), TIMEOUT);

    assertThat(ref.namespace()).isEqualTo("default");
  }

  @Test
  void launchIsIdempotentOnUid() {
    Pod pod =
        new PodBuilder(pod("twice", null, null))
            .editMetadata()
            .withUid("fixed")
            .endMetadata()
            .build();

    PodRef first = launcher.launchAndWait(pod, TIMEOUT);
    PodRef second = launcher.launchAndWait(pod, TIMEOUT);

    assertThat(second).isEqualTo(first);
    assertThat(provider.launched()).hasSize(1);
  }

  @Test
  void terminateWithoutGraceUsesPodsOwnGracePeriod() {
    PodRef own = launcher.launchAndWait(pod("own-grace", null, 5L), TIMEOUT);
    PodRef unset = launcher.launchAndWait(pod("no-grace", null, null), TIMEOUT);

    launcher.terminateAndWait(own, null, TIMEOUT);
    launcher.terminateAndWait(unset, null, TIMEOUT);
    launcher.terminateAndWait(own, Duration.ofSeconds(2), TIMEOUT);

    assertThat(provider.terminated())
        .containsExactly(
            new Termination(own, Duration.ofSeconds(5)),
            new Termination(unset, Duration.ofSeconds(30)),
            new Termination(own, Duration.ofSeconds(2)));
  }

  private static Pod pod(String name, String namespace, Long graceSeconds) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(namespace)
        .endMetadata()
        .withNewSpec()
        .withTerminationGracePeriodSeconds(graceSeconds)
        .addNewContainer()
        .withName("app")
        .withImage("busybox:1.36")
        .addNewEnv()
        .withName("NODE")
        .withNewValueFrom()
        .withNewFieldRef(null, "spec.nodeName")
        .endValueFrom()
        .endEnv()
        .addNewEnv()
        .withName("POD_IP")
        .withNewValueFrom()
        .withNewFieldRef(null, "status.podIP")
        .endValueFrom()
        .endEnv()
        .endContainer()
        .endSpec()
        .build();
  }

  @Test
  void adoptedPodWithoutStatusIsPending() {
    PodRef ref = new PodRef("default", "left-over", "uid-left-over");
    RecordingProvider restarted =
        RecordingProvider.withFacts().own(new dev.nodeless.spi.OwnedPod(ref, null, null));

    try (PodLauncher adopting = PodLauncher.builder().provider(restarted).build()) {
      assertThat(adopting.list()).containsExactly(ref);
      assertThat(adopting.status(ref))
          .hasValueSatisfying(status -> assertThat(status.getPhase()).isEqualTo("Pending"));
    }
  }
}
