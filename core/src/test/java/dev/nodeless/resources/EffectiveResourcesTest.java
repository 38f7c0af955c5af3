package dev.nodeless.resources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nodeless.testing.Fixtures;
import dev.nodeless.testing.PodArbitraries;
import dev.nodeless.testing.QuantityCase;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import java.math.BigDecimal;
import java.util.Map;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class EffectiveResourcesTest {
  private static final BigDecimal MI = BigDecimal.valueOf(1L << 20);

  @Test
  void resourcesFixtureCountsSidecarButNotFinishedInit() {
    PodSpec spec = Fixtures.pod("pods/multi-container/resources.yaml").getSpec();

    PodResources resources = EffectiveResources.of(spec);

    // app 300m + sidecar 50m beats the setup init container's 200m.
    assertThat(resources.cpu()).isEqualByComparingTo("0.35");
    assertThat(resources.memoryBytes()).isEqualByComparingTo(MI.multiply(BigDecimal.valueOf(192)));
    assertThat(resources.limit("memory"))
        .hasValueSatisfying(
            limit -> assertThat(limit).isEqualByComparingTo(MI.multiply(BigDecimal.valueOf(192))));
    assertThat(resources.limit("cpu")).isEmpty();
  }

  @Test
  void podLevelFixtureUsesPodLevelAmounts() {
    PodSpec spec = Fixtures.pod("pods/resource/pod-level-memory-request-limit.yaml").getSpec();

    PodResources resources = EffectiveResources.of(spec);

    assertThat(resources.requests()).containsOnlyKeys("memory");
    assertThat(resources.memoryBytes()).isEqualByComparingTo("104857600");
    assertThat(resources.limits()).containsOnlyKeys("memory");
    assertThat(resources.limit("memory").orElseThrow()).isEqualByComparingTo("209715200");
  }

  @Test
  void largestInitContainerWinsOverSmallerSum() {
    PodSpec spec =
        new PodSpecBuilder()
            .withInitContainers(container("migrate", "2", "1Gi", null, null))
            .withContainers(
                container("a", "500m", "256Mi", null, null),
                container("b", "500m", "256Mi", null, null))
            .build();

    PodResources resources = EffectiveResources.of(spec);

    assertThat(resources.cpu()).isEqualByComparingTo("2");
    assertThat(resources.memoryBytes()).isEqualByComparingTo(MI.multiply(BigDecimal.valueOf(1024)));
  }

  @Test
  void sumWinsOverSmallerInitContainer() {
    PodSpec spec =
        new PodSpecBuilder()
            .withInitContainers(container("migrate", "500m", null, null, null))
            .withContainers(
                container("a", "1", null, null, null), container("b", "1", null, null, null))
            .build();

    assertThat(EffectiveResources.of(spec).cpu()).isEqualByComparingTo("2");
  }

  @Test
  void sidecarBeforeInitContainerAddsToIt() {
    PodSpec spec =
        new PodSpecBuilder()
            .withInitContainers(
                sidecar(container("proxy", "1", null, null, null)),
                container("migrate", "2", null, null, null))
            .withContainers(container("app", "500m", null, null, null))
            .build();

    // While migrate runs, the proxy runs too: 1 + 2.
    assertThat(EffectiveResources.of(spec).cpu()).isEqualByComparingTo("3");
  }

  @Test
  void sidecarAfterInitAddsNothing() {
    PodSpec spec =
        new PodSpecBuilder()
            .withInitContainers(
                container("migrate", "2", null, null, null),
                sidecar(container("proxy", "1", null, null, null)))
            .withContainers(container("app", "500m", null, null, null))
            .build();

    assertThat(EffectiveResources.of(spec).cpu()).isEqualByComparingTo("2");
  }

  @Test
  void sidecarsCountWithAppContainers() {
    PodSpec spec =
        new PodSpecBuilder()
            .withInitContainers(
                sidecar(container("proxy", "250m", "64Mi", "250m", "64Mi")),
                sidecar(container("logs", "250m", "64Mi", "250m", "64Mi")))
            .withContainers(container("app", "1", "512Mi", "1", "512Mi"))
            .build();

    PodResources resources = EffectiveResources.of(spec);

    assertThat(resources.cpu()).isEqualByComparingTo("1.5");
    assertThat(resources.memoryBytes()).isEqualByComparingTo(MI.multiply(BigDecimal.valueOf(640)));
    assertThat(resources.limit("cpu").orElseThrow()).isEqualByComparingTo("1.5");
  }

  @Test
  void requestsDefaultToLimits() {
    PodSpec spec =
        new PodSpecBuilder().withContainers(container("app", null, null, "2", "1Gi")).build();

    PodResources resources = EffectiveResources.of(spec);

    assertThat(resources.cpu()).isEqualByComparingTo("2");
    assertThat(resources.memoryBytes()).isEqualByComparingTo("1073741824");
    assertThat(resources.limit("cpu").orElseThrow()).isEqualByComparingTo("2");
  }

  @Test
  void containerWithoutLimitRemovesPodLimit() {
    PodSpec spec =
        new PodSpecBuilder()
            .withContainers(
                container("limited", "1", "1Gi", "1", "1Gi"),
                container("open", "1", "1Gi", null, null))
            .build();

    PodResources resources = EffectiveResources.of(spec);

    assertThat(resources.cpu()).isEqualByComparingTo("2");
    assertThat(resources.limits()).isEmpty();
  }

  @Test
  void initContainerWithoutLimitRemovesPodLimit() {
    PodSpec spec =
        new PodSpecBuilder()
            .withInitContainers(container("setup", "100m", null, null, null))
            .withContainers(container("app", "1", null, "1", null))
            .build();

    assertThat(EffectiveResources.of(spec).limit("cpu")).isEmpty();
  }

  @Test
  void extendedResourceLimitsSumLikeRequests() {
    Container trainer = container("trainer", "1", null, null, null);
    trainer.getResources().setLimits(Map.of("nvidia.com/gpu", new Quantity("2")));
    PodSpec spec =
        new PodSpecBuilder()
            .withContainers(trainer, container("exporter", "100m", null, null, null))
            .build();

    PodResources resources = EffectiveResources.of(spec);

    assertThat(resources.gpus()).isEqualTo(2);
    assertThat(resources.limit("nvidia.com/gpu").orElseThrow()).isEqualByComparingTo("2");
  }

  @Test
  void overheadAddsToRequestsAndExistingLimits() {
    PodSpec spec =
        new PodSpecBuilder()
            .withContainers(container("app", "1", "1Gi", null, "1Gi"))
            .withOverhead(Map.of("cpu", new Quantity("250m"), "memory", new Quantity("120Mi")))
            .build();

    PodResources resources = EffectiveResources.of(spec);

    assertThat(resources.cpu()).isEqualByComparingTo("1.25");
    assertThat(resources.memoryBytes()).isEqualByComparingTo(MI.multiply(BigDecimal.valueOf(1144)));
    assertThat(resources.limit("memory").orElseThrow())
        .isEqualByComparingTo(MI.multiply(BigDecimal.valueOf(1144)));
    assertThat(resources.limit("cpu")).isEmpty();
  }

  @Test
  void podLimitKeepsContainerRequests() {
    PodSpec spec =
        new PodSpecBuilder()
            .withResources(requirements(null, null, "4", null))
            .withContainers(
                container("a", "500m", null, null, null), container("b", "250m", null, null, null))
            .build();

    PodResources resources = EffectiveResources.of(spec);

    assertThat(resources.cpu()).isEqualByComparingTo("0.75");
    assertThat(resources.limit("cpu").orElseThrow()).isEqualByComparingTo("4");
  }

  @Test
  void podLimitAloneDefaultsRequest() {
    PodSpec spec =
        new PodSpecBuilder()
            .withResources(requirements(null, null, "2", "1Gi"))
            .withContainers(container("a", null, null, null, null))
            .build();

    PodResources resources = EffectiveResources.of(spec);

    assertThat(resources.cpu()).isEqualByComparingTo("2");
    assertThat(resources.memoryBytes()).isEqualByComparingTo("1073741824");
  }

  @Test
  void podLevelRequestReplacesContainerSum() {
    PodSpec spec =
        new PodSpecBuilder()
            .withResources(requirements("3", null, null, null))
            .withContainers(
                container("a", "1", "1Gi", null, null), container("b", "1", "1Gi", null, null))
            .build();

    PodResources resources = EffectiveResources.of(spec);

    assertThat(resources.cpu()).isEqualByComparingTo("3");
    assertThat(resources.memoryBytes()).isEqualByComparingTo("2147483648");
  }

  @Test
  void unparseableQuantityIsIllegalArgument() {
    PodSpec spec =
        new PodSpecBuilder()
            .withContainers(
                new ContainerBuilder()
                    .withName("app")
                    .withNewResources()
                    .addToRequests("cpu", new Quantity("1", "m5"))
                    .endResources()
                    .build())
            .build();

    assertThatThrownBy(() -> EffectiveResources.of(spec))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1m5");
  }

  @Provide
  Arbitrary<QuantityCase> cpu() {
    return PodArbitraries.cpuQuantities();
  }

  @Provide
  Arbitrary<QuantityCase> memory() {
    return PodArbitraries.memoryQuantities();
  }

  @Property(tries = 200)
  void everyNotationIsExact(
      @ForAll("cpu") QuantityCase cpu,
      @ForAll("memory") QuantityCase memory,
      @ForAll("memory") QuantityCase otherMemory) {
    PodSpec spec =
        new PodSpecBuilder()
            .withContainers(
                container("a", cpu.text(), memory.text(), cpu.text(), memory.text()),
                container("b", cpu.text(), otherMemory.text(), null, otherMemory.text()))
            .build();

    PodResources resources = EffectiveResources.of(spec);

    assertThat(resources.cpu()).isEqualByComparingTo(cpu.value().add(cpu.value()));
    assertThat(resources.memoryBytes())
        .isEqualByComparingTo(memory.value().add(otherMemory.value()));
    assertThat(resources.limit("memory").orElseThrow())
        .isEqualByComparingTo(memory.value().add(otherMemory.value()));
    assertThat(resources.limit("cpu")).isEmpty();
  }

  private static Container container(
      String name, String cpuRequest, String memoryRequest, String cpuLimit, String memoryLimit) {
    return new ContainerBuilder()
        .withName(name)
        .withImage("busybox")
        .withResources(requirements(cpuRequest, memoryRequest, cpuLimit, memoryLimit))
        .build();
  }

  private static Container sidecar(Container container) {
    container.setRestartPolicy("Always");
    return container;
  }

  private static ResourceRequirements requirements(
      String cpuRequest, String memoryRequest, String cpuLimit, String memoryLimit) {
    ResourceRequirementsBuilder builder = new ResourceRequirementsBuilder();
    if (cpuRequest != null) {
      builder.addToRequests("cpu", new Quantity(cpuRequest));
    }
    if (memoryRequest != null) {
      builder.addToRequests("memory", new Quantity(memoryRequest));
    }
    if (cpuLimit != null) {
      builder.addToLimits("cpu", new Quantity(cpuLimit));
    }
    if (memoryLimit != null) {
      builder.addToLimits("memory", new Quantity(memoryLimit));
    }
    return builder.build();
  }
}
