package dev.nodeless.provider.aci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.resourcemanager.containerinstance.fluent.models.ContainerGroupInner;
import com.azure.resourcemanager.containerinstance.models.Container;
import com.azure.resourcemanager.containerinstance.models.ContainerGroupIpAddressType;
import com.azure.resourcemanager.containerinstance.models.ContainerGroupRestartPolicy;
import com.azure.resourcemanager.containerinstance.models.ContainerNetworkProtocol;
import com.azure.resourcemanager.containerinstance.models.EnvironmentVariable;
import com.azure.resourcemanager.containerinstance.models.OperatingSystemTypes;
import com.azure.resourcemanager.containerinstance.models.Scheme;
import dev.nodeless.PodValidationException;
import dev.nodeless.ValidationProblem;
import dev.nodeless.plan.PlacementPlanner;
import dev.nodeless.plan.PlacementQuote;
import dev.nodeless.plan.PlanSettings;
import dev.nodeless.plan.UnitPriceTable;
import dev.nodeless.spi.ResolvedContainer;
import dev.nodeless.spi.ResolvedPod;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AciTranslatorTest {
  private static final String SECRET = "s3cr3t-value-91";

  private final AciTranslator translator = new AciTranslator();

  /** Builds a one-container pod that requests 1 vCPU and 2 GB, then applies {@code edit}. */
  private static Pod pod(Consumer<PodBuilder> edit) {
    PodBuilder builder =
        new PodBuilder()
            .withNewMetadata()
            .withNamespace("shop")
            .withName("web-0")
            .withUid("0b1e5f3e-9a47-4c1e-8f3a-6a2d6f0c1b11")
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("app")
            .withImage("nginx:1.27")
            .withNewResources()
            .addToRequests("cpu", new Quantity("1"))
            .addToRequests("memory", new Quantity("2G"))
            .endResources()
            .endContainer()
            .endSpec();
    edit.accept(builder);
    return builder.build();
  }

  private static ResolvedPod resolve(Pod pod, HasMetadata... objects) {
    return new TestResolver(List.of(objects)).resolve(pod);
  }

  /** Wraps a pod without core's validation, to test ACI's own checks. */
  private static ResolvedPod unvalidated(Pod pod) {
    List<ResolvedContainer> containers = new ArrayList<>();
    List<io.fabric8.kubernetes.api.model.Container> specs = pod.getSpec().getContainers();
    for (int i = 0; i < specs.size(); i++) {
      containers.add(
          new ResolvedContainer(
              specs.get(i), "spec.containers[" + i + "]", false, List.of(), List.of(), List.of()));
    }
    return new ResolvedPod(pod, List.of(), containers, Map.of());
  }

  private static HasMetadata secret(String name, String key, String value) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .addToData(key, Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)))
        .build();
  }

  private static PlanSettings settings(String... keyValues) {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      options.put(keyValues[i], keyValues[i + 1]);
    }
    return new PlanSettings("eastus", options);
  }

  private List<ValidationProblem> problems(ResolvedPod pod, PlanSettings settings) {
    PlacementQuote quote = translator.plan(pod, settings);
    assertThat(quote).isInstanceOf(PlacementQuote.Rejected.class);
    return ((PlacementQuote.Rejected) quote).problems();
  }

  private static Container app(AciTranslation translation) {
    return translation.containerGroup().containers().get(0);
  }

  @Test
  void registeredWithServiceLoader() {
    assertThat(ServiceLoader.load(PlacementPlanner.class).stream().map(ServiceLoader.Provider::get))
        .anySatisfy(planner -> assertThat(planner.provider()).isEqualTo("aci"));
  }

  @Test
  void simplePodPricedFromBundledTable() {
    AciTranslation translation = translator.translate(resolve(pod(b -> {})), settings());

    // 1 vCPU x 0.0405 + 2 GB x 0.00445 (eastus Linux, bundled table)
    assertThat(translation.hourlyUsd()).isEqualByComparingTo("0.0494");
    assertThat(translation.size()).isEqualTo("1 vCPU / 2 GB Linux");
    assertThat(translation.priceSource().stale()).isFalse();
    assertThat(translation.priceSource().asOf()).hasToString("2026-08-27");
    assertThat(translation.location()).isEqualTo("eastus");
    assertThat(translation.containerGroup().osType()).isEqualTo(OperatingSystemTypes.LINUX);
    assertThat(translation.containerGroup().restartPolicy())
        .isEqualTo(ContainerGroupRestartPolicy.ALWAYS);
    assertThat(translation.notes()).isEmpty();
  }

  @Test
  void offerCarriesRequestAndRedactedJson() {
    PlacementQuote quote = translator.plan(resolve(pod(b -> {})), settings());

    assertThat(quote).isInstanceOf(PlacementQuote.Offer.class);
    PlacementQuote.Offer offer = (PlacementQuote.Offer) quote;
    assertThat(offer.provider()).isEqualTo("aci");
    assertThat(offer.requests()).hasSize(1);
    assertThat(offer.requests().get(0).operation()).isEqualTo("ContainerGroups_CreateOrUpdate");
    assertThat(offer.requests().get(0).request()).isInstanceOf(ContainerGroupInner.class);
    assertThat(offer.requests().get(0).redactedJson())
        .startsWith("{\"location\":\"eastus\"")
        .contains("\"image\":\"nginx:1.27\"");
  }

  @Test
  void modelPassesSdkValidation() {
    ContainerGroupInner group =
        translator.translate(resolve(pod(b -> {})), settings()).containerGroup();

    group.validate();
    assertThat(group.containers()).hasSize(1);
  }

  @Test
  void cpuAndMemoryRoundedUpWithNotes() {
    Pod pod =
        pod(
            b ->
                b.editSpec()
                    .editFirstContainer()
                    .withNewResources()
                    .addToRequests("cpu", new Quantity("125m"))
                    .addToRequests("memory", new Quantity("1Gi"))
                    .endResources()
                    .endContainer()
                    .endSpec());

    AciTranslation translation = translator.translate(resolve(pod), settings());

    assertThat(app(translation).resources().requests().cpu()).isEqualTo(0.13);
    assertThat(app(translation).resources().requests().memoryInGB()).isEqualTo(1.1);
    assertThat(translation.notes())
        .contains("spec.containers[0] cpu request rounded up from 0.125 to 0.13 cores")
        .contains("spec.containers[0] memory request rounded up from 1.0737 GB to 1.1 GB");
  }

  @Test
  void limitAboveGroupTotalIsLowered() {
    Pod pod =
        pod(
            b ->
                b.editSpec()
                    .editFirstContainer()
                    .editResources()
                    .addToLimits("cpu", new Quantity("4"))
                    .endResources()
                    .endContainer()
                    .endSpec());

    AciTranslation translation = translator.translate(resolve(pod), settings());

    assertThat(app(translation).resources().limits().cpu()).isEqualTo(1.0);
    assertThat(translation.notes())
        .anyMatch(note -> note.contains("cpu limit lowered from 4.00 to the group total 1.00"));
  }

  @Test
  void limitBelowRequestIsRejected() {
    Pod pod =
        pod(
            b ->
                b.editSpec()
                    .editFirstContainer()
                    .editResources()
                    .addToLimits("memory", new Quantity("1G"))
                    .endResources()
                    .endContainer()
                    .endSpec());

    assertThat(problems(unvalidated(pod), settings()))
        .extracting(ValidationProblem::fieldPath)
        .containsExactly("spec.containers[0].resources.limits.memory");
  }

  @Test
  void initContainerNeedRaisesGroupTotal() {
    Pod pod =
        pod(
            b ->
                b.editSpec()
                    .addNewInitContainer()
                    .withName("migrate")
                    .withImage("busybox:1.36")
                    .withCommand("sh", "-c", "true")
                    .withNewResources()
                    .addToRequests("cpu", new Quantity("3"))
                    .endResources()
                    .endInitContainer()
                    .endSpec());

    AciTranslation translation = translator.translate(resolve(pod), settings());

    assertThat(app(translation).resources().requests().cpu()).isEqualTo(3.0);
    assertThat(translation.containerGroup().initContainers()).hasSize(1);
    assertThat(translation.notes())
        .anyMatch(note -> note.startsWith("group cpu raised from 1.00 to 3.00"));
  }

  @Test
  void secretEnvGoesToSecureValueOnly() {
    Pod pod =
        pod(
            b ->
                b.editSpec()
                    .editFirstContainer()
                    .addNewEnv()
                    .withName("DB_PASSWORD")
                    .withNewValueFrom()
                    .withNewSecretKeyRef("password", "db", false)
                    .endValueFrom()
                    .endEnv()
                    .addNewEnv()
                    .withName("EMPTY")
                    .withValue("")
                    .endEnv()
                    .endContainer()
                    .endSpec());

    AciTranslation translation =
        translator.translate(resolve(pod, secret("db", "password", SECRET)), settings());

    List<EnvironmentVariable> env = app(translation).environmentVariables();
    assertThat(env.get(0).name()).isEqualTo("DB_PASSWORD");
    assertThat(env.get(0).secureValue()).isEqualTo(SECRET);
    assertThat(env.get(0).value()).isNull();
    assertThat(env.get(1).name()).isEqualTo("EMPTY");
    assertThat(env.get(1).value()).isEmpty();
    assertThat(translation.redactedJson())
        .doesNotContain(SECRET)
        .contains("{\"name\":\"DB_PASSWORD\",\"secureValue\":\"<redacted>\"}")
        .contains("{\"name\":\"EMPTY\",\"value\":\"\"}");
    assertThat(translation.toString()).doesNotContain(SECRET);
  }

  @Test
  void invalidEnvNameRejectedNamingVariable() {
    Pod pod =
        pod(
            b ->
                b.editSpec()
                    .editFirstContainer()
                    .addNewEnv()
                    .withName("OK")
                    .withValue("1")
                    .endEnv()
                    .addNewEnv()
                    .withName("log.level")
                    .withValue("debug")
                    .endEnv()
                    .endContainer()
                    .endSpec());

    List<ValidationProblem> problems = problems(resolve(pod), settings());

    assertThat(problems).hasSize(1);
    assertThat(problems.get(0).fieldPath()).isEqualTo("spec.containers[0].env[1].name");
    assertThat(problems.get(0).value()).isEqualTo("log.level");
    assertThat(problems.get(0).fix()).contains("log_level");
  }

  @Test
  void argsWithoutCommandRejected() {
    Pod pod =
        pod(
            b ->
                b.editSpec()
                    .editFirstContainer()
                    .withArgs("--port", "80")
                    .endContainer()
                    .endSpec());

    List<ValidationProblem> problems = problems(resolve(pod), settings());

    assertThat(problems)
        .extracting(ValidationProblem::fieldPath)
        .containsExactly("spec.containers[0].args");
    assertThat(problems.get(0).rule()).contains("replaces the image entrypoint");
  }

  @Test
  void secretExpandedIntoCommandRejected() {
    Pod pod =
        pod(
            b ->
                b.editSpec()
                    .editFirstContainer()
                    .withCommand("app", "--token=$(TOKEN)", "--literal=$$(TOKEN)")
                    .addNewEnv()
                    .withName("TOKEN")
                    .withNewValueFrom()
                    .withNewSecretKeyRef("token", "api", false)
                    .endValueFrom()
                    .endEnv()
                    .endContainer()
                    .endSpec());

    List<ValidationProblem> problems =
        problems(resolve(pod, secret("api", "token", SECRET)), settings());

    assertThat(problems)
        .extracting(ValidationProblem::fieldPath)
        .containsExactly("spec.containers[0].command[1]");
    assertThat(problems.get(0).value()).isEqualTo("$(TOKEN)");
    assertThat(problems.get(0).describe()).doesNotContain(SECRET);
  }

  @Test
  void argsWithoutCommandRejectedWithoutExpandingSecrets() {
    Pod pod =
        pod(
            b ->
                b.editSpec()
                    .editFirstContainer()
                    .withCommand()
                    .withArgs("--token=$(TOKEN)")
                    .addNewEnv()
                    .withName("TOKEN")
                    .withNewValueFrom()
                    .withNewSecretKeyRef("token", "api", false)
                    .endValueFrom()
                    .endEnv()
                    .endContainer()
                    .endSpec());

    List<ValidationProblem> problems =
        problems(resolve(pod, secret("api", "token", SECRET)), settings());

    assertThat(problems)
        .extracting(ValidationProblem::fieldPath)
        .containsExactly("spec.containers[0].args");
    assertThat(problems.get(0).value()).isEqualTo("--token=$(TOKEN)");
    assertThat(problems.get(0).describe()).doesNotContain(SECRET);
  }

  @Test
  void commandAndArgsJoined() {
    Pod pod =
        pod(
            b ->
                b.editSpec()
                    .editFirstContainer()
                    .withCommand("python", "-m")
                    .withArgs("http.server", "8000")
                    .endContainer()
                    .endSpec());

    assertThat(app(translator.translate(resolve(pod), settings())).command())
        .containsExactly("python", "-m", "http.server", "8000");
  }

  @Test
  void udpPortKeepsProtocol() {
    Pod pod =
        pod(
            b ->
                b.editSpec()
                    .editFirstContainer()
                    .addNewPort()
                    .withContainerPort(53)
                    .withProtocol("UDP")
                    .endPort()
                    .endContainer()
                    .endSpec());

    AciTranslation translation = translator.translate(resolve(pod), settings());

    assertThat(app(translation).ports().get(0).protocol()).isEqualTo(ContainerNetworkProtocol.UDP);
    assertThat(translation.containerGroup().ipAddress()).isNull();
    assertThat(translation.notes())
        .anyMatch(note -> note.startsWith("the container ports get no IP"));
  }

  @Test
  void publicIpByAnnotationWithDnsLabel() {
    Pod pod =
        pod(
            b ->
                b.editMetadata()
                    .addToAnnotations(AciSettings.PUBLIC_IP_ANNOTATION, "true")
                    .addToAnnotations(AciSettings.DNS_NAME_LABEL_ANNOTATION, "shop-web")
                    .endMetadata()
                    .editSpec()
                    .editFirstContainer()
                    .addNewPort()
                    .withContainerPort(80)
                    .endPort()
                    .addNewPort()
                    .withContainerPort(5353)
                    .withProtocol("UDP")
                    .endPort()
                    .endContainer()
                    .endSpec());

    var ip = translator.translate(resolve(pod), settings()).containerGroup().ipAddress();

    assertThat(ip.type()).isEqualTo(ContainerGroupIpAddressType.PUBLIC);
    assertThat(ip.dnsNameLabel()).isEqualTo("shop-web");
    assertThat(ip.ports())
        .extracting(port -> port.port() + "/" + port.protocol())
        .containsExactly("80/TCP", "5353/UDP");
  }

  @Test
  void publicIpBySettingAndSubnetConflict() {
    Pod pod =
        pod(
            b ->
                b.editSpec()
                    .editFirstContainer()
                    .addNewPort()
                    .withContainerPort(80)
                    .endPort()
                    .endContainer()
                    .endSpec());
    String subnet =
        "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets/aci";

    var ip =
        translator
            .translate(resolve(pod), settings("aci.publicIp", "true"))
            .containerGroup()
            .ipAddress();
    var privateIp =
        translator.translate(resolve(pod), settings("aci.subnetIds", subnet)).containerGroup();

    assertThat(ip.type()).isEqualTo(ContainerGroupIpAddressType.PUBLIC);
    assertThat(privateIp.ipAddress().type()).isEqualTo(ContainerGroupIpAddressType.PRIVATE);
    assertThat(privateIp.subnetIds().get(0).id()).isEqualTo(subnet);
    assertThat(problems(resolve(pod), settings("aci.publicIp", "true", "aci.subnetIds", subnet)))
        .extracting(ValidationProblem::fieldPath)
        .containsExactly("aci.publicIp");
  }

  @Test
  void configMapItemsBecomeSecretVolumeFiles() {
    Pod pod =
        pod(
            b ->
                b.editSpec()
                    .editFirstContainer()
                    .addNewVolumeMount()
                    .withName("config")
                    .withMountPath("/etc/app")
                    .withReadOnly(true)
                    .endVolumeMount()
                    .endContainer()
                    .addNewVolume()
                    .withName("config")
                    .withNewConfigMap()
                    .withName("app")
                    .addNewItem()
                    .withKey("app.yaml")
                    .withPath("config.yaml")
                    .endItem()
                    .endConfigMap()
                    .endVolume()
                    .endSpec());
    HasMetadata configMap =
        new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
            .withNewMetadata()
            .withName("app")
            .endMetadata()
            .addToData("app.yaml", "port: 80\n")
            .addToData("other", "unused")
            .build();

    var group = translator.translate(resolve(pod, configMap), settings()).containerGroup();

    assertThat(group.volumes().get(0).secret())
        .containsExactly(
            Map.entry("config.yaml", Base64.getEncoder().encodeToString("port: 80\n".getBytes())));
    assertThat(group.containers().get(0).volumeMounts().get(0).readOnly()).isTrue();
  }

  @Test
  void nestedVolumePathRejected() {
    Pod pod =
        pod(
            b ->
                b.editSpec()
                    .addNewVolume()
                    .withName("config")
                    .withNewConfigMap()
                    .withName("app")
                    .addNewItem()
                    .withKey("app.yaml")
                    .withPath("conf/app.yaml")
                    .endItem()
                    .endConfigMap()
                    .endVolume()
                    .endSpec());
    HasMetadata configMap =
        new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
            .withNewMetadata()
            .withName("app")
            .endMetadata()
            .addToData("app.yaml", "port: 80\n")
            .build();

    List<ValidationProblem> problems = problems(resolve(pod, configMap), settings());

    assertThat(problems)
        .extracting(ValidationProblem::fieldPath)
        .containsExactly("spec.volumes[0]");
    assertThat(problems.get(0).value()).isEqualTo("conf/app.yaml");
  }

  @Test
  void azureFileNeedsConfiguredAccount() {
    Pod pod =
        pod(
            b ->
                b.editSpec()
                    .addNewVolume()
                    .withName("share")
                    .withNewAzureFile(false, "azure-creds", "reports")
                    .endVolume()
                    .endSpec());

    var problems = problems(resolve(pod), settings());
    var volume =
        translator
            .translate(
                resolve(pod),
                settings(
                    "aci.azureFile.azure-creds.accountName",
                    "reportsacct",
                    "aci.azureFile.azure-creds.accountKey",
                    SECRET))
            .containerGroup()
            .volumes()
            .get(0)
            .azureFile();

    assertThat(problems)
        .extracting(ValidationProblem::fieldPath)
        .containsExactly("spec.volumes[0].azureFile.secretName");
    assertThat(problems.get(0).fix()).contains("aci.azureFile.azure-creds.accountKey");
    assertThat(volume.shareName()).isEqualTo("reports");
    assertThat(volume.storageAccountName()).isEqualTo("reportsacct");
    assertThat(volume.storageAccountKey()).isEqualTo(SECRET);
  }

  @Test
  void probesMappedWithKubernetesDefaults() {
    Pod pod =
        pod(
            b ->
                b.editSpec()
                    .editFirstContainer()
                    .addNewPort()
                    .withName("http")
                    .withContainerPort(8080)
                    .endPort()
                    .withNewLivenessProbe()
                    .withNewHttpGet()
                    .withPath("/healthz")
                    .withPort(new IntOrString("http"))
                    .withScheme("HTTPS")
                    .addNewHttpHeader("X-Probe", "1")
                    .endHttpGet()
                    .withPeriodSeconds(5)
                    .endLivenessProbe()
                    .withNewReadinessProbe()
                    .withNewExec()
                    .withCommand("cat", "/tmp/ready")
                    .endExec()
                    .withPeriodSeconds(0)
                    .withFailureThreshold(0)
                    .endReadinessProbe()
                    .endContainer()
                    .endSpec());

    Container app = app(translator.translate(resolve(pod), settings()));

    assertThat(app.livenessProbe().httpGet().port()).isEqualTo(8080);
    assertThat(app.livenessProbe().httpGet().scheme()).isEqualTo(Scheme.HTTPS);
    assertThat(app.livenessProbe().httpGet().httpHeaders().get(0).name()).isEqualTo("X-Probe");
    assertThat(app.livenessProbe().periodSeconds()).isEqualTo(5);
    assertThat(app.livenessProbe().timeoutSeconds()).isEqualTo(1);
    assertThat(app.livenessProbe().failureThreshold()).isEqualTo(3);
    assertThat(app.readinessProbe().exec().command()).containsExactly("cat", "/tmp/ready");
    assertThat(app.readinessProbe().periodSeconds()).isEqualTo(10);
    assertThat(app.readinessProbe().failureThreshold()).isEqualTo(3);
  }

  @Test
  void pullSecretBecomesRedactedRegistryCredential() {
    Pod pod = pod(b -> b.editSpec().addNewImagePullSecret("regcred").endSpec());
    HasMetadata regcred =
        secret(
            "regcred",
            ".dockerconfigjson",
            "{\"auths\":{\"myregistry.azurecr.io\":{\"username\":\"robot\",\"password\":\""
                + SECRET
                + "\"}}}");

    AciTranslation translation = translator.translate(resolve(pod, regcred), settings());

    var credential = translation.containerGroup().imageRegistryCredentials().get(0);
    assertThat(credential.server()).isEqualTo("myregistry.azurecr.io");
    assertThat(credential.username()).isEqualTo("robot");
    assertThat(credential.password()).isEqualTo(SECRET);
    assertThat(translation.redactedJson())
        .doesNotContain(SECRET)
        .contains("\"password\":\"<redacted>\"");
    assertThat(translation.toOffer().toString()).doesNotContain(SECRET);
    assertThat(credential.toString()).doesNotContain(SECRET);
  }

  @Test
  void restartPoliciesMapOneToOne() {
    for (String policy : List.of("Always", "OnFailure", "Never")) {
      Pod pod = pod(b -> b.editSpec().withRestartPolicy(policy).endSpec());

      assertThat(translator.translate(resolve(pod), settings()).containerGroup().restartPolicy())
          .hasToString(policy);
    }
  }

  @Test
  void nativeSidecarRunsAsRegularContainer() {
    Pod pod =
        pod(
            b ->
                b.editSpec()
                    .addNewInitContainer()
                    .withName("proxy")
                    .withImage("envoyproxy/envoy:v1.31.0")
                    .withRestartPolicy("Always")
                    .endInitContainer()
                    .endSpec());

    AciTranslation translation = translator.translate(resolve(pod), settings());

    assertThat(translation.containerGroup().containers())
        .extracting(Container::name)
        .containsExactly("app", "proxy");
    assertThat(translation.containerGroup().initContainers()).isNull();
    assertThat(translation.notes()).anyMatch(note -> note.contains("native sidecar"));
  }

  @Test
  void gpuNeedsSkuAndPriceRow(@TempDir Path dir) throws IOException {
    Pod pod =
        pod(
            b ->
                b.editSpec()
                    .editFirstContainer()
                    .editResources()
                    .addToLimits("nvidia.com/gpu", new Quantity("1"))
                    .endResources()
                    .endContainer()
                    .endSpec());
    Path table = dir.resolve("prices.csv");
    Files.writeString(
        table,
        "provider,service,region,os,arch,capacity,dimension,unit,price_usd,source,source_date,notes\n"
            + "azure,container-instances,eastus,linux,x86_64,pay-as-you-go,vcpu,per vCPU-hour,0.04,test,2026-01-02,\n"
            + "azure,container-instances,eastus,linux,x86_64,pay-as-you-go,memory,per GB-hour,0.004,test,2026-01-02,\n"
            + "azure,container-instances,eastus,linux,x86_64,pay-as-you-go,gpu-v100,per GPU-hour,2.5,test,2026-01-02,\n");

    List<ValidationProblem> noSku = problems(resolve(pod), settings());
    List<ValidationProblem> noPrice = problems(resolve(pod), settings("aci.gpuSku", "v100"));
    AciTranslation priced =
        translator.translate(
            resolve(pod), settings("aci.gpuSku", "V100", "aci.priceTable", table.toString()));

    assertThat(noSku)
        .extracting(ValidationProblem::fieldPath)
        .containsExactly("spec.containers[0].resources.limits[nvidia.com/gpu]");
    assertThat(noPrice).extracting(ValidationProblem::fieldPath).containsExactly("aci.priceTable");
    assertThat(app(priced).resources().requests().gpu().count()).isEqualTo(1);
    assertThat(app(priced).resources().requests().gpu().sku()).hasToString("V100");
    // 1 x 0.04 + 2 x 0.004 + 1 x 2.5
    assertThat(priced.hourlyUsd()).isEqualByComparingTo("2.548");
    assertThat(priced.size()).isEqualTo("1 vCPU / 2 GB / 1 V100 GPU Linux");
  }

  @Test
  void windowsAddsSoftwareMeter() {
    Pod pod = pod(b -> b.editSpec().withNewOs("windows").endSpec());

    AciTranslation translation = translator.translate(resolve(pod), settings());

    assertThat(translation.containerGroup().osType()).isEqualTo(OperatingSystemTypes.WINDOWS);
    // Linux meters 0.0494, plus 1 vCPU x 0.000012 per second x 3600
    assertThat(translation.hourlyUsd()).isEqualByComparingTo("0.0926");
  }

  @Test
  void arm64Rejected() {
    Pod pod = pod(b -> b.editSpec().addToNodeSelector("kubernetes.io/arch", "arm64").endSpec());

    assertThat(problems(resolve(pod), settings()))
        .extracting(ValidationProblem::fieldPath)
        .containsExactly("spec.nodeSelector[kubernetes.io/arch]");
  }

  @Test
  void unknownRegionPricedFromEastusAsStale() {
    AciTranslation translation =
        translator.translate(resolve(pod(b -> {})), new PlanSettings("West Europe", Map.of()));

    assertThat(translation.location()).isEqualTo("westeurope");
    assertThat(translation.priceSource().stale()).isTrue();
    assertThat(translation.hourlyUsd()).isEqualByComparingTo("0.0494");
    assertThat(translation.notes())
        .anyMatch(note -> note.startsWith("no ACI prices for westeurope"));
  }

  @Test
  void regionSettingWinsOverPlanRegion() {
    AciTranslation translation =
        translator.translate(resolve(pod(b -> {})), settings("aci.region", "swedencentral"));

    assertThat(translation.location()).isEqualTo("swedencentral");
    // 1 x 0.0466 + 2 x 0.00511
    assertThat(translation.hourlyUsd()).isEqualByComparingTo("0.05682");
  }

  @Test
  void unreadablePriceTableRejected(@TempDir Path dir) {
    String missing = dir.resolve("missing.csv").toString();

    assertThat(problems(resolve(pod(b -> {})), settings("aci.priceTable", missing)))
        .extracting(ValidationProblem::fieldPath)
        .containsExactly("aci.priceTable");
  }

  @Test
  void explicitTableUsedByConstructor() {
    AciTranslator custom = new AciTranslator(UnitPriceTable.bundled());

    assertThat(custom.translate(resolve(pod(b -> {})), settings()).hourlyUsd())
        .isEqualByComparingTo(new BigDecimal("0.0494"));
  }

  @Test
  void groupNameAndTagsCarryIdentity() {
    Pod pod = pod(b -> b.editMetadata().addToLabels("app.kubernetes.io/name", "web").endMetadata());

    AciTranslation translation =
        translator.translate(
            resolve(pod), settings("aci.clusterId", "prod-1", "aci.resourceGroup", "pods-rg"));

    assertThat(translation.containerGroupName())
        .startsWith("shop-web-0-")
        .hasSize("shop-web-0-".length() + 10);
    assertThat(translation.resourceGroup()).contains("pods-rg");
    assertThat(translation.containerGroup().tags())
        .containsEntry("nodeless-managed-by", "nodeless")
        .containsEntry("nodeless-cluster", "prod-1")
        .containsEntry("nodeless-namespace", "shop")
        .containsEntry("nodeless-pod", "web-0")
        .containsEntry("nodeless-uid", "0b1e5f3e-9a47-4c1e-8f3a-6a2d6f0c1b11")
        .containsEntry("label:app.kubernetes.io:name", "web");
  }

  @Test
  void concurrentPlansAgree() throws Exception {
    ResolvedPod pod = resolve(pod(b -> b.editMetadata().addToLabels("tier", "web").endMetadata()));
    String expected = translator.translate(pod, settings()).redactedJson();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<String>> results = new ArrayList<>();
      for (int i = 0; i < 32; i++) {
        results.add(pool.submit(() -> translator.translate(pod, settings()).redactedJson()));
      }
      for (Future<String> result : results) {
        assertThat(result.get(30, TimeUnit.SECONDS)).isEqualTo(expected);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void translateThrowsWithEveryProblem() {
    Pod pod =
        pod(
            b ->
                b.editSpec()
                    .withHostNetwork(true)
                    .editFirstContainer()
                    .withWorkingDir("/srv")
                    .endContainer()
                    .addToContainers(
                        new ContainerBuilder().withName("Bad_Name").withImage("busybox").build())
                    .endSpec());

    assertThatThrownBy(() -> translator.translate(unvalidated(pod), settings()))
        .isInstanceOfSatisfying(
            PodValidationException.class,
            e ->
                assertThat(e.problems())
                    .extracting(ValidationProblem::fieldPath)
                    .containsExactlyInAnyOrder(
                        "spec.hostNetwork",
                        "spec.containers[0].workingDir",
                        "spec.containers[1].name"))
        .hasMessageContaining("shop/web-0");
  }
}
