package dev.nodeless.internal;

import dev.nodeless.NodelessException;
import dev.nodeless.PodRef;
import dev.nodeless.ReferenceResolver;
import dev.nodeless.spi.DownwardFacts;
import dev.nodeless.spi.EnvValue;
import dev.nodeless.spi.RegistryCredential;
import dev.nodeless.spi.ResolvedContainer;
import dev.nodeless.spi.ResolvedPod;
import dev.nodeless.spi.ResolvedVolume;
import dev.nodeless.spi.VolumeFile;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapKeySelector;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.DownwardAPIVolumeFile;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ProjectedVolumeSource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.ServiceAccountTokenProjection;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves every reference of a pod the way the kubelet does: the environment of each container
 * (envFrom, then env with {@code $(VAR)} expansion and valueFrom sources), the expanded command and
 * args, and the files of configMap, secret, downwardAPI and projected volumes. A reference that
 * cannot be resolved becomes a problem; optional references that are missing are skipped.
 */
final class PodResolver {
  private static final Logger LOG = LoggerFactory.getLogger(PodResolver.class);
  private static final com.fasterxml.jackson.databind.ObjectMapper DOCKER_CONFIG =
      new com.fasterxml.jackson.databind.ObjectMapper();

  /** Default file mode of configMap, secret, downwardAPI and projected volumes: 0644. */
  static final int DEFAULT_MODE = 0644;

  private static final long DEFAULT_TOKEN_SECONDS = 3600;

  private final Pod pod;
  private final PodRef ref;
  private final String namespace;
  private final ReferenceResolver resolver;
  private final DownwardFacts facts;
  private final String provider;
  private final Problems problems;
  private final Map<String, Optional<ConfigMap>> configMaps = new HashMap<>();
  private final Map<String, Optional<Map<String, byte[]>>> secrets = new HashMap<>();

  PodResolver(
      Pod pod,
      ReferenceResolver resolver,
      DownwardFacts facts,
      String provider,
      Problems problems) {
    this.pod = pod;
    this.ref = PodRef.of(pod);
    this.namespace = ref.namespace();
    this.resolver = resolver;
    this.facts = facts;
    this.provider = provider;
    this.problems = problems;
  }

  ResolvedPod resolve() {
    List<ResolvedContainer> inits = new ArrayList<>();
    List<Container> initSpecs = pod.getSpec().getInitContainers();
    for (int i = 0; initSpecs != null && i < initSpecs.size(); i++) {
      inits.add(resolveContainer(initSpecs.get(i), "spec.initContainers[" + i + "]", true));
    }
    List<ResolvedContainer> apps = new ArrayList<>();
    List<Container> appSpecs = pod.getSpec().getContainers();
    for (int i = 0; appSpecs != null && i < appSpecs.size(); i++) {
      apps.add(resolveContainer(appSpecs.get(i), "spec.containers[" + i + "]", false));
    }
    Map<String, ResolvedVolume> volumes = new LinkedHashMap<>();
    List<Volume> volumeSpecs = pod.getSpec().getVolumes();
    for (int i = 0; volumeSpecs != null && i < volumeSpecs.size(); i++) {
      Volume volume = volumeSpecs.get(i);
      ResolvedVolume resolved = resolveVolume(volume, "spec.volumes[" + i + "]");
      if (resolved != null && volume.getName() != null) {
        volumes.putIfAbsent(volume.getName(), resolved);
      }
    }
    return new ResolvedPod(pod, inits, apps, volumes, registryCredentials());
  }

  /**
   * Reads the registry logins of the Secrets named in {@code spec.imagePullSecrets}: the {@code
   * auths} of a {@code .dockerconfigjson} key, or the top-level map of a legacy {@code .dockercfg}
   * key, each with {@code username} and {@code password} or a base64 {@code auth}. As the kubelet
   * does, a missing Secret or one without a docker config is skipped, and the pull goes without it.
   */
  private List<RegistryCredential> registryCredentials() {
    List<RegistryCredential> credentials = new ArrayList<>();
    List<LocalObjectReference> references = pod.getSpec().getImagePullSecrets();
    for (int i = 0; references != null && i < references.size(); i++) {
      String name = references.get(i).getName();
      String path = "spec.imagePullSecrets[" + i + "].name";
      Optional<Map<String, byte[]>> secret = secret(name, path);
      if (secret.isEmpty()) {
        LOG.warn("Pod {}: image pull secret {} was not found; pulling without it", ref, name);
        continue;
      }
      byte[] config = secret.get().get(".dockerconfigjson");
      boolean legacy = config == null;
      if (legacy) {
        config = secret.get().get(".dockercfg");
      }
      if (config == null) {
        LOG.warn(
            "Pod {}: image pull secret {} has no docker config; pulling without it", ref, name);
        continue;
      }
      Map<?, ?> auths;
      try {
        Map<?, ?> root = DOCKER_CONFIG.readValue(config, Map.class);
        auths = legacy ? root : (Map<?, ?>) root.get("auths");
      } catch (java.io.IOException | ClassCastException e) {
        problems.add(
            path,
            name,
            "Secret " + namespace + "/" + name + " holds a docker config that is not valid JSON",
            "store a docker config.json with an auths map under the key .dockerconfigjson");
        continue;
      }
      if (auths == null) {
        continue;
      }
      for (Map.Entry<?, ?> entry : auths.entrySet()) {
        if (entry.getValue() instanceof Map<?, ?> login) {
          RegistryCredential credential = credential(name, entry.getKey().toString(), login);
          if (credential != null) {
            credentials.add(credential);
          }
        }
      }
    }
    return credentials;
  }

  private static RegistryCredential credential(String secret, String server, Map<?, ?> login) {
    Object user = login.get("username");
    Object password = login.get("password");
    if ((user == null || password == null) && login.get("auth") instanceof String auth) {
      byte[] decoded = decode(auth);
      String pair = decoded == null ? "" : new String(decoded, StandardCharsets.UTF_8);
      int colon = pair.indexOf(':');
      if (colon < 0) {
        return null;
      }
      user = pair.substring(0, colon);
      password = pair.substring(colon + 1);
    }
    if (user == null || password == null) {
      return null;
    }
    return new RegistryCredential(secret, server, user.toString(), password.toString());
  }

  // ---- containers ---------------------------------------------------------------------------

  private ResolvedContainer resolveContainer(Container container, String path, boolean init) {
    Map<String, EnvValue> env = new LinkedHashMap<>();
    List<EnvFromSource> sources = container.getEnvFrom();
    for (int i = 0; sources != null && i < sources.size(); i++) {
      addEnvFrom(env, sources.get(i), path + ".envFrom[" + i + "]");
    }
    List<EnvVar> vars = container.getEnv();
    for (int i = 0; vars != null && i < vars.size(); i++) {
      EnvVar var = vars.get(i);
      if (var.getName() == null) {
        continue;
      }
      EnvValue value = resolveVar(var, container, env, path + ".env[" + i + "]");
      if (value != null) {
        // A later definition replaces an earlier one and moves to its place in the order.
        env.remove(var.getName());
        env.put(var.getName(), value);
      }
    }
    List<String> command = expandAll(container.getCommand(), env);
    List<String> args = expandAll(container.getArgs(), env);
    return new ResolvedContainer(container, path, init, command, args, List.copyOf(env.values()));
  }

  private void addEnvFrom(Map<String, EnvValue> env, EnvFromSource source, String path) {
    String prefix = source.getPrefix() == null ? "" : source.getPrefix();
    if (source.getConfigMapRef() != null) {
      String name = source.getConfigMapRef().getName();
      boolean optional = Boolean.TRUE.equals(source.getConfigMapRef().getOptional());
      Optional<ConfigMap> configMap = configMap(name);
      if (configMap.isEmpty()) {
        if (!optional) {
          missingObject(path + ".configMapRef", "ConfigMap", name);
        }
        return;
      }
      Map<String, String> data = configMap.get().getData();
      for (Map.Entry<String, String> entry : sorted(data).entrySet()) {
        String varName = prefix + entry.getKey();
        if (acceptEnvFromKey(varName, "ConfigMap", name)) {
          env.put(
              varName,
              new EnvValue(
                  varName, nullToEmpty(entry.getValue()), EnvValue.Source.CONFIG_MAP, name, null));
        }
      }
    } else if (source.getSecretRef() != null) {
      String name = source.getSecretRef().getName();
      boolean optional = Boolean.TRUE.equals(source.getSecretRef().getOptional());
      Optional<Map<String, byte[]>> secret = secret(name, path + ".secretRef");
      if (secret.isEmpty()) {
        if (!optional) {
          missingObject(path + ".secretRef", "Secret", name);
        }
        return;
      }
      for (Map.Entry<String, byte[]> entry : secret.get().entrySet()) {
        String varName = prefix + entry.getKey();
        if (acceptEnvFromKey(varName, "Secret", name)) {
          env.put(
              varName,
              new EnvValue(varName, utf8(entry.getValue()), EnvValue.Source.SECRET, name, null));
        }
      }
    }
  }

  /**
   * Whether an envFrom key, with its prefix, can be a variable name. Kubelets before relaxed name
   * validation skipped keys that were not C-style names. Under relaxed validation only keys that
   * can never name a variable remain: empty ones, and those with {@code =} or characters outside
   * printable ASCII.
   */
  private boolean acceptEnvFromKey(String varName, String kind, String object) {
    if (Names.isEnvName(varName)) {
      return true;
    }
    LOG.debug(
        "Pod {}: skipping key '{}' of {} {} in envFrom, which is not a valid variable name",
        ref,
        varName,
        kind,
        object);
    return false;
  }

  private EnvValue resolveVar(
      EnvVar var, Container container, Map<String, EnvValue> env, String path) {
    String name = var.getName();
    String literal = var.getValue();
    EnvVarSource source = var.getValueFrom();
    if (literal != null && !literal.isEmpty()) {
      boolean[] usedSecret = new boolean[1];
      String expanded =
          EnvExpansion.expand(
              literal,
              reference -> {
                EnvValue value = env.get(reference);
                if (value == null) {
                  return null;
                }
                usedSecret[0] |= value.secret();
                return value.value();
              });
      // A value built from a secret is itself secret, so providers keep it out of plain fields.
      return usedSecret[0]
          ? new EnvValue(name, expanded, EnvValue.Source.SECRET, null, null)
          : EnvValue.literal(name, expanded);
    }
    if (source == null) {
      return EnvValue.literal(name, "");
    }
    String sourcePath = path + ".valueFrom";
    if (source.getConfigMapKeyRef() != null) {
      return configMapKey(name, source.getConfigMapKeyRef(), sourcePath + ".configMapKeyRef");
    }
    if (source.getSecretKeyRef() != null) {
      return secretKey(name, source.getSecretKeyRef(), sourcePath + ".secretKeyRef");
    }
    if (source.getFieldRef() != null && source.getFieldRef().getFieldPath() != null) {
      String value =
          DownwardApi.fieldValue(
              pod,
              facts,
              source.getFieldRef().getFieldPath(),
              problems,
              sourcePath + ".fieldRef",
              provider);
      return value == null ? null : new EnvValue(name, value, EnvValue.Source.FIELD, null, null);
    }
    if (source.getResourceFieldRef() != null) {
      String value =
          DownwardApi.resourceValue(
              pod,
              container,
              source.getResourceFieldRef(),
              facts,
              problems,
              sourcePath + ".resourceFieldRef",
              provider);
      return value == null ? null : new EnvValue(name, value, EnvValue.Source.RESOURCE, null, null);
    }
    return null;
  }

  private EnvValue configMapKey(String name, ConfigMapKeySelector selector, String path) {
    boolean optional = Boolean.TRUE.equals(selector.getOptional());
    Optional<ConfigMap> configMap = configMap(selector.getName());
    if (configMap.isEmpty()) {
      if (!optional) {
        missingObject(path, "ConfigMap", selector.getName());
      }
      return null;
    }
    Map<String, String> data = configMap.get().getData();
    if (data == null || !data.containsKey(selector.getKey())) {
      if (!optional) {
        missingKey(path, "ConfigMap", selector.getName(), selector.getKey());
      }
      return null;
    }
    return new EnvValue(
        name,
        nullToEmpty(data.get(selector.getKey())),
        EnvValue.Source.CONFIG_MAP,
        selector.getName(),
        selector.getKey());
  }

  private EnvValue secretKey(String name, SecretKeySelector selector, String path) {
    boolean optional = Boolean.TRUE.equals(selector.getOptional());
    Optional<Map<String, byte[]>> secret = secret(selector.getName(), path);
    if (secret.isEmpty()) {
      if (!optional) {
        missingObject(path, "Secret", selector.getName());
      }
      return null;
    }
    byte[] value = secret.get().get(selector.getKey());
    if (value == null) {
      if (!optional) {
        missingKey(path, "Secret", selector.getName(), selector.getKey());
      }
      return null;
    }
    return new EnvValue(
        name, utf8(value), EnvValue.Source.SECRET, selector.getName(), selector.getKey());
  }

  private static List<String> expandAll(List<String> values, Map<String, EnvValue> env) {
    if (values == null) {
      return List.of();
    }
    List<String> expanded = new ArrayList<>(values.size());
    for (String value : values) {
      expanded.add(
          EnvExpansion.expand(
              nullToEmpty(value),
              reference -> env.containsKey(reference) ? env.get(reference).value() : null));
    }
    return expanded;
  }

  // ---- volumes ------------------------------------------------------------------------------

  private ResolvedVolume resolveVolume(Volume volume, String path) {
    String name = volume.getName();
    if (volume.getConfigMap() != null) {
      var source = volume.getConfigMap();
      List<VolumeFile> files = new ArrayList<>();
      configMapFiles(
          files,
          source.getName(),
          source.getItems(),
          Boolean.TRUE.equals(source.getOptional()),
          mode(source.getDefaultMode()),
          path + ".configMap");
      return new ResolvedVolume(name, false, files);
    }
    if (volume.getSecret() != null) {
      var source = volume.getSecret();
      List<VolumeFile> files = new ArrayList<>();
      secretFiles(
          files,
          source.getSecretName(),
          source.getItems(),
          Boolean.TRUE.equals(source.getOptional()),
          mode(source.getDefaultMode()),
          path + ".secret",
          path + ".secret.secretName");
      return new ResolvedVolume(name, true, files);
    }
    if (volume.getDownwardAPI() != null) {
      List<VolumeFile> files = new ArrayList<>();
      downwardFiles(
          files,
          volume.getDownwardAPI().getItems(),
          mode(volume.getDownwardAPI().getDefaultMode()),
          path + ".downwardAPI.items");
      return new ResolvedVolume(name, false, files);
    }
    if (volume.getProjected() != null) {
      return projected(name, volume.getProjected(), path + ".projected");
    }
    return null;
  }

  private ResolvedVolume projected(String name, ProjectedVolumeSource projected, String path) {
    int defaultMode = mode(projected.getDefaultMode());
    List<VolumeFile> files = new ArrayList<>();
    List<VolumeProjection> sources = projected.getSources();
    for (int i = 0; sources != null && i < sources.size(); i++) {
      VolumeProjection source = sources.get(i);
      String sourcePath = path + ".sources[" + i + "]";
      if (source.getConfigMap() != null) {
        configMapFiles(
            files,
            source.getConfigMap().getName(),
            source.getConfigMap().getItems(),
            Boolean.TRUE.equals(source.getConfigMap().getOptional()),
            defaultMode,
            sourcePath + ".configMap");
      }
      if (source.getSecret() != null) {
        secretFiles(
            files,
            source.getSecret().getName(),
            source.getSecret().getItems(),
            Boolean.TRUE.equals(source.getSecret().getOptional()),
            defaultMode,
            sourcePath + ".secret",
            sourcePath + ".secret.name");
      }
      if (source.getDownwardAPI() != null) {
        downwardFiles(
            files,
            source.getDownwardAPI().getItems(),
            defaultMode,
            sourcePath + ".downwardAPI.items");
      }
      if (source.getServiceAccountToken() != null) {
        tokenFile(files, source.getServiceAccountToken(), defaultMode, sourcePath);
      }
      if (source.getClusterTrustBundle() != null) {
        problems.add(
            sourcePath + ".clusterTrustBundle",
            source.getClusterTrustBundle().getName(),
            "is not supported: Nodeless has no source of ClusterTrustBundles",
            "put the CA bundle into a ConfigMap and project it with a configMap source");
      }
      if (source.getPodCertificate() != null) {
        problems.add(
            sourcePath + ".podCertificate",
            null,
            "is not supported: Nodeless has no certificate signer",
            "put the certificate into a Secret and project it with a secret source");
      }
    }
    boolean secret = files.stream().anyMatch(VolumeFile::secret);
    return new ResolvedVolume(name, secret, files);
  }

  private void tokenFile(
      List<VolumeFile> files, ServiceAccountTokenProjection token, int mode, String path) {
    String named = pod.getSpec().getServiceAccountName();
    String account = named == null || named.isEmpty() ? "default" : named;
    long seconds =
        token.getExpirationSeconds() == null ? DEFAULT_TOKEN_SECONDS : token.getExpirationSeconds();
    Optional<String> issued =
        lookup(
            "a service account token for " + namespace + "/" + account,
            () -> resolver.serviceAccountToken(namespace, account, token.getAudience(), seconds));
    if (issued.isEmpty()) {
      problems.add(
          path + ".serviceAccountToken",
          token.getPath(),
          "needs a service account token, and the ReferenceResolver issues none",
          "implement ReferenceResolver.serviceAccountToken to request tokens (a kubelet uses the"
              + " TokenRequest API), or remove the serviceAccountToken source");
      return;
    }
    files.add(
        new VolumeFile(token.getPath(), issued.get().getBytes(StandardCharsets.UTF_8), mode, true));
  }

  private void configMapFiles(
      List<VolumeFile> files,
      String name,
      List<KeyToPath> items,
      boolean optional,
      int defaultMode,
      String path) {
    Optional<ConfigMap> configMap = configMap(name);
    if (configMap.isEmpty()) {
      if (!optional) {
        missingObject(path + ".name", "ConfigMap", name);
      }
      return;
    }
    Map<String, byte[]> content = new TreeMap<>();
    sorted(configMap.get().getData())
        .forEach(
            (key, value) -> content.put(key, nullToEmpty(value).getBytes(StandardCharsets.UTF_8)));
    Map<String, String> binary = configMap.get().getBinaryData();
    if (binary != null) {
      for (Map.Entry<String, String> entry : binary.entrySet()) {
        byte[] decoded = decode(entry.getValue());
        if (decoded == null) {
          problems.add(
              path + ".name",
              name,
              "ConfigMap "
                  + namespace
                  + "/"
                  + name
                  + " has binaryData key '"
                  + entry.getKey()
                  + "' that is not valid base64",
              "encode the value with base64");
          continue;
        }
        content.put(entry.getKey(), decoded);
      }
    }
    project(files, content, items, optional, defaultMode, path, "ConfigMap", name, false);
  }

  private void secretFiles(
      List<VolumeFile> files,
      String name,
      List<KeyToPath> items,
      boolean optional,
      int defaultMode,
      String path,
      String namePath) {
    Optional<Map<String, byte[]>> secret = secret(name, namePath);
    if (secret.isEmpty()) {
      if (!optional) {
        missingObject(namePath, "Secret", name);
      }
      return;
    }
    project(files, secret.get(), items, optional, defaultMode, path, "Secret", name, true);
  }

  /** Writes all keys, or only the listed items, of a ConfigMap or Secret as files. */
  private void project(
      List<VolumeFile> files,
      Map<String, byte[]> content,
      List<KeyToPath> items,
      boolean optional,
      int defaultMode,
      String path,
      String kind,
      String object,
      boolean secret) {
    if (items == null || items.isEmpty()) {
      content.forEach((key, value) -> files.add(new VolumeFile(key, value, defaultMode, secret)));
      return;
    }
    for (int i = 0; i < items.size(); i++) {
      KeyToPath item = items.get(i);
      byte[] value = content.get(item.getKey());
      if (value == null) {
        if (!optional) {
          missingKey(path + ".items[" + i + "].key", kind, object, item.getKey());
        }
        continue;
      }
      if (item.getPath() == null || Names.pathProblem(item.getPath()) != null) {
        continue;
      }
      int mode = item.getMode() == null ? defaultMode : item.getMode();
      files.add(new VolumeFile(item.getPath(), value, mode, secret));
    }
  }

  private void downwardFiles(
      List<VolumeFile> files, List<DownwardAPIVolumeFile> items, int defaultMode, String path) {
    for (int i = 0; items != null && i < items.size(); i++) {
      DownwardAPIVolumeFile item = items.get(i);
      String itemPath = path + "[" + i + "]";
      String value = null;
      if (item.getFieldRef() != null && item.getFieldRef().getFieldPath() != null) {
        value =
            DownwardApi.fieldValue(
                pod,
                facts,
                item.getFieldRef().getFieldPath(),
                problems,
                itemPath + ".fieldRef",
                provider);
      } else if (item.getResourceFieldRef() != null
          && item.getResourceFieldRef().getContainerName() != null) {
        value =
            DownwardApi.resourceValue(
                pod,
                null,
                item.getResourceFieldRef(),
                facts,
                problems,
                itemPath + ".resourceFieldRef",
                provider);
      }
      if (value == null || item.getPath() == null || Names.pathProblem(item.getPath()) != null) {
        continue;
      }
      int mode = item.getMode() == null ? defaultMode : item.getMode();
      files.add(
          new VolumeFile(item.getPath(), value.getBytes(StandardCharsets.UTF_8), mode, false));
    }
  }

  // ---- lookups ------------------------------------------------------------------------------

  private Optional<ConfigMap> configMap(String name) {
    if (name == null || name.isEmpty()) {
      return Optional.empty();
    }
    return configMaps.computeIfAbsent(
        name,
        key ->
            lookup("ConfigMap " + namespace + "/" + key, () -> resolver.configMap(namespace, key)));
  }

  /**
   * Looks up a Secret and decodes its content: {@code data} from base64, with {@code stringData}
   * merged over it as the API server does on write.
   */
  private Optional<Map<String, byte[]>> secret(String name, String path) {
    if (name == null || name.isEmpty()) {
      return Optional.empty();
    }
    Optional<Map<String, byte[]>> cached = secrets.get(name);
    if (cached != null) {
      return cached;
    }
    Optional<Secret> secret =
        lookup("Secret " + namespace + "/" + name, () -> resolver.secret(namespace, name));
    Optional<Map<String, byte[]>> content = secret.map(found -> decodeSecret(found, name, path));
    secrets.put(name, content);
    return content;
  }

  private Map<String, byte[]> decodeSecret(Secret secret, String name, String path) {
    Map<String, byte[]> content = new TreeMap<>();
    if (secret.getData() != null) {
      for (Map.Entry<String, String> entry : secret.getData().entrySet()) {
        byte[] decoded = decode(entry.getValue());
        if (decoded == null) {
          problems.add(
              path,
              Problems.REDACTED,
              "Secret "
                  + namespace
                  + "/"
                  + name
                  + " has data key '"
                  + entry.getKey()
                  + "' that is not valid base64",
              "encode the value with base64, or move it to stringData as plain text");
          continue;
        }
        content.put(entry.getKey(), decoded);
      }
    }
    if (secret.getStringData() != null) {
      secret
          .getStringData()
          .forEach(
              (key, value) ->
                  content.put(key, nullToEmpty(value).getBytes(StandardCharsets.UTF_8)));
    }
    return content;
  }

  private <T> Optional<T> lookup(String what, java.util.function.Supplier<Optional<T>> call) {
    try {
      Optional<T> result = call.get();
      return result == null ? Optional.empty() : result;
    } catch (RuntimeException e) {
      LOG.warn("Pod {}: looking up {} failed: {}", ref, what, e.toString());
      throw new NodelessException(
          "looking up " + what + " for pod " + ref + " failed: " + e.getMessage(),
          ref,
          null,
          true,
          e);
    }
  }

  private void missingObject(String path, String kind, String name) {
    problems.add(
        path,
        name,
        kind + " " + namespace + "/" + name + " was not found",
        "create the "
            + kind
            + " in namespace "
            + namespace
            + " (with the CLI, add it to the files given with -f; in Java, make the launcher's"
            + " ReferenceResolver return it), or mark the reference optional: true");
  }

  private void missingKey(String path, String kind, String name, String key) {
    problems.add(
        path,
        key,
        kind + " " + namespace + "/" + name + " has no key '" + key + "'",
        "add the key to the "
            + kind
            + ", fix the key name, or mark the reference optional:"
            + " true");
  }

  // ---- helpers ------------------------------------------------------------------------------

  private static int mode(Integer mode) {
    return mode == null ? DEFAULT_MODE : mode;
  }

  private static byte[] decode(String base64) {
    try {
      return Base64.getDecoder().decode(nullToEmpty(base64));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static Map<String, String> sorted(Map<String, String> data) {
    return data == null ? Map.of() : new TreeMap<>(data);
  }

  private static String nullToEmpty(String value) {
    return value == null ? "" : value;
  }

  private static String utf8(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
