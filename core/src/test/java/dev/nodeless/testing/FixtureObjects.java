package dev.nodeless.testing;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Test ConfigMaps and Secrets that the {@link Fixtures} pods refer to. The objects carry no
 * namespace, so a resolver built with {@code ReferenceResolver.of} finds them from every namespace.
 */
public final class FixtureObjects {
  private FixtureObjects() {}

  /**
   * Builds the objects. Every secret password contains {@code canary}, so a test can check that it
   * never shows up outside the fields meant for secrets.
   *
   * @param canary the secret value to put into the Secrets
   * @param registryHost the registry server named in the {@code regcred} pull secret
   */
  public static List<HasMetadata> all(String canary, String registryHost) {
    return List.of(
        configMap(
            "mysql",
            Map.of(
                "primary.cnf",
                "[mysqld]\nlog-bin\n",
                "replica.cnf",
                "[mysqld]\nsuper-read-only\n")),
        configMap("example-redis-config", Map.of("redis-config", "maxmemory 2mb\n")),
        configMap(
            "special-config",
            Map.of(
                "SPECIAL_LEVEL", "very",
                "SPECIAL_TYPE", "charm",
                "special.how", "very",
                "special.level", "very")),
        configMap("env-config", Map.of("log_level", "INFO")),
        configMap("kube-root-ca.crt", Map.of("ca.crt", "-----BEGIN CERTIFICATE-----\nMIIB\n")),
        secret("mysql-pass", Map.of("password", canary)),
        secret("test-secret", Map.of("username", "my-app", "password", canary)),
        secret("user", Map.of("user", "admin")),
        secret("pass", Map.of("pass", canary)),
        secret(
            "regcred",
            Map.of(
                ".dockerconfigjson",
                "{\"auths\":{\""
                    + registryHost
                    + "\":{\"username\":\"robot\",\"password\":\""
                    + canary
                    + "\"}}}")));
  }

  private static HasMetadata configMap(String name, Map<String, String> data) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withData(data)
        .build();
  }

  /** Builds a Secret with base64 {@code data}, as an API server returns it. */
  private static HasMetadata secret(String name, Map<String, String> values) {
    SecretBuilder builder = new SecretBuilder().withNewMetadata().withName(name).endMetadata();
    values.forEach(
        (key, value) ->
            builder.addToData(
                key, Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8))));
    return builder.build();
  }
}
