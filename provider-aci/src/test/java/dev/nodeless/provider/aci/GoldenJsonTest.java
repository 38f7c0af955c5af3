package dev.nodeless.provider.aci;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeless.plan.PlanSettings;
import dev.nodeless.spi.ResolvedPod;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Pins the redacted request JSON of three reviewed pods. After an intended change, rerun with
 * {@code -Daci.golden.update=true}, review the diff of src/test/resources/golden and commit it.
 */
class GoldenJsonTest {
  private static final ObjectMapper MAPPER = JsonMapper.builder().build();
  private static final String SECRET = "golden-secret-1f2e";
  private static final String UID = "3f1c2b9a-8d7e-4f60-a1b2-c3d4e5f60718";

  private final AciTranslator translator = new AciTranslator();

  /** A public web server: ports, probes, secret env, a configMap volume and a pull secret. */
  private static Pod webPod() {
    return new PodBuilder()
        .withNewMetadata()
        .withNamespace("shop")
        .withName("storefront-7d9c5b")
        .withUid(UID)
        .addToLabels("app.kubernetes.io/name", "storefront")
        .addToLabels("tier", "web")
        .addToAnnotations(AciSettings.PUBLIC_IP_ANNOTATION, "true")
        .addToAnnotations(AciSettings.DNS_NAME_LABEL_ANNOTATION, "shop-storefront")
        .endMetadata()
        .withNewSpec()
        .addNewImagePullSecret("registry")
        .addNewContainer()
        .withName("web")
        .withImage("myregistry.azurecr.io/shop/storefront:2.4.1")
        .withCommand("/app/server")
        .withArgs("--listen", ":8080")
        .addNewPort()
        .withName("http")
        .withContainerPort(8080)
        .endPort()
        .addNewPort()
        .withContainerPort(8125)
        .withProtocol("UDP")
        .endPort()
        .addNewEnv()
        .withName("LOG_LEVEL")
        .withValue("info")
        .endEnv()
        .addNewEnv()
        .withName("API_KEY")
        .withNewValueFrom()
        .withNewSecretKeyRef("api-key", "storefront", false)
        .endValueFrom()
        .endEnv()
        .withNewResources()
        .addToRequests("cpu", new Quantity("750m"))
        .addToRequests("memory", new Quantity("1Gi"))
        .addToLimits("memory", new Quantity("1Gi"))
        .endResources()
        .withNewReadinessProbe()
        .withNewHttpGet()
        .withPath("/ready")
        .withPort(new IntOrString("http"))
        .endHttpGet()
        .withPeriodSeconds(5)
        .endReadinessProbe()
        .addNewVolumeMount()
        .withName("config")
        .withMountPath("/etc/storefront")
        .withReadOnly(true)
        .endVolumeMount()
        .endContainer()
        .addNewVolume()
        .withName("config")
        .withNewConfigMap()
        .withName("storefront")
        .addNewItem()
        .withKey("settings.yaml")
        .withPath("settings.yaml")
        .endItem()
        .endConfigMap()
        .endVolume()
        .endSpec()
        .build();
  }

  private static List<HasMetadata> webObjects() {
    return List.of(
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName("storefront")
            .endMetadata()
            .addToData("settings.yaml", "currency: EUR\n")
            .build(),
        secret("storefront", "api-key", SECRET),
        secret(
            "registry",
            ".dockerconfigjson",
            "{\"auths\":{\"myregistry.azurecr.io\":{\"username\":\"shop-pull\",\"password\":\""
                + SECRET
                + "\"}}}"));
  }

  /** A batch job: an init container, a native sidecar, odd quantities and restartPolicy Never. */
  private static Pod jobPod() {
    return new PodBuilder()
        .withNewMetadata()
        .withNamespace("reports")
        .withName("nightly-export-29361440-x7k2q")
        .withUid(UID)
        .addToLabels("batch.kubernetes.io/job-name", "nightly-export-29361440")
        .endMetadata()
        .withNewSpec()
        .withRestartPolicy("Never")
        .addNewInitContainer()
        .withName("fetch")
        .withImage("curlimages/curl:8.10.1")
        .withCommand("curl", "-fsSo", "/work/input.csv", "https://example.com/input.csv")
        .withNewResources()
        .addToRequests("cpu", new Quantity("2"))
        .addToRequests("memory", new Quantity("256Mi"))
        .endResources()
        .addNewVolumeMount()
        .withName("work")
        .withMountPath("/work")
        .endVolumeMount()
        .endInitContainer()
        .addNewInitContainer()
        .withName("metrics")
        .withImage("prom/statsd-exporter:v0.27.1")
        .withRestartPolicy("Always")
        .withNewResources()
        .addToRequests("cpu", new Quantity("50m"))
        .addToRequests("memory", new Quantity("64Mi"))
        .endResources()
        .endInitContainer()
        .addNewContainer()
        .withName("export")
        .withImage("python:3.12-slim")
        .withCommand("python", "/work/export.py")
        .addNewEnv()
        .withName("EMPTY_FLAG")
        .withValue("")
        .endEnv()
        .withNewResources()
        .addToRequests("cpu", new Quantity("333m"))
        .addToRequests("memory", new Quantity("1.5Gi"))
        .addToLimits("cpu", new Quantity("1"))
        .addToLimits("memory", new Quantity("2Gi"))
        .endResources()
        .addNewVolumeMount()
        .withName("work")
        .withMountPath("/work")
        .endVolumeMount()
        .endContainer()
        .addNewVolume()
        .withName("work")
        .withNewEmptyDir()
        .endEmptyDir()
        .endVolume()
        .endSpec()
        .build();
  }

  /** A worker in a virtual network with custom DNS and an Azure Files share. */
  private static Pod vnetPod() {
    return new PodBuilder()
        .withNewMetadata()
        .withNamespace("ingest")
        .withName("queue-worker")
        .withUid(UID)
        .endMetadata()
        .withNewSpec()
        .withNewDnsConfig()
        .withNameservers("10.0.0.10")
        .withSearches("ingest.svc.cluster.local")
        .addNewOption("ndots", "2")
        .endDnsConfig()
        .addNewContainer()
        .withName("worker")
        .withImage("ghcr.io/example/queue-worker:1.8.0")
        .addNewPort()
        .withContainerPort(9090)
        .endPort()
        .withNewLivenessProbe()
        .withNewExec()
        .withCommand("/bin/healthcheck")
        .endExec()
        .withFailureThreshold(5)
        .endLivenessProbe()
        .withNewResources()
        .addToLimits("cpu", new Quantity("1500m"))
        .addToLimits("memory", new Quantity("3G"))
        .endResources()
        .addNewVolumeMount()
        .withName("inbox")
        .withMountPath("/mnt/inbox")
        .endVolumeMount()
        .endContainer()
        .addNewVolume()
        .withName("inbox")
        .withNewAzureFile(false, "files-account", "inbox")
        .endVolume()
        .endSpec()
        .build();
  }

  private static HasMetadata secret(String name, String key, String value) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .addToData(key, Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)))
        .build();
  }

  @Test
  void publicWebServer() throws IOException {
    check("web-public.json", webPod(), webObjects(), PlanSettings.of("eastus"));
  }

  @Test
  void batchJobWithInitAndSidecar() throws IOException {
    check("job-init-sidecar.json", jobPod(), List.of(), PlanSettings.of("swedencentral"));
  }

  @Test
  void workerInVirtualNetwork() throws IOException {
    PlanSettings settings =
        new PlanSettings(
            "eastus",
            Map.of(
                "aci.subnetIds",
                "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/net/providers/"
                    + "Microsoft.Network/virtualNetworks/hub/subnets/aci",
                "aci.clusterId",
                "prod-eu-1",
                "aci.azureFile.files-account.accountName",
                "ingestfiles",
                "aci.azureFile.files-account.accountKey",
                SECRET));
    check("vnet-azurefile.json", vnetPod(), List.of(), settings);
  }

  private void check(String file, Pod pod, List<HasMetadata> objects, PlanSettings settings)
      throws IOException {
    ResolvedPod resolved = new TestResolver(objects).resolve(pod);
    String json = translator.translate(resolved, settings).redactedJson();
    assertThat(json).doesNotContain(SECRET);

    String pretty =
        MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(MAPPER.readTree(json));
    if (Boolean.getBoolean("aci.golden.update")) {
      Files.writeString(Path.of("src/test/resources/golden", file), pretty + "\n");
      return;
    }
    String golden;
    try (InputStream in = GoldenJsonTest.class.getResourceAsStream("/golden/" + file)) {
      assertThat(in).as("golden file " + file).isNotNull();
      golden = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(MAPPER.readTree(json)).isEqualTo(MAPPER.readTree(golden));
  }
}
