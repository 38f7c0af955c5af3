package dev.nodeless;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReferenceResolverTest {

  @Test
  void objectWithoutNamespaceMatchesAnyNamespace() {
    ReferenceResolver resolver = ReferenceResolver.of(List.of(configMap("app", null, "any")));

    assertThat(resolver.configMap("default", "app")).isPresent();
    assertThat(resolver.configMap("team-a", "app")).isPresent();
    assertThat(resolver.configMap("team-a", "other")).isEmpty();
  }

  @Test
  void objectWithNamespaceMatchesOnlyItAndWins() {
    ReferenceResolver resolver =
        ReferenceResolver.of(
            List.of(configMap("app", null, "any"), configMap("app", "team-a", "team-a")));

    assertThat(resolver.configMap("team-a", "app").orElseThrow().getData())
        .containsEntry("source", "team-a");
    assertThat(resolver.configMap("team-b", "app").orElseThrow().getData())
        .containsEntry("source", "any");
  }

  @Test
  void kindsAreSeparateAndOthersIgnored() {
    List<HasMetadata> objects =
        List.of(
            configMap("shared", null, "config"),
            new SecretBuilder().withNewMetadata().withName("shared").endMetadata().build(),
            new PodBuilder().withNewMetadata().withName("ignored").endMetadata().build());

    ReferenceResolver resolver = ReferenceResolver.of(objects);

    assertThat(resolver.configMap("default", "shared")).isPresent();
    assertThat(resolver.secret("default", "shared")).isPresent();
    assertThat(resolver.secret("default", "ignored")).isEmpty();
  }

  @Test
  void returnedObjectsAreCopies() {
    ConfigMap original = configMap("app", null, "original");
    ReferenceResolver resolver = ReferenceResolver.of(List.of(original));

    original.getData().put("source", "changed");
    resolver.configMap("default", "app").orElseThrow().getData().put("source", "changed too");

    assertThat(resolver.configMap("default", "app").orElseThrow().getData())
        .containsEntry("source", "original");
  }

  @Test
  void duplicatesAndUnnamedObjectsAreRejected() {
    assertThatThrownBy(
            () ->
                ReferenceResolver.of(
                    List.of(configMap("app", "ns", "one"), configMap("app", "ns", "two"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("duplicate ConfigMap ns/app");
    assertThatThrownBy(() -> ReferenceResolver.of(List.of(configMap(null, null, "x"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("metadata.name");
  }

  @Test
  void noneFindsNothingAndIssuesNoTokens() {
    ReferenceResolver none = ReferenceResolver.none();

    assertThat(none.configMap("default", "app")).isEmpty();
    assertThat(none.secret("default", "app")).isEmpty();
    assertThat(none.serviceAccountToken("default", "default", null, 3600)).isEmpty();
  }

  private static ConfigMap configMap(String name, String namespace, String source) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(namespace)
        .endMetadata()
        .withData(new java.util.HashMap<>(Map.of("source", source)))
        .build();
  }
}
