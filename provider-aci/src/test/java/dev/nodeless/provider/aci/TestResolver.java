package dev.nodeless.provider.aci;

import com.azure.json.JsonProviders;
import com.azure.json.JsonReader;
import dev.nodeless.ReferenceResolver;
import dev.nodeless.internal.PodPreparer;
import dev.nodeless.spi.DownwardFacts;
import dev.nodeless.spi.RegistryCredential;
import dev.nodeless.spi.ResolvedPod;
import dev.nodeless.testing.TokenIssuingResolver;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Prepares pods the way the launcher does, with core's validator and resolver, over a fixed set of
 * ConfigMaps and Secrets. It also issues a fixed service account token and reads registry logins
 * from the pull secrets.
 */
final class TestResolver {
  /** The token every projected serviceAccountToken source receives. */
  static final String TOKEN = "service-account-token";

  /** The downward facts of an ACI group before launch: no node or pod address yet. */
  static final DownwardFacts ACI_FACTS = new DownwardFacts("aci", null, null, Map.of());

  private final ReferenceResolver resolver;

  TestResolver(List<? extends HasMetadata> objects) {
    this.resolver = new TokenIssuingResolver(objects, TOKEN);
  }

  /** Gives the pod a namespace and a UID derived from its name when it has none. */
  static Pod identified(Pod pod) {
    PodBuilder builder = new PodBuilder(pod);
    if (pod.getMetadata().getNamespace() == null) {
      builder.editMetadata().withNamespace("default").endMetadata();
    }
    if (pod.getMetadata().getUid() == null) {
      String uid =
          UUID.nameUUIDFromBytes(pod.getMetadata().getName().getBytes(StandardCharsets.UTF_8))
              .toString();
      builder.editMetadata().withUid(uid).endMetadata();
    }
    return builder.build();
  }

  /**
   * Validates and resolves the pod.
   *
   * @throws dev.nodeless.PodValidationException when core rejects the pod
   */
  ResolvedPod resolve(Pod original) {
    Pod pod = identified(original);
    ResolvedPod resolved = PodPreparer.prepare(pod, resolver, ACI_FACTS, AciTranslator.PROVIDER);
    List<RegistryCredential> credentials = credentials(resolved.pod());
    if (credentials.isEmpty()) {
      return resolved;
    }
    return new ResolvedPod(
        resolved.pod(),
        resolved.initContainers(),
        resolved.containers(),
        resolved.volumes(),
        credentials);
  }

  // TODO: drop once core's resolver fills ResolvedPod.registryCredentials from imagePullSecrets.
  @SuppressWarnings("unchecked")
  private List<RegistryCredential> credentials(Pod pod) {
    List<RegistryCredential> result = new ArrayList<>();
    List<LocalObjectReference> refs = pod.getSpec().getImagePullSecrets();
    for (LocalObjectReference ref : refs == null ? List.<LocalObjectReference>of() : refs) {
      Optional<Secret> secret = resolver.secret(pod.getMetadata().getNamespace(), ref.getName());
      if (secret.isEmpty()) {
        continue;
      }
      byte[] config = dockerConfig(secret.get());
      if (config == null) {
        continue;
      }
      try (JsonReader reader = JsonProviders.createReader(config)) {
        Map<String, Object> root = (Map<String, Object>) reader.readUntyped();
        Map<String, Object> auths = (Map<String, Object>) root.get("auths");
        new TreeMap<>(auths)
            .forEach(
                (server, entry) -> {
                  Map<String, Object> auth = (Map<String, Object>) entry;
                  result.add(
                      new RegistryCredential(
                          ref.getName(),
                          server,
                          String.valueOf(auth.get("username")),
                          String.valueOf(auth.get("password"))));
                });
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return result;
  }

  private static byte[] dockerConfig(Secret secret) {
    String key = ".dockerconfigjson";
    if (secret.getStringData() != null && secret.getStringData().containsKey(key)) {
      return secret.getStringData().get(key).getBytes(StandardCharsets.UTF_8);
    }
    if (secret.getData() != null && secret.getData().containsKey(key)) {
      return Base64.getDecoder().decode(secret.getData().get(key));
    }
    return null;
  }
}
