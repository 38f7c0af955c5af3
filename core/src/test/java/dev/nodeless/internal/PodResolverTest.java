package dev.nodeless.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nodeless.PodValidationException;
import dev.nodeless.ReferenceResolver;
import dev.nodeless.ValidationProblem;
import dev.nodeless.spi.DownwardFacts;
import dev.nodeless.spi.EnvValue;
import dev.nodeless.spi.ResolvedContainer;
import dev.nodeless.spi.ResolvedPod;
import dev.nodeless.spi.ResolvedVolume;
import dev.nodeless.spi.VolumeFile;
import dev.nodeless.testing.Fixtures;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class PodResolverTest {
  private static final DownwardFacts FACTS =
      new DownwardFacts(
          "node-1",
          "10.0.0.1",
          "10.1.2.3",
          Map.of("cpu", new BigDecimal("4"), "memory", new BigDecimal(8L << 30)));
  private static final io.fabric8.kubernetes.client.utils.KubernetesSerialization SERIALIZATION =
      new io.fabric8.kubernetes.client.utils.KubernetesSerialization();
  private static final DownwardFacts NOTHING_KNOWN = new DownwardFacts(null, null, null, null);

  // ---- fixtures -----------------------------------------------------------------------------

  @Test
  void dependentEnvarsExpandOnlyEarlierVariables() {
    ResolvedContainer container =
        resolve(Fixtures.pod("pods/inject/dependent-envars.yaml")).containers().get(0);

    assertThat(values(container))
        .containsExactly(
            Map.entry("SERVICE_PORT", "80"),
            Map.entry("SERVICE_IP", "172.17.0.1"),
            Map.entry("UNCHANGED_REFERENCE", "$(PROTOCOL)://172.17.0.1:80"),
            Map.entry("PROTOCOL", "https"),
            Map.entry("SERVICE_ADDRESS", "https://172.17.0.1:80"),
            Map.entry("ESCAPED_REFERENCE", "https://172.17.0.1:80"));
    assertThat(container.env()).allMatch(value -> value.source() == EnvValue.Source.LITERAL);
    assertThat(container.command()).containsExactly("sh", "-c");
    assertThat(container.args()).isEqualTo(container.container().getArgs());
  }

  @Test
  void dapiEnvarsReadPodFieldsAndProviderFacts() {
    ResolvedContainer container =
        resolve(Fixtures.pod("pods/inject/dapi-envars-pod.yaml")).containers().get(0);

    assertThat(values(container))
        .containsExactly(
            Map.entry("MY_NODE_NAME", "node-1"),
            Map.entry("MY_POD_NAME", "dapi-envars-fieldref"),
            Map.entry("MY_POD_NAMESPACE", "default"),
            Map.entry("MY_POD_IP", "10.1.2.3"),
            Map.entry("MY_POD_SERVICE_ACCOUNT", "default"));
    assertThat(container.env()).allMatch(value -> value.source() == EnvValue.Source.FIELD);
  }

  @Test
  void dapiEnvarsWithUnknownFactsAreProblems() {
    Pod pod = identity(Fixtures.pod("pods/inject/dapi-envars-pod.yaml"));

    List<ValidationProblem> problems = problems(pod, ReferenceResolver.none(), NOTHING_KNOWN);

    assertThat(problems)
        .extracting(ValidationProblem::fieldPath, ValidationProblem::value)
        .containsExactly(
            tuple("spec.containers[0].env[0].valueFrom.fieldRef", "spec.nodeName"),
            tuple("spec.containers[0].env[3].valueFrom.fieldRef", "status.podIP"));
    assertThat(problems.get(1).rule()).contains("provider 'test'");
  }

  @Test
  void dapiVolumeRendersLabelsAndAnnotationsSorted() {
    ResolvedVolume volume =
        resolve(Fixtures.pod("pods/inject/dapi-volume.yaml")).volumes().get("podinfo");

    assertThat(volume.secret()).isFalse();
    assertThat(text(volume, "labels"))
        .isEqualTo("cluster=\"test-cluster1\"\nrack=\"rack-22\"\nzone=\"us-est-coast\"");
    assertThat(text(volume, "annotations")).isEqualTo("build=\"two\"\nbuilder=\"john-doe\"");
    assertThat(volume.files()).allMatch(file -> file.mode() == 0644 && !file.secret());
  }

  @Test
  void dapiVolumeResourcesDivideAndRoundUp() {
    ResolvedVolume volume =
        resolve(Fixtures.pod("pods/inject/dapi-volume-resources.yaml")).volumes().get("podinfo");

    assertThat(text(volume, "cpu_limit")).isEqualTo("250");
    assertThat(text(volume, "cpu_request")).isEqualTo("125");
    assertThat(text(volume, "mem_limit")).isEqualTo("64");
    assertThat(text(volume, "mem_request")).isEqualTo("32");
  }

  @Test
  void configMapEnvFromAddsEveryKey() {
    ConfigMap config =
        configMap("special-config", Map.of("SPECIAL_LEVEL", "very", "SPECIAL_TYPE", "charm"));

    ResolvedContainer container =
        resolve(Fixtures.pod("pods/pod-configmap-envFrom.yaml"), config).containers().get(0);

    assertThat(values(container))
        .containsExactly(Map.entry("SPECIAL_LEVEL", "very"), Map.entry("SPECIAL_TYPE", "charm"));
    assertThat(container.env())
        .allMatch(
            value ->
                value.source() == EnvValue.Source.CONFIG_MAP
                    && value.objectName().equals("special-config")
                    && value.key() == null);
    assertThat(container.command()).containsExactly("/bin/sh", "-c", "env");
  }

  @Test
  void multipleConfigMapsFeedKeyReferences() {
    ResolvedContainer container =
        resolve(
                Fixtures.pod("pods/pod-multiple-configmap-env-variable.yaml"),
                configMap("special-config", Map.of("special.how", "very")),
                configMap("env-config", Map.of("log_level", "INFO")))
            .containers()
            .get(0);

    assertThat(container.env())
        .containsExactly(
            new EnvValue(
                "SPECIAL_LEVEL_KEY",
                "very",
                EnvValue.Source.CONFIG_MAP,
                "special-config",
                "special.how"),
            new EnvValue(
                "LOG_LEVEL", "INFO", EnvValue.Source.CONFIG_MAP, "env-config", "log_level"));
  }

  @Test
  void missingConfigMapAndKeyAreProblems() {
    Pod pod = identity(Fixtures.pod("pods/pod-multiple-configmap-env-variable.yaml"));
    ReferenceResolver resolver =
        ReferenceResolver.of(List.of(configMap("special-config", Map.of("other", "x"))));

    List<ValidationProblem> problems = problems(pod, resolver, FACTS);

    assertThat(problems)
        .extracting(ValidationProblem::fieldPath, ValidationProblem::value)
        .containsExactly(
            tuple("spec.containers[0].env[0].valueFrom.configMapKeyRef", "special.how"),
            tuple("spec.containers[0].env[1].valueFrom.configMapKeyRef", "env-config"));
    assertThat(problems.get(0).rule())
        .isEqualTo("ConfigMap default/special-config has no key 'special.how'");
    assertThat(problems.get(1).rule()).isEqualTo("ConfigMap default/env-config was not found");
    assertThat(problems.get(1).fix()).contains("optional: true");
  }

  @Test
  void secretEnvFromIsSecretAndRedacted() {
    Secret secret = secret("test-secret", Map.of("username", "my-app", "password", "39528$vdg7Jb"));

    ResolvedContainer container =
        resolve(Fixtures.pod("pods/inject/pod-secret-envFrom.yaml"), secret).containers().get(0);

    assertThat(values(container))
        .containsExactly(Map.entry("password", "39528$vdg7Jb"), Map.entry("username", "my-app"));
    assertThat(container.env()).allMatch(EnvValue::secret);
    assertThat(container.toString()).doesNotContain("39528$vdg7Jb").doesNotContain("my-app");
  }

  @Test
  void secretVolumeWritesEveryKeyAsSecretFile() {
    Secret secret = secret("test-secret", Map.of("username", "my-app", "password", "39528$vdg7Jb"));

    ResolvedVolume volume =
        resolve(Fixtures.pod("pods/inject/secret-pod.yaml"), secret).volumes().get("secret-volume");

    assertThat(volume.secret()).isTrue();
    assertThat(volume.files())
        .containsExactly(
            new VolumeFile("password", bytes("39528$vdg7Jb"), 0644, true),
            new VolumeFile("username", bytes("my-app"), 0644, true));
  }

  @Test
  void projectedVolumeMergesSources() {
    ResolvedVolume volume =
        resolve(
                Fixtures.pod("pods/storage/projected.yaml"),
                secret("user", Map.of("username", "admin")),
                secret("pass", Map.of("password", "1f2d1e2e67df")))
            .volumes()
            .get("all-in-one");

    assertThat(volume.secret()).isTrue();
    assertThat(volume.files())
        .containsExactly(
            new VolumeFile("username", bytes("admin"), 0644, true),
            new VolumeFile("password", bytes("1f2d1e2e67df"), 0644, true));
  }

  @Test
  void configMapVolumeProjectsOnlyListedKey() {
    ResolvedVolume volume =
        resolve(
                Fixtures.pod("pods/pod-configmap-volume-specific-key.yaml"),
                configMap(
                    "special-config", Map.of("special.level", "very", "special.type", "charm")))
            .volumes()
            .get("config-volume");

    assertThat(volume.secret()).isFalse();
    assertThat(volume.files()).containsExactly(new VolumeFile("keys", bytes("very"), 0644, false));
  }

  @Test
  void configMapVolumeMissingKeyIsProblem() {
    Pod pod = identity(Fixtures.pod("pods/pod-configmap-volume-specific-key.yaml"));
    ReferenceResolver resolver =
        ReferenceResolver.of(List.of(configMap("special-config", Map.of("special.type", "charm"))));

    List<ValidationProblem> problems = problems(pod, resolver, FACTS);

    assertThat(problems)
        .extracting(ValidationProblem::fieldPath, ValidationProblem::value)
        .containsExactly(tuple("spec.volumes[0].configMap.items[0].key", "special.level"));
  }

  // ---- env rules ----------------------------------------------------------------------------

  @Test
  void envOverridesEnvFromAndLaterEnvWins() {
    Pod pod =
        pod(
            """
            containers:
            - name: app
              image: busybox
              envFrom:
              - configMapRef: {name: base}
              env:
              - {name: B, value: from-env}
              - {name: C, value: first}
              - {name: C, value: second}
            """);

    ResolvedContainer container =
        resolve(pod, configMap("base", Map.of("A", "1", "B", "from-config"))).containers().get(0);

    assertThat(values(container))
        .containsExactly(Map.entry("A", "1"), Map.entry("B", "from-env"), Map.entry("C", "second"));
  }

  @Test
  void envFromPrefixSkipsInvalidNames() {
    Pod pod =
        pod(
            """
            containers:
            - name: app
              image: busybox
              envFrom:
              - prefix: APP_
                configMapRef: {name: base}
            """);

    ResolvedContainer container =
        resolve(pod, configMap("base", Map.of("level", "debug", "bad=key", "x", "tab\tkey", "y")))
            .containers()
            .get(0);

    assertThat(values(container)).containsExactly(Map.entry("APP_level", "debug"));
  }

  @Test
  void optionalReferencesAreSkippedWhenMissing() {
    Pod pod =
        pod(
            """
            containers:
            - name: app
              image: busybox
              envFrom:
              - configMapRef: {name: absent, optional: true}
              - secretRef: {name: absent, optional: true}
              - configMapRef: {name: base}
              env:
              - name: A
                valueFrom:
                  configMapKeyRef: {name: base, key: missing, optional: true}
              - name: B
                valueFrom:
                  secretKeyRef: {name: absent, key: k, optional: true}
            """);

    ResolvedContainer container =
        resolve(pod, configMap("base", Map.of("A", "kept"))).containers().get(0);

    assertThat(values(container)).containsExactly(Map.entry("A", "kept"));
  }

  @Test
  void escapesAndUnknownReferencesFollowKubernetes() {
    Pod pod =
        pod(
            """
            containers:
            - name: app
              image: busybox
              command: ["echo", "$(LATER)", "$$(LATER)", "$(UNKNOWN)", "$HOME", "cost: 5$"]
              args: ["--name=$(NAME)", "$(", "$$$$"]
              env:
              - {name: NAME, value: web}
              - {name: ESCAPED, value: "$$(NAME)"}
              - {name: JOINED, value: "$(NAME)-$(NAME)$"}
              - {name: LATER, value: late}
            """);

    ResolvedContainer container = resolve(pod).containers().get(0);

    assertThat(values(container))
        .containsEntry("ESCAPED", "$(NAME)")
        .containsEntry("JOINED", "web-web$");
    assertThat(container.command())
        .containsExactly("echo", "late", "$(LATER)", "$(UNKNOWN)", "$HOME", "cost: 5$");
    assertThat(container.args()).containsExactly("--name=web", "$(", "$$");
  }

  @Test
  void valueBuiltFromSecretIsSecret() {
    Pod pod =
        pod(
            """
            containers:
            - name: app
              image: busybox
              env:
              - name: PASSWORD
                valueFrom:
                  secretKeyRef: {name: db, key: password}
              - {name: URL, value: "postgres://app:$(PASSWORD)@db"}
              - {name: PLAIN, value: "no secret here"}
            """);

    ResolvedContainer container =
        resolve(pod, secret("db", Map.of("password", "s3cr3t"))).containers().get(0);

    EnvValue url = container.env().get(1);
    assertThat(url.value()).isEqualTo("postgres://app:s3cr3t@db");
    assertThat(url.secret()).isTrue();
    assertThat(container.env().get(2).secret()).isFalse();
  }

  @Test
  void missingSecretKeyNamesObjectAndKey() {
    Pod pod =
        pod(
            """
            containers:
            - name: app
              image: busybox
              env:
              - {name: A, value: a}
              - {name: B, value: b}
              - name: TOKEN
                valueFrom:
                  secretKeyRef: {name: api, key: token}
            """);

    List<ValidationProblem> problems =
        problems(
            identity(pod),
            ReferenceResolver.of(List.of(secret("api", Map.of("other", "x")))),
            FACTS);

    assertThat(problems).hasSize(1);
    assertThat(problems.get(0).fieldPath())
        .isEqualTo("spec.containers[0].env[2].valueFrom.secretKeyRef");
    assertThat(problems.get(0).value()).isEqualTo("token");
    assertThat(problems.get(0).rule()).isEqualTo("Secret default/api has no key 'token'");
  }

  @Test
  void secretStringDataOverridesData() {
    Secret secret =
        new SecretBuilder()
            .withNewMetadata()
            .withName("mixed")
            .endMetadata()
            .withData(Map.of("a", base64("from-data"), "b", base64("only-data")))
            .withStringData(Map.of("a", "from-string-data"))
            .build();
    Pod pod =
        pod(
            """
            containers:
            - name: app
              image: busybox
              envFrom:
              - secretRef: {name: mixed}
            """);

    assertThat(values(resolve(pod, secret).containers().get(0)))
        .containsExactly(Map.entry("a", "from-string-data"), Map.entry("b", "only-data"));
  }

  @Test
  void invalidBase64IsRedactedProblem() {
    Secret secret =
        new SecretBuilder()
            .withNewMetadata()
            .withName("broken")
            .endMetadata()
            .withData(Map.of("k", "not*base64!"))
            .build();
    Pod pod =
        pod(
            """
            containers:
            - name: app
              image: busybox
              envFrom:
              - secretRef: {name: broken}
            """);

    List<ValidationProblem> problems =
        problems(identity(pod), ReferenceResolver.of(List.of(secret)), FACTS);

    assertThat(problems).hasSize(1);
    assertThat(problems.get(0).value()).isEqualTo("<redacted>");
    assertThat(problems.get(0).rule()).contains("not valid base64").doesNotContain("not*base64!");
  }

  // ---- resourceFieldRef ---------------------------------------------------------------------

  @Test
  void resourceFieldRefRoundsUp() {
    Pod pod =
        pod(
            """
            containers:
            - name: app
              image: busybox
              resources:
                requests: {cpu: 250m, memory: 1537}
                limits: {cpu: "1.5"}
              env:
              - name: CPU_REQUEST_CORES
                valueFrom: {resourceFieldRef: {resource: requests.cpu}}
              - name: CPU_LIMIT_CORES
                valueFrom: {resourceFieldRef: {resource: limits.cpu}}
              - name: CPU_LIMIT_MILLIS
                valueFrom: {resourceFieldRef: {resource: limits.cpu, divisor: 1m}}
              - name: MEMORY_REQUEST_KI
                valueFrom: {resourceFieldRef: {resource: requests.memory, divisor: 1Ki}}
              - name: MEMORY_LIMIT_MI
                valueFrom: {resourceFieldRef: {resource: limits.memory, divisor: 1Mi}}
              - name: OTHER_MEMORY_REQUEST
                valueFrom: {resourceFieldRef: {containerName: other, resource: requests.memory}}
            - name: other
              image: busybox
              resources:
                limits: {memory: 64Mi}
            """);

    ResolvedContainer container = resolve(pod).containers().get(0);

    assertThat(values(container))
        .containsExactly(
            Map.entry("CPU_REQUEST_CORES", "1"),
            Map.entry("CPU_LIMIT_CORES", "2"),
            Map.entry("CPU_LIMIT_MILLIS", "1500"),
            Map.entry("MEMORY_REQUEST_KI", "2"),
            Map.entry("MEMORY_LIMIT_MI", "8192"),
            Map.entry("OTHER_MEMORY_REQUEST", "67108864"));
    assertThat(container.env()).allMatch(value -> value.source() == EnvValue.Source.RESOURCE);
  }

  @Test
  void resourceFieldRefNeedsLimitOrAllocatable() {
    Pod pod =
        pod(
            """
            containers:
            - name: app
              image: busybox
              env:
              - name: MEMORY_LIMIT
                valueFrom: {resourceFieldRef: {resource: limits.memory}}
            """);

    List<ValidationProblem> problems =
        problems(identity(pod), ReferenceResolver.none(), NOTHING_KNOWN);

    assertThat(problems).hasSize(1);
    assertThat(problems.get(0).fieldPath())
        .isEqualTo("spec.containers[0].env[0].valueFrom.resourceFieldRef");
    assertThat(problems.get(0).fix()).contains("resources.limits.memory");
  }

  // ---- volumes ------------------------------------------------------------------------------

  @Test
  void configMapVolumeAppliesModes() {
    Pod pod =
        pod(
            """
            containers:
            - name: app
              image: busybox
            volumes:
            - name: all
              configMap: {name: files, defaultMode: 256}
            - name: some
              configMap:
                name: files
                items:
                - {key: text, path: conf/text.txt, mode: 384}
                - {key: absent, path: absent}
                optional: true
            - name: none
              configMap: {name: absent, optional: true}
            """);
    ConfigMap files =
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName("files")
            .endMetadata()
            .withData(Map.of("text", "hello"))
            .withBinaryData(
                Map.of("blob", Base64.getEncoder().encodeToString(new byte[] {0, 1, 2})))
            .build();

    ResolvedPod resolved = resolve(pod, files);

    assertThat(resolved.volumes().get("all").files())
        .containsExactly(
            new VolumeFile("blob", new byte[] {0, 1, 2}, 0400, false),
            new VolumeFile("text", bytes("hello"), 0400, false));
    assertThat(resolved.volumes().get("some").files())
        .containsExactly(new VolumeFile("conf/text.txt", bytes("hello"), 0600, false));
    assertThat(resolved.volumes().get("none").files()).isEmpty();
  }

  @Test
  void serviceAccountTokenNeedsResolverSupport() {
    Pod pod =
        pod(
            """
            serviceAccountName: builder
            containers:
            - name: app
              image: busybox
            volumes:
            - name: token
              projected:
                sources:
                - serviceAccountToken: {path: token, audience: vault, expirationSeconds: 600}
            """);

    List<ValidationProblem> problems = problems(identity(pod), ReferenceResolver.none(), FACTS);

    assertThat(problems).hasSize(1);
    assertThat(problems.get(0).fieldPath())
        .isEqualTo("spec.volumes[0].projected.sources[0].serviceAccountToken");
    assertThat(problems.get(0).fix()).contains("ReferenceResolver.serviceAccountToken");
  }

  @Test
  void serviceAccountTokenFromResolverIsSecretFile() {
    Pod pod =
        pod(
            """
            serviceAccountName: builder
            containers:
            - name: app
              image: busybox
            volumes:
            - name: token
              projected:
                defaultMode: 288
                sources:
                - serviceAccountToken: {path: token, audience: vault, expirationSeconds: 600}
            """);
    List<String> requests = new java.util.ArrayList<>();
    ReferenceResolver resolver =
        new ReferenceResolver() {
          @Override
          public Optional<ConfigMap> configMap(String namespace, String name) {
            return Optional.empty();
          }

          @Override
          public Optional<Secret> secret(String namespace, String name) {
            return Optional.empty();
          }

          @Override
          public Optional<String> serviceAccountToken(
              String namespace, String serviceAccountName, String audience, long seconds) {
            requests.add(namespace + "/" + serviceAccountName + " " + audience + " " + seconds);
            return Optional.of("jwt-token");
          }
        };

    ResolvedPod resolved = PodPreparer.prepare(identity(pod), resolver, FACTS, "test");

    assertThat(requests).containsExactly("default/builder vault 600");
    assertThat(resolved.volumes().get("token").secret()).isTrue();
    assertThat(resolved.volumes().get("token").files())
        .containsExactly(new VolumeFile("token", bytes("jwt-token"), 0440, true));
  }

  @Test
  void clusterTrustBundleIsUnsupported() {
    Pod pod =
        pod(
            """
            containers:
            - name: app
              image: busybox
            volumes:
            - name: ca
              projected:
                sources:
                - clusterTrustBundle: {name: example-ca, path: ca.pem}
            """);

    List<ValidationProblem> problems = problems(identity(pod), ReferenceResolver.none(), FACTS);

    assertThat(problems)
        .extracting(ValidationProblem::fieldPath)
        .containsExactly("spec.volumes[0].projected.sources[0].clusterTrustBundle");
  }

  @Test
  void resolverFailureIsRetryableNotValidation() {
    ReferenceResolver failing =
        new ReferenceResolver() {
          @Override
          public Optional<ConfigMap> configMap(String namespace, String name) {
            throw new IllegalStateException("API server unavailable");
          }

          @Override
          public Optional<Secret> secret(String namespace, String name) {
            return Optional.empty();
          }
        };
    Pod pod = identity(Fixtures.pod("pods/pod-configmap-envFrom.yaml"));

    assertThatThrownBy(() -> PodPreparer.prepare(pod, failing, FACTS, "test"))
        .isInstanceOfSatisfying(
            dev.nodeless.NodelessException.class,
            e -> {
              assertThat(e).isNotInstanceOf(PodValidationException.class);
              assertThat(e.retryable()).isTrue();
              assertThat(e.getMessage()).contains("ConfigMap default/special-config");
            });
  }

  // ---- helpers ------------------------------------------------------------------------------

  private static org.assertj.core.groups.Tuple tuple(Object... values) {
    return org.assertj.core.groups.Tuple.tuple(values);
  }

  private static ResolvedPod resolve(Pod pod, HasMetadata... objects) {
    return PodPreparer.prepare(
        identity(pod), ReferenceResolver.of(List.of(objects)), FACTS, "test");
  }

  private static List<ValidationProblem> problems(
      Pod pod, ReferenceResolver resolver, DownwardFacts facts) {
    try {
      PodPreparer.prepare(pod, resolver, facts, "test");
    } catch (PodValidationException e) {
      return e.problems();
    }
    throw new AssertionError("pod " + pod.getMetadata().getName() + " was accepted");
  }

  private static Pod identity(Pod pod) {
    String namespace = pod.getMetadata().getNamespace();
    return new PodBuilder(pod)
        .editMetadata()
        .withUid("uid-1")
        .withNamespace(namespace == null ? "default" : namespace)
        .endMetadata()
        .build();
  }

  /** A pod named {@code test} with the given spec, written as YAML. */
  static Pod pod(String specYaml) {
    String yaml =
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: test\nspec:\n" + specYaml.indent(2);
    return SERIALIZATION.unmarshal(yaml, Pod.class);
  }

  private static Map<String, String> values(ResolvedContainer container) {
    return container.env().stream()
        .collect(
            Collectors.toMap(EnvValue::name, EnvValue::value, (a, b) -> b, LinkedHashMap::new));
  }

  private static String text(ResolvedVolume volume, String path) {
    return volume.files().stream()
        .filter(file -> file.path().equals(path))
        .map(file -> new String(file.content(), StandardCharsets.UTF_8))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no file " + path + " in " + volume));
  }

  private static ConfigMap configMap(String name, Map<String, String> data) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withData(data)
        .build();
  }

  private static Secret secret(String name, Map<String, String> values) {
    Map<String, String> data = new LinkedHashMap<>();
    values.forEach((key, value) -> data.put(key, base64(value)));
    return new SecretBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withData(data)
        .build();
  }

  private static String base64(String value) {
    return Base64.getEncoder().encodeToString(bytes(value));
  }

  private static byte[] bytes(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }
}
