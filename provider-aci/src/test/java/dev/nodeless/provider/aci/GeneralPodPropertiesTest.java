package dev.nodeless.provider.aci;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.resourcemanager.containerinstance.fluent.models.ContainerGroupInner;
import dev.nodeless.PodValidationException;
import dev.nodeless.ValidationProblem;
import dev.nodeless.plan.PlacementQuote;
import dev.nodeless.plan.PlanSettings;
import dev.nodeless.resources.EffectiveResources;
import dev.nodeless.resources.PodResources;
import dev.nodeless.spi.ResolvedPod;
import dev.nodeless.testing.PodArbitraries;
import dev.nodeless.testing.PodBundle;
import java.io.IOException;
import java.math.BigDecimal;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * The translator over core's generator of any valid pod: ACI either offers a group that keeps the
 * pod's requests and secrets, or rejects the pod with field paths, never throwing otherwise.
 */
class GeneralPodPropertiesTest {
  private static final String CANARY = "canary-c0ffee-4d2b";
  private static final PlanSettings SETTINGS = PlanSettings.of("eastus");

  private final AciTranslator translator = new AciTranslator();

  @Provide
  Arbitrary<PodBundle> bundles() {
    return PodArbitraries.withSecretEnv(CANARY);
  }

  @Property(tries = 150)
  void offeredOrRejectedWithoutLeaks(@ForAll("bundles") PodBundle bundle) throws IOException {
    ResolvedPod pod;
    try {
      pod = new TestResolver(bundle.objects()).resolve(bundle.pod());
    } catch (PodValidationException e) {
      // Core rejects facts an ACI group only learns after launch, such as status.podIP.
      Assume.that(false);
      return;
    }

    PlacementQuote quote = translator.plan(pod, SETTINGS);

    Statistics.collect(quote.getClass().getSimpleName());
    if (quote instanceof PlacementQuote.Rejected rejected) {
      assertThat(rejected.problems()).isNotEmpty();
      for (ValidationProblem problem : rejected.problems()) {
        assertThat(problem.fieldPath()).matches("(spec|metadata|aci)\\b.*");
        assertThat(problem.fix()).isNotBlank();
        assertThat(problem.describe()).doesNotContain(CANARY);
      }
      return;
    }
    PlacementQuote.Offer offer = (PlacementQuote.Offer) quote;
    assertThat(offer.toString()).doesNotContain(CANARY);
    assertThat(String.join("\n", offer.notes())).doesNotContain(CANARY);
    ContainerGroupInner group = (ContainerGroupInner) offer.requests().get(0).request();
    assertThat(SecretLeaks.find(group, CANARY)).isEmpty();

    PodResources effective = EffectiveResources.of(pod.pod().getSpec());
    BigDecimal cpu = BigDecimal.ZERO;
    BigDecimal memoryGb = BigDecimal.ZERO;
    for (var container : group.containers()) {
      cpu = cpu.add(BigDecimal.valueOf(container.resources().requests().cpu()));
      memoryGb = memoryGb.add(BigDecimal.valueOf(container.resources().requests().memoryInGB()));
    }
    assertThat(cpu).isGreaterThanOrEqualTo(effective.cpu());
    assertThat(memoryGb.multiply(ResourceSizer.BYTES_PER_GB))
        .isGreaterThanOrEqualTo(effective.memoryBytes());
  }
}
