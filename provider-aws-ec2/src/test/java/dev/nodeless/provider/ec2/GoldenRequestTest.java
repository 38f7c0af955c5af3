package dev.nodeless.provider.ec2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeless.plan.PlacementQuote;
import dev.nodeless.testing.Fixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Compares the redacted RunInstances JSON of a few fixtures with reviewed files under {@code
 * src/test/resources/dev/nodeless/provider/ec2/golden}. After a deliberate change, rewrite them
 * with {@code -Dnodeless.golden.update=true} and review the diff.
 */
class GoldenRequestTest {
  private static final Path GOLDEN = Path.of("src/test/resources/dev/nodeless/provider/ec2/golden");

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "aws-virtual-kubelet/examples/pods/sample-pod.yaml, aws-virtual-kubelet-sample-pod.json",
    "pods/multi-container/resources.yaml, multi-container-resources.json",
    "application/wordpress/wordpress-deployment.yaml, wordpress-deployment.json"
  })
  void requestMatchesReviewedJson(String fixture, String golden) throws IOException {
    PlacementQuote quote =
        new Ec2Translator()
            .plan(
                TestPods.resolved(Fixtures.pod(fixture), TestPods.FIXTURE_OBJECTS),
                Ec2FixturesTest.SETTINGS);
    assertThat(quote).isInstanceOf(PlacementQuote.Offer.class);
    String json = ((PlacementQuote.Offer) quote).requests().get(0).redactedJson() + "\n";

    Path file = GOLDEN.resolve(golden);
    if (Boolean.getBoolean("nodeless.golden.update")) {
      Files.createDirectories(GOLDEN);
      Files.writeString(file, json, StandardCharsets.UTF_8);
    }
    assertThat(json).isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
    assertThat(json).doesNotContain(TestPods.CANARY);
  }
}
