package dev.nodeless.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nodeless plan} with the real EC2, Fargate and ACI translators; nothing leaves the JVM. */
class PlanCommandTest {
  private static final String CANARY = "canary-5f3a9c1e-do-not-print";

  @TempDir Path files;

  private Cli.Result plan(String... args) {
    List<String> all = new ArrayList<>(List.of("plan"));
    all.addAll(List.of(args));
    return Cli.run(all.toArray(String[]::new));
  }

  private String[] fixtures;

  private String[] fixtures() {
    if (fixtures == null) {
      fixtures = copyFixtures();
    }
    return fixtures.clone();
  }

  private String[] copyFixtures() {
    return new String[] {
      "-f",
      TestFiles.fixture(files, "controllers/nginx-deployment.yaml").toString(),
      TestFiles.fixture(files, "pods/config/redis-pod.yaml").toString(),
      TestFiles.manifest(files, "plan-redis-config.yaml").toString()
    };
  }

  @Test
  void tableShowsEveryProviderWithPricesAndMarksTheCheapest() {
    Cli.Result result = plan(fixtures());

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out())
        .contains("pod default/nginx-deployment from")
        .contains("pod default/redis from")
        .containsPattern(
            "\\n\\s+aci\\s+eastus\\s+0\\.25 vCPU / 0\\.5 GB Linux\\s+0\\.01235\\s+9\\.02")
        .containsPattern(
            "\\n\\s+\\* ec2\\s+us-east-1\\s+t4g\\.nano\\s+0\\.0042\\s+3\\.07\\s+2026-07-20")
        .containsPattern(
            "\\n\\s+fargate\\s+us-east-1\\s+0\\.25 vCPU / 0\\.5 GB\\s+0\\.0123425\\s+9\\.01")
        .contains("cheapest: ec2 (t4g.nano)")
        .contains("passed over: costs 0.01235 USD/h, 0.00815 USD/h more than ec2 (t4g.nano)")
        .contains("price source: karpenter-provider-aws generated")
        .contains("no fargate.subnetIds set: planned with the placeholder");
    // The redis pod's args without command cannot be expressed on ACI.
    assertThat(result.out()).contains("- spec.containers[0].args = ");
    assertThat(result.err())
        .contains("note: Deployment nginx-deployment in")
        .contains("runs as one pod");
  }

  @Test
  void jsonParsesAndHoldsEachProvidersQuote() throws Exception {
    Cli.Result result = plan(append(fixtures(), "-o", "json"));

    assertThat(result.exitCode()).as(result.toString()).isZero();
    JsonNode pods = new ObjectMapper().readTree(result.out()).get("pods");
    assertThat(pods).hasSize(2);
    JsonNode nginx = pods.get(0);
    assertThat(nginx.get("name").asText()).isEqualTo("nginx-deployment");
    assertThat(nginx.get("cheapest").asText()).isEqualTo("ec2");
    List<String> providers = new ArrayList<>();
    for (JsonNode quote : nginx.get("quotes")) {
      providers.add(quote.get("provider").asText());
      assertThat(quote.get("status").asText()).isEqualTo("offer");
      assertThat(quote.get("hourlyUsd").decimalValue()).isPositive();
      assertThat(quote.get("priceSource").get("asOf").asText()).matches("\\d{4}-\\d{2}-\\d{2}");
      assertThat(quote.has("requests")).isFalse();
    }
    assertThat(providers).containsExactly("aci", "ec2", "fargate");
    assertThat(nginx.get("quotes").get(1).get("size").asText()).isEqualTo("t4g.nano");
    assertThat(nginx.get("quotes").get(1).get("monthlyUsd").decimalValue())
        .isEqualByComparingTo("3.07");
    assertThat(nginx.get("quotes").get(0).get("passedOver").asText()).startsWith("costs ");
    JsonNode redisAci = pods.get(1).get("quotes").get(0);
    assertThat(redisAci.get("status").asText()).isEqualTo("rejected");
    assertThat(redisAci.get("problems").get(0).get("fieldPath").asText())
        .isEqualTo("spec.containers[0].args");
  }

  @Test
  void yamlOutputNamesTheCheapest() {
    Cli.Result result = plan(append(fixtures(), "--output", "yaml"));

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out()).contains("pods:").contains("cheapest: \"ec2\"");
  }

  @Test
  void showRequestsPrintsEverySdkRequestAndNeverTheSecret() throws Exception {
    Path manifest = TestFiles.manifest(files, "plan-secret.yaml");

    String role = "fargate.executionRoleArn=arn:aws:iam::123456789012:role/ecsTaskExecutionRole";

    Cli.Result table = plan("-f", manifest.toString(), "--show-requests", "-s", role);
    Cli.Result json =
        plan("-f", manifest.toString(), "--show-requests", "-s", role, "-o", "json", "-v");

    assertThat(table.exitCode()).as(table.toString()).isZero();
    assertThat(table.out())
        .contains("request RunInstances: {")
        .contains("request RegisterTaskDefinition: {")
        .contains("request RunTask: {")
        .contains("request ContainerGroups_CreateOrUpdate: {")
        .contains("DB_PASSWORD");
    for (Cli.Result result : List.of(table, json)) {
      assertThat(result.out()).doesNotContain(CANARY);
      assertThat(result.err()).doesNotContain(CANARY);
    }
    JsonNode quotes = new ObjectMapper().readTree(json.out()).get("pods").get(0).get("quotes");
    List<String> operations = new ArrayList<>();
    for (JsonNode quote : quotes) {
      for (JsonNode request : quote.get("requests")) {
        operations.add(request.get("operation").asText());
        assertThat(request.get("request").isObject()).isTrue();
      }
    }
    assertThat(operations)
        .containsExactly(
            "ContainerGroups_CreateOrUpdate", "RunInstances", "RegisterTaskDefinition", "RunTask");
  }

  @Test
  void providerOptionLimitsTheOutput() {
    Cli.Result result = plan(append(fixtures(), "--provider", "aci"));

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.FAILED);
    assertThat(result.out()).contains("* aci").doesNotContain("ec2").doesNotContain("fargate");
    // ACI rejects the redis pod, and it is the only provider asked.
    assertThat(result.err()).contains("pod default/redis is rejected by every provider");
  }

  @Test
  void regionOptionsChooseEachProvidersRegion() {
    Cli.Result result =
        plan(append(fixtures(), "--region", "eu-west-1", "--set", "aci.region=swedencentral"));

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out())
        .containsPattern("\\n\\s+aci\\s+swedencentral\\s")
        .containsPattern("ec2\\s+eu-west-1\\s.*2020-12-18 \\(stale\\)")
        .contains("(stale: a fallback, check current prices)");
  }

  @Test
  void podRejectedEverywhereExitsOneWithEveryReason() {
    Cli.Result result = plan("-f", TestFiles.manifest(files, "plan-unplaceable.yaml").toString());

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.FAILED);
    assertThat(result.out())
        .contains("no provider can run this pod")
        .contains("- spec.hostNetwork = \"true\": ACI container groups")
        .contains("- spec.nodeSelector[\"kubernetes.io/os\"] = \"windows\"")
        .contains(
            "- spec.containers[0].securityContext.privileged = \"true\": Pod not supported on Fargate");
    assertThat(result.err()).contains("pod default/node-agent is rejected by every provider");
  }

  @Test
  void invalidInputExitsTwo() {
    Cli.Result invalid = plan("-f", TestFiles.manifest(files, "invalid.yaml").toString());
    Cli.Result unknownProvider = plan(append(fixtures(), "--provider", "gcp"));
    Cli.Result badFormat = plan(append(fixtures(), "-o", "xml"));

    assertThat(invalid.exitCode()).as(invalid.toString()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(invalid.err()).contains("invalid pod").contains("Nothing was planned.");
    assertThat(unknownProvider.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(unknownProvider.err()).contains("--provider gcp is not a planning provider");
    assertThat(badFormat.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT);
  }

  private static String[] append(String[] first, String... more) {
    List<String> all = new ArrayList<>(List.of(first));
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }
}
