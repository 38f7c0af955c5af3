package dev.nodeless.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeless.ReferenceResolver;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Checks the generators' own promises; the validator's verdict is tested in the validator tests.
 */
class PodArbitrariesTest {
  private static final String DNS_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";

  @Provide
  Arbitrary<PodBundle> bundles() {
    return PodArbitraries.validPodBundles();
  }

  @Provide
  Arbitrary<Pod> pods() {
    return PodArbitraries.validPods();
  }

  @Property(tries = 100)
  void namesFitTheirLimits(@ForAll("pods") Pod pod) {
    String name = pod.getMetadata().getName();
    assertThat(name.length()).isBetween(1, 253);
    assertThat(name).matches(DNS_LABEL + "(\\." + DNS_LABEL + ")*");
    List<String> names = allContainers(pod).stream().map(Container::getName).toList();
    assertThat(names)
        .doesNotHaveDuplicates()
        .allMatch(n -> n.length() <= 63 && n.matches(DNS_LABEL));
  }

  @Property(tries = 100)
  void selfContainedPodsHaveNoReferences(@ForAll("pods") Pod pod) {
    for (Container container : allContainers(pod)) {
      assertThat(container.getEnvFrom()).isNullOrEmpty();
      for (EnvVar var : container.getEnv() == null ? List.<EnvVar>of() : container.getEnv()) {
        if (var.getValueFrom() != null) {
          assertThat(var.getValueFrom().getConfigMapKeyRef()).isNull();
          assertThat(var.getValueFrom().getSecretKeyRef()).isNull();
        }
      }
    }
    List<Volume> volumes =
        pod.getSpec().getVolumes() == null ? List.of() : pod.getSpec().getVolumes();
    assertThat(volumes).allMatch(volume -> volume.getEmptyDir() != null);
  }

  @Property(tries = 100)
  void everyKeyReferenceResolves(@ForAll("bundles") PodBundle bundle) {
    ReferenceResolver resolver = bundle.resolver();
    String namespace = bundle.pod().getMetadata().getNamespace();
    String lookup = namespace == null ? "default" : namespace;
    for (Container container : allContainers(bundle.pod())) {
      for (EnvVar var : container.getEnv() == null ? List.<EnvVar>of() : container.getEnv()) {
        if (var.getValueFrom() != null && var.getValueFrom().getConfigMapKeyRef() != null) {
          var ref = var.getValueFrom().getConfigMapKeyRef();
          assertThat(resolver.configMap(lookup, ref.getName()))
              .hasValueSatisfying(map -> assertThat(map.getData()).containsKey(ref.getKey()));
        }
        if (var.getValueFrom() != null && var.getValueFrom().getSecretKeyRef() != null) {
          var ref = var.getValueFrom().getSecretKeyRef();
          assertThat(resolver.secret(lookup, ref.getName())).isPresent();
        }
      }
    }
  }

  static List<Container> allContainers(Pod pod) {
    List<Container> all = new ArrayList<>();
    if (pod.getSpec().getInitContainers() != null) {
      all.addAll(pod.getSpec().getInitContainers());
    }
    all.addAll(pod.getSpec().getContainers());
    return all;
  }
}
