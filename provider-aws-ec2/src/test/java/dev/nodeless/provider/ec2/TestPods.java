package dev.nodeless.provider.ec2;

import dev.nodeless.internal.PodPreparer;
import dev.nodeless.spi.DownwardFacts;
import dev.nodeless.spi.EnvValue;
import dev.nodeless.spi.ResolvedContainer;
import dev.nodeless.spi.ResolvedPod;
import dev.nodeless.testing.FixtureObjects;
import dev.nodeless.testing.TokenIssuingResolver;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Prepares pods for the translator the way the launcher does. A UID and namespace are set, then
 * core's validator and resolver run over the given Secrets and ConfigMaps. The downward facts are
 * those of an EC2 VM before launch: a node name, but no host or pod address yet.
 */
final class TestPods {
  /** The token every projected serviceAccountToken source receives. */
  static final String TOKEN = "service-account-token-for-tests";

  static final DownwardFacts EC2_FACTS = new DownwardFacts("nodeless-ec2", null, null, Map.of());

  /** A secret value that must never appear in a request, its JSON or the notes. */
  static final String CANARY = "fixture-secret-CANARY-4b1d";

  /** The ConfigMaps and Secrets that the fixture pods refer to, with {@link #CANARY} as secret. */
  static final List<HasMetadata> FIXTURE_OBJECTS =
      FixtureObjects.all(CANARY, "registry.example.com");

  private TestPods() {}

  static ResolvedPod resolved(Pod pod) {
    return resolved(pod, Map.of(), Map.of());
  }

  /**
   * Validates and resolves the pod.
   *
   * @param secrets secret name to key to value
   * @param configMaps config map name to key to value
   * @throws dev.nodeless.PodValidationException when core rejects the pod
   */
  static ResolvedPod resolved(
      Pod pod,
      Map<String, Map<String, String>> secrets,
      Map<String, Map<String, String>> configMaps) {
    Pod launched = withIdentity(pod);
    String namespace = launched.getMetadata().getNamespace();
    return resolved(launched, objects(namespace, secrets, configMaps));
  }

  /**
   * Validates and resolves the pod against these ConfigMaps and Secrets; objects without a
   * namespace belong to the pod's namespace.
   *
   * @throws dev.nodeless.PodValidationException when core rejects the pod
   */
  static ResolvedPod resolved(Pod pod, List<? extends HasMetadata> objects) {
    Pod launched = withIdentity(pod);
    String namespace = launched.getMetadata().getNamespace();
    List<HasMetadata> placed = new ArrayList<>();
    for (HasMetadata object : objects) {
      if (object.getMetadata().getNamespace() == null) {
        object =
            object instanceof Secret secret
                ? new SecretBuilder(secret)
                    .editMetadata()
                    .withNamespace(namespace)
                    .endMetadata()
                    .build()
                : new ConfigMapBuilder((ConfigMap) object)
                    .editMetadata()
                    .withNamespace(namespace)
                    .endMetadata()
                    .build();
      }
      placed.add(object);
    }
    return PodPreparer.prepare(
        launched, new TokenIssuingResolver(placed, TOKEN), EC2_FACTS, Ec2Translator.PROVIDER);
  }

  /**
   * Wraps a pod that core's validator would reject, with literal env only, so that a test can check
   * that the translator rejects it too when it is called directly.
   */
  static ResolvedPod unvalidated(Pod pod) {
    Pod launched = withIdentity(pod);
    List<ResolvedContainer> inits = new ArrayList<>();
    List<ResolvedContainer> apps = new ArrayList<>();
    List<Container> initSpecs = launched.getSpec().getInitContainers();
    for (int i = 0; initSpecs != null && i < initSpecs.size(); i++) {
      inits.add(literal(initSpecs.get(i), "spec.initContainers[" + i + "]", true));
    }
    List<Container> appSpecs = launched.getSpec().getContainers();
    for (int i = 0; appSpecs != null && i < appSpecs.size(); i++) {
      apps.add(literal(appSpecs.get(i), "spec.containers[" + i + "]", false));
    }
    return new ResolvedPod(launched, inits, apps, Map.of());
  }

  /** Sets a UID derived from the pod name (so runs repeat) and the default namespace if unset. */
  static Pod withIdentity(Pod pod) {
    PodBuilder builder = new PodBuilder(pod);
    if (pod.getMetadata().getUid() == null) {
      String seed = pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
      builder
          .editMetadata()
          .withUid(UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8)).toString())
          .endMetadata();
    }
    if (pod.getMetadata().getNamespace() == null) {
      builder.editMetadata().withNamespace("default").endMetadata();
    }
    return builder.build();
  }

  private static List<HasMetadata> objects(
      String namespace,
      Map<String, Map<String, String>> secrets,
      Map<String, Map<String, String>> configMaps) {
    List<HasMetadata> objects = new ArrayList<>();
    secrets.forEach(
        (name, data) ->
            objects.add(
                new SecretBuilder()
                    .withNewMetadata()
                    .withName(name)
                    .withNamespace(namespace)
                    .endMetadata()
                    .withStringData(data)
                    .build()));
    configMaps.forEach(
        (name, data) ->
            objects.add(
                new ConfigMapBuilder()
                    .withNewMetadata()
                    .withName(name)
                    .withNamespace(namespace)
                    .endMetadata()
                    .withData(data)
                    .build()));
    return objects;
  }

  private static ResolvedContainer literal(Container container, String path, boolean init) {
    List<EnvValue> env = new ArrayList<>();
    if (container.getEnv() != null) {
      container
          .getEnv()
          .forEach(
              var ->
                  env.add(
                      EnvValue.literal(
                          var.getName(), var.getValue() == null ? "" : var.getValue())));
    }
    return new ResolvedContainer(
        container,
        path,
        init,
        container.getCommand() == null ? List.of() : container.getCommand(),
        container.getArgs() == null ? List.of() : container.getArgs(),
        env);
  }
}
