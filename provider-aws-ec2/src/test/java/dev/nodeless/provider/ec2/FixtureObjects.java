package dev.nodeless.provider.ec2;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.util.List;
import java.util.Map;

/** The ConfigMaps and Secrets that the fixture pods refer to, with test values. */
final class FixtureObjects {
  /** A secret value that must never appear in a request, its JSON or the notes. */
  static final String CANARY = "fixture-secret-CANARY-4b1d";

  private FixtureObjects() {}

  static List<HasMetadata> all() {
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
        secret("mysql-pass", Map.of("password", CANARY)),
        secret("test-secret", Map.of("username", "my-app", "password", CANARY)),
        secret("user", Map.of("user", "admin")),
        secret("pass", Map.of("pass", CANARY)),
        secret(
            "regcred",
            Map.of(
                ".dockerconfigjson",
                "{\"auths\":{\"registry.example.com\":{\"username\":\"robot\",\"password\":\""
                    + CANARY
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

  private static HasMetadata secret(String name, Map<String, String> data) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withStringData(data)
        .build();
  }
}
