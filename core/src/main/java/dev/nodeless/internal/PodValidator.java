package dev.nodeless.internal;

import dev.nodeless.ValidationProblem;
import dev.nodeless.resources.Quantities;
import io.fabric8.kubernetes.api.model.ConfigMapVolumeSource;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.DownwardAPIVolumeFile;
import io.fabric8.kubernetes.api.model.EmptyDirVolumeSource;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.ProjectedVolumeSource;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.SecretVolumeSource;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Checks a pod against the rules the Kubernetes API server applies on create, and a few that the
 * kubelet applies when it starts containers (named probe ports must exist, mounts must name a
 * volume). Reports every problem, never stops at the first. Looks up no ConfigMap or Secret; {@link
 * PodResolver} reports missing references.
 */
public final class PodValidator {
  /** Total size limit of all annotation keys and values, as in the API server. */
  static final int ANNOTATIONS_MAX_BYTES = 256 * 1024;

  private static final Set<String> RESTART_POLICIES = Set.of("Always", "OnFailure", "Never");
  private static final Set<String> DNS_POLICIES =
      Set.of("ClusterFirstWithHostNet", "ClusterFirst", "Default", "None");

  /** Every volume source of the v1 API, to check that a volume has exactly one. */
  private static final Map<String, Function<Volume, Object>> VOLUME_SOURCES = volumeSources();

  private final Pod pod;
  private final Problems problems;

  private PodValidator(Pod pod, Problems problems) {
    this.pod = pod;
    this.problems = problems;
  }

  /** Checks the pod and returns every problem found, in field order; empty when it is valid. */
  public static List<ValidationProblem> validate(Pod pod) {
    Problems problems = new Problems();
    validate(pod, problems);
    return problems.list();
  }

  static void validate(Pod pod, Problems problems) {
    new PodValidator(pod, problems).run();
  }

  private void run() {
    unknownFields("", pod.getAdditionalProperties());
    // The status is not checked: a launch ignores it, as the API server does on create.
    UnknownFields.report(pod.getMetadata(), "metadata", problems);
    validateMetadata(pod.getMetadata());
    PodSpec spec = pod.getSpec();
    if (spec == null) {
      problems.required("spec", "add a spec with at least one container");
      return;
    }
    UnknownFields.report(spec, "spec", problems);
    Set<String> volumeNames = validateVolumes(spec);
    validateContainers(spec, volumeNames);
    validatePodFields(spec);
  }

  // ---- metadata -----------------------------------------------------------------------------

  private void validateMetadata(ObjectMeta meta) {
    if (meta == null) {
      problems.required("metadata.name", "set metadata.name, such as my-pod");
      return;
    }
    String name = meta.getName();
    if (name == null || name.isEmpty()) {
      problems.required("metadata.name", "set metadata.name, such as my-pod");
    } else if (!Names.isDnsSubdomain(name)) {
      problems.add(
          "metadata.name",
          name,
          Names.DNS_SUBDOMAIN_RULE,
          "use lowercase letters, digits, '-' and '.', such as my-pod");
    }
    String namespace = meta.getNamespace();
    if (namespace != null && !Names.isDnsLabel(namespace)) {
      problems.add(
          "metadata.namespace",
          namespace,
          Names.DNS_LABEL_RULE,
          "use lowercase letters, digits and '-', such as team-a");
    }
    validateLabels("metadata.labels", meta.getLabels());
    validateAnnotations(meta.getAnnotations());
  }

  private void validateLabels(String path, Map<String, String> labels) {
    if (labels == null) {
      return;
    }
    for (Map.Entry<String, String> label : labels.entrySet()) {
      String entryPath = path + "[" + label.getKey() + "]";
      if (!Names.isQualifiedName(label.getKey())) {
        problems.add(
            entryPath,
            label.getKey(),
            "the key " + Names.QUALIFIED_NAME_RULE,
            "rename the key, such as app.kubernetes.io/name or tier");
      }
      if (!Names.isLabelValue(label.getValue())) {
        problems.add(
            entryPath,
            label.getValue(),
            "the value " + Names.LABEL_VALUE_RULE,
            "shorten the value or replace other characters with '-', or move it to an"
                + " annotation");
      }
    }
  }

  private void validateAnnotations(Map<String, String> annotations) {
    if (annotations == null) {
      return;
    }
    long bytes = 0;
    for (Map.Entry<String, String> annotation : annotations.entrySet()) {
      String key = annotation.getKey();
      String value = annotation.getValue() == null ? "" : annotation.getValue();
      bytes += key.getBytes(StandardCharsets.UTF_8).length;
      bytes += value.getBytes(StandardCharsets.UTF_8).length;
      // The API server lower-cases annotation keys before checking them.
      if (!Names.isQualifiedName(key.toLowerCase(java.util.Locale.ROOT))) {
        problems.add(
            "metadata.annotations[" + key + "]",
            key,
            "the key " + Names.QUALIFIED_NAME_RULE,
            "rename the key, such as example.com/owner");
      }
    }
    if (bytes > ANNOTATIONS_MAX_BYTES) {
      problems.add(
          "metadata.annotations",
          bytes + " bytes",
          "must total at most 262144 bytes of keys and values",
          "move large values into a ConfigMap");
    }
  }

  // ---- pod fields ---------------------------------------------------------------------------

  private void validatePodFields(PodSpec spec) {
    String restart = spec.getRestartPolicy();
    if (restart != null && !RESTART_POLICIES.contains(restart)) {
      problems.add(
          "spec.restartPolicy",
          restart,
          "must be Always, OnFailure or Never",
          "use one of Always, OnFailure, Never, or leave it unset for Always");
    }

    Long grace = spec.getTerminationGracePeriodSeconds();
    if (grace != null && grace < 0) {
      problems.add(
          "spec.terminationGracePeriodSeconds",
          grace.toString(),
          "must be >= 0",
          "use 0 or more seconds, or leave it unset for 30");
    }
    Long deadline = spec.getActiveDeadlineSeconds();
    if (deadline != null && (deadline < 1 || deadline > Integer.MAX_VALUE)) {
      problems.add(
          "spec.activeDeadlineSeconds",
          deadline.toString(),
          "must be between 1 and 2147483647",
          "use a positive number of seconds, or leave it unset for no deadline");
    }

    String dnsPolicy = spec.getDnsPolicy();
    if (dnsPolicy != null && !DNS_POLICIES.contains(dnsPolicy)) {
      problems.add(
          "spec.dnsPolicy",
          dnsPolicy,
          "must be ClusterFirstWithHostNet, ClusterFirst, Default or None",
          "use one of those, or leave it unset for ClusterFirst");
    } else if ("None".equals(dnsPolicy)
        && (spec.getDnsConfig() == null
            || spec.getDnsConfig().getNameservers() == null
            || spec.getDnsConfig().getNameservers().isEmpty())) {
      problems.add(
          "spec.dnsConfig.nameservers",
          null,
          "is required when dnsPolicy is None",
          "list at least one nameserver in spec.dnsConfig.nameservers");
    }

    validateNameField("spec.hostname", spec.getHostname(), true);
    validateNameField("spec.subdomain", spec.getSubdomain(), true);
    validateNameField("spec.serviceAccountName", spec.getServiceAccountName(), false);
    validateLabels("spec.nodeSelector", spec.getNodeSelector());
    validatePodResources(spec.getResources());
    validateQuantities("spec.overhead", spec.getOverhead());
  }

  private void validateNameField(String path, String value, boolean label) {
    if (value == null || value.isEmpty()) {
      return;
    }
    boolean valid = label ? Names.isDnsLabel(value) : Names.isDnsSubdomain(value);
    if (!valid) {
      problems.add(
          path,
          value,
          label ? Names.DNS_LABEL_RULE : Names.DNS_SUBDOMAIN_RULE,
          "use lowercase letters, digits and '-'");
    }
  }

  private void validatePodResources(ResourceRequirements resources) {
    if (resources == null) {
      return;
    }
    for (String kind : List.of("requests", "limits")) {
      Map<String, Quantity> amounts =
          kind.equals("requests") ? resources.getRequests() : resources.getLimits();
      if (amounts == null) {
        continue;
      }
      for (String resource : amounts.keySet()) {
        if (!resource.equals("cpu")
            && !resource.equals("memory")
            && !resource.startsWith("hugepages-")) {
          problems.add(
              Names.entry("spec.resources." + kind, resource),
              resource,
              "pod-level resources support only cpu, memory and hugepages-*",
              "move " + resource + " to the containers' resources");
        }
      }
    }
    ContainerValidator.validateRequirements(problems, "spec.resources", resources, false);
  }

  void validateQuantities(String path, Map<String, Quantity> quantities) {
    if (quantities == null) {
      return;
    }
    quantities.forEach(
        (resource, quantity) -> {
          String entryPath = Names.entry(path, resource);
          try {
            BigDecimal amount = Quantities.toDecimal(quantity);
            if (amount.signum() < 0) {
              problems.add(entryPath, text(quantity), "must be >= 0", "use a positive amount");
            }
          } catch (IllegalArgumentException e) {
            problems.add(entryPath, text(quantity), e.getMessage(), "write it like 100m or 1Gi");
          }
        });
  }

  // ---- containers ---------------------------------------------------------------------------

  private void validateContainers(PodSpec spec, Set<String> volumeNames) {
    List<Container> apps = spec.getContainers();
    if (apps == null || apps.isEmpty()) {
      problems.required("spec.containers", "add at least one container with a name and an image");
    }
    Map<String, String> seenNames = new HashMap<>();
    List<Container> inits = spec.getInitContainers() == null ? List.of() : spec.getInitContainers();
    for (int i = 0; i < inits.size(); i++) {
      String path = "spec.initContainers[" + i + "]";
      checkUniqueName(seenNames, path, inits.get(i) == null ? null : inits.get(i).getName());
      new ContainerValidator(problems, pod, path, inits.get(i), true, volumeNames).validate();
    }
    for (int i = 0; apps != null && i < apps.size(); i++) {
      String path = "spec.containers[" + i + "]";
      checkUniqueName(seenNames, path, apps.get(i) == null ? null : apps.get(i).getName());
      new ContainerValidator(problems, pod, path, apps.get(i), false, volumeNames).validate();
    }
    List<EphemeralContainer> ephemeral = spec.getEphemeralContainers();
    for (int i = 0; ephemeral != null && i < ephemeral.size(); i++) {
      String path = "spec.ephemeralContainers[" + i + "]";
      String name = ephemeral.get(i) == null ? null : ephemeral.get(i).getName();
      ContainerValidator.validateName(problems, path, name);
      checkUniqueName(seenNames, path, name);
    }
  }

  /**
   * Reports fields that the Pod API does not have, as the API server's strict field validation
   * does: a misspelled {@code comand} would otherwise be dropped without a word.
   */
  private void unknownFields(String prefix, Map<String, Object> fields) {
    if (fields == null) {
      return;
    }
    for (Map.Entry<String, Object> field : fields.entrySet()) {
      problems.add(
          prefix + field.getKey(),
          String.valueOf(field.getValue()),
          "unknown field: the Pod API has no field of this name here",
          "remove it, or correct its spelling");
    }
  }

  private void checkUniqueName(Map<String, String> seen, String path, String name) {
    if (name == null || name.isEmpty()) {
      return;
    }
    String first = seen.putIfAbsent(name, path);
    if (first != null) {
      problems.add(
          path + ".name",
          name,
          "must be unique across init, app and ephemeral containers; " + first + " has it too",
          "rename one of the two containers");
    }
  }

  // ---- volumes ------------------------------------------------------------------------------

  private Set<String> validateVolumes(PodSpec spec) {
    Set<String> names = new HashSet<>();
    List<Volume> volumes = spec.getVolumes();
    for (int i = 0; volumes != null && i < volumes.size(); i++) {
      Volume volume = volumes.get(i);
      String path = "spec.volumes[" + i + "]";
      if (volume == null) {
        problems.required(path, "remove the empty entry");
        continue;
      }
      String name = volume.getName();
      if (name == null || name.isEmpty()) {
        problems.required(path + ".name", "name the volume, such as config");
      } else if (!Names.isDnsLabel(name)) {
        problems.add(path + ".name", name, Names.DNS_LABEL_RULE, "rename it, such as config");
      } else if (!names.add(name)) {
        problems.add(
            path + ".name",
            name,
            "must be unique among the pod's volumes",
            "rename one of the volumes called " + name);
      }
      validateVolumeSource(path, volume);
    }
    return names;
  }

  private void validateVolumeSource(String path, Volume volume) {
    List<String> sources = new ArrayList<>();
    VOLUME_SOURCES.forEach(
        (name, getter) -> {
          if (getter.apply(volume) != null) {
            sources.add(name);
          }
        });
    if (sources.isEmpty()) {
      problems.add(
          path,
          null,
          "must have exactly one volume source",
          "add one source, such as emptyDir: {}, configMap or secret");
      return;
    }
    if (sources.size() > 1) {
      problems.add(
          path,
          String.join(", ", sources),
          "must have exactly one volume source, not " + sources.size(),
          "keep one of " + String.join(", ", sources) + " and move the others to new volumes");
    }
    if (volume.getConfigMap() != null) {
      validateConfigMapVolume(path + ".configMap", volume.getConfigMap());
    }
    if (volume.getSecret() != null) {
      validateSecretVolume(path + ".secret", volume.getSecret());
    }
    if (volume.getEmptyDir() != null) {
      validateEmptyDir(path + ".emptyDir", volume.getEmptyDir());
    }
    if (volume.getDownwardAPI() != null) {
      validateMode(path + ".downwardAPI.defaultMode", volume.getDownwardAPI().getDefaultMode());
      validateDownwardItems(path + ".downwardAPI.items", volume.getDownwardAPI().getItems());
    }
    if (volume.getProjected() != null) {
      validateProjected(path + ".projected", volume.getProjected());
    }
  }

  private void validateConfigMapVolume(String path, ConfigMapVolumeSource source) {
    if (source.getName() == null || source.getName().isEmpty()) {
      problems.required(path + ".name", "name the ConfigMap to mount");
    }
    validateMode(path + ".defaultMode", source.getDefaultMode());
    validateKeyItems(path + ".items", source.getItems(), new HashSet<>());
  }

  private void validateSecretVolume(String path, SecretVolumeSource source) {
    if (source.getSecretName() == null || source.getSecretName().isEmpty()) {
      problems.required(path + ".secretName", "name the Secret to mount");
    }
    validateMode(path + ".defaultMode", source.getDefaultMode());
    validateKeyItems(path + ".items", source.getItems(), new HashSet<>());
  }

  private void validateEmptyDir(String path, EmptyDirVolumeSource source) {
    String medium = source.getMedium();
    if (medium != null
        && !medium.isEmpty()
        && !medium.equals("Memory")
        && !medium.startsWith("HugePages")) {
      problems.add(
          path + ".medium",
          medium,
          "must be empty, Memory or HugePages",
          "leave it empty for disk, or use Memory for tmpfs");
    }
    if (source.getSizeLimit() != null) {
      Map<String, Quantity> size = new LinkedHashMap<>();
      size.put("sizeLimit", source.getSizeLimit());
      validateQuantities(path, size);
    }
  }

  private void validateKeyItems(String path, List<KeyToPath> items, Set<String> seenPaths) {
    for (int i = 0; items != null && i < items.size(); i++) {
      KeyToPath item = items.get(i);
      String itemPath = path + "[" + i + "]";
      if (item.getKey() == null || item.getKey().isEmpty()) {
        problems.required(itemPath + ".key", "name the key to project");
      } else if (!Names.isConfigKey(item.getKey())) {
        problems.add(itemPath + ".key", item.getKey(), Names.CONFIG_KEY_RULE, "fix the key name");
      }
      validateFilePath(itemPath + ".path", item.getPath(), seenPaths);
      validateMode(itemPath + ".mode", item.getMode());
    }
  }

  private void validateDownwardItems(String path, List<DownwardAPIVolumeFile> items) {
    Set<String> seenPaths = new HashSet<>();
    for (int i = 0; items != null && i < items.size(); i++) {
      DownwardAPIVolumeFile item = items.get(i);
      String itemPath = path + "[" + i + "]";
      validateFilePath(itemPath + ".path", item.getPath(), seenPaths);
      validateMode(itemPath + ".mode", item.getMode());
      boolean field = item.getFieldRef() != null;
      boolean resource = item.getResourceFieldRef() != null;
      if (field == resource) {
        problems.add(
            itemPath,
            null,
            "must set exactly one of fieldRef and resourceFieldRef",
            "keep one of them");
      }
      if (field) {
        DownwardApi.validateFieldRef(problems, itemPath + ".fieldRef", item.getFieldRef(), false);
      }
      if (resource) {
        DownwardApi.validateResourceFieldRef(
            problems, itemPath + ".resourceFieldRef", item.getResourceFieldRef(), pod, true);
      }
    }
  }

  private void validateProjected(String path, ProjectedVolumeSource projected) {
    validateMode(path + ".defaultMode", projected.getDefaultMode());
    List<VolumeProjection> sources = projected.getSources();
    Set<String> seenPaths = new HashSet<>();
    for (int i = 0; sources != null && i < sources.size(); i++) {
      VolumeProjection source = sources.get(i);
      String sourcePath = path + ".sources[" + i + "]";
      int count = 0;
      count += source.getConfigMap() == null ? 0 : 1;
      count += source.getSecret() == null ? 0 : 1;
      count += source.getDownwardAPI() == null ? 0 : 1;
      count += source.getServiceAccountToken() == null ? 0 : 1;
      count += source.getClusterTrustBundle() == null ? 0 : 1;
      count += source.getPodCertificate() == null ? 0 : 1;
      if (count != 1) {
        problems.add(
            sourcePath,
            null,
            "must set exactly one of configMap, secret, downwardAPI, serviceAccountToken,"
                + " clusterTrustBundle and podCertificate, not "
                + count,
            "split the sources into one entry each");
      }
      if (source.getConfigMap() != null) {
        validateKeyItems(
            sourcePath + ".configMap.items", source.getConfigMap().getItems(), seenPaths);
      }
      if (source.getSecret() != null) {
        validateKeyItems(sourcePath + ".secret.items", source.getSecret().getItems(), seenPaths);
      }
      if (source.getDownwardAPI() != null) {
        validateDownwardItems(
            sourcePath + ".downwardAPI.items", source.getDownwardAPI().getItems());
      }
      if (source.getServiceAccountToken() != null) {
        validateFilePath(
            sourcePath + ".serviceAccountToken.path",
            source.getServiceAccountToken().getPath(),
            seenPaths);
      }
    }
  }

  private void validateFilePath(String path, String file, Set<String> seenPaths) {
    String rule = Names.pathProblem(file);
    if (rule != null) {
      problems.add(path, file, rule, "use a relative path such as config/app.yaml");
    } else if (!seenPaths.add(file)) {
      problems.add(
          path, file, "must be unique within the volume", "give each item its own file path");
    }
  }

  private void validateMode(String path, Integer mode) {
    if (mode != null && (mode < 0 || mode > 0777)) {
      problems.add(
          path,
          mode.toString(),
          "must be a file mode between 0 and 0777 (511 in decimal)",
          "use an octal mode such as 0644 (420 in decimal JSON)");
    }
  }

  static String text(Quantity quantity) {
    if (quantity == null) {
      return null;
    }
    return (quantity.getAmount() == null ? "" : quantity.getAmount())
        + (quantity.getFormat() == null ? "" : quantity.getFormat());
  }

  private static Map<String, Function<Volume, Object>> volumeSources() {
    Map<String, Function<Volume, Object>> sources = new LinkedHashMap<>();
    sources.put("awsElasticBlockStore", Volume::getAwsElasticBlockStore);
    sources.put("azureDisk", Volume::getAzureDisk);
    sources.put("azureFile", Volume::getAzureFile);
    sources.put("cephfs", Volume::getCephfs);
    sources.put("cinder", Volume::getCinder);
    sources.put("configMap", Volume::getConfigMap);
    sources.put("csi", Volume::getCsi);
    sources.put("downwardAPI", Volume::getDownwardAPI);
    sources.put("emptyDir", Volume::getEmptyDir);
    sources.put("ephemeral", Volume::getEphemeral);
    sources.put("fc", Volume::getFc);
    sources.put("flexVolume", Volume::getFlexVolume);
    sources.put("flocker", Volume::getFlocker);
    sources.put("gcePersistentDisk", Volume::getGcePersistentDisk);
    sources.put("gitRepo", Volume::getGitRepo);
    sources.put("glusterfs", Volume::getGlusterfs);
    sources.put("hostPath", Volume::getHostPath);
    sources.put("image", Volume::getImage);
    sources.put("iscsi", Volume::getIscsi);
    sources.put("nfs", Volume::getNfs);
    sources.put("persistentVolumeClaim", Volume::getPersistentVolumeClaim);
    sources.put("photonPersistentDisk", Volume::getPhotonPersistentDisk);
    sources.put("portworxVolume", Volume::getPortworxVolume);
    sources.put("projected", Volume::getProjected);
    sources.put("quobyte", Volume::getQuobyte);
    sources.put("rbd", Volume::getRbd);
    sources.put("scaleIO", Volume::getScaleIO);
    sources.put("secret", Volume::getSecret);
    sources.put("storageos", Volume::getStorageos);
    sources.put("vsphereVolume", Volume::getVsphereVolume);
    return sources;
  }
}
