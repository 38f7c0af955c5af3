package dev.nodeless.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeless.ReferenceResolver;
import dev.nodeless.internal.PodPreparer;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResolvedContainerTest {
  private static final DownwardFacts FACTS =
      new DownwardFacts("node", "10.0.0.1", "10.0.0.2", Map.of());

  @Test
  void variableReferencesFollowKubernetesEscapes() {
    assertThat(ResolvedContainer.variableReferences("--a=$(A) $$(B) $(C)$(A) $(unclosed"))
        .containsExactly("A", "C");
    assertThat(ResolvedContainer.variableReferences("$x $ $$")).isEmpty();
  }

  @Test
  void secretExpansionsNameItemsAndVariables() {
    ResolvedContainer container =
        resolve(
                new PodBuilder()
                    .withNewMetadata()
                    .withName("p")
                    .withUid("u-1")
                    .endMetadata()
                    .withNewSpec()
                    .addNewContainer()
                    .withName("app")
                    .withImage("busybox")
                    .withCommand("app", "--token=$(TOKEN)")
                    .withArgs("--plain=$(PLAIN)", "$$(TOKEN)", "$(DERIVED) $(TOKEN)")
                    .addNewEnv()
                    .withName("TOKEN")
                    .withNewValueFrom()
                    .withNewSecretKeyRef("token", "api", false)
                    .endValueFrom()
                    .endEnv()
                    .addNewEnv()
                    .withName("PLAIN")
                    .withValue("visible")
                    .endEnv()
                    .addNewEnv()
                    .withName("DERIVED")
                    .withValue("Bearer $(TOKEN)")
                    .endEnv()
                    .endContainer()
                    .endSpec()
                    .build())
            .containers()
            .get(0);

    assertThat(container.secretExpansions())
        .containsExactly(
            new ResolvedContainer.SecretExpansion(
                "spec.containers[0].command[1]", "--token=$(TOKEN)", List.of("TOKEN")),
            new ResolvedContainer.SecretExpansion(
                "spec.containers[0].args[2]", "$(DERIVED) $(TOKEN)", List.of("DERIVED", "TOKEN")));
  }

  @Test
  void noSecretsNoExpansions() {
    ResolvedContainer container =
        resolve(
                new PodBuilder()
                    .withNewMetadata()
                    .withName("p")
                    .withUid("u-2")
                    .endMetadata()
                    .withNewSpec()
                    .addNewContainer()
                    .withName("app")
                    .withImage("busybox")
                    .withCommand("echo", "$(PLAIN)")
                    .addNewEnv()
                    .withName("PLAIN")
                    .withValue("visible")
                    .endEnv()
                    .endContainer()
                    .endSpec()
                    .build())
            .containers()
            .get(0);

    assertThat(container.secretExpansions()).isEmpty();
  }

  private static ResolvedPod resolve(Pod pod) {
    pod.getMetadata().setNamespace("default");
    Secret secret =
        new SecretBuilder()
            .withNewMetadata()
            .withName("api")
            .endMetadata()
            .addToStringData("token", "s3cret")
            .build();
    return PodPreparer.prepare(pod, ReferenceResolver.of(List.of(secret)), FACTS);
  }
}
