package dev.nodeless.provider.aci;

import com.azure.resourcemanager.containerinstance.models.AzureFileVolume;
import com.azure.resourcemanager.containerinstance.models.GitRepoVolume;
import com.azure.resourcemanager.containerinstance.models.Volume;
import dev.nodeless.spi.ResolvedPod;
import dev.nodeless.spi.ResolvedVolume;
import dev.nodeless.spi.VolumeFile;
import io.fabric8.kubernetes.api.model.CSIVolumeSource;
import io.fabric8.kubernetes.api.model.EmptyDirVolumeSource;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Maps pod volumes to ACI volumes. ACI has emptyDir, secret (a flat map of file name to base64
 * content), azureFile and gitRepo volumes. configMap, secret, downwardAPI and projected volumes all
 * become ACI secret volumes built from the files in {@link ResolvedPod#volumes()}, so {@code items}
 * and downward API fields arrive as the resolver wrote them.
 */
final class VolumeMapper {
  static final int MAX_VOLUMES = 20;

  /** The CSI driver of Azure Files, mapped to an ACI azureFile volume. */
  static final String AZURE_FILE_CSI_DRIVER = "file.csi.azure.com";

  /** File names that an ACI secret volume accepts as keys: no directories. */
  static final Pattern SECRET_FILE_NAME = Pattern.compile("[-._A-Za-z0-9]+");

  /** Volume kinds ACI cannot provide, by their field name in the pod spec. */
  private static final Map<String, Function<io.fabric8.kubernetes.api.model.Volume, Object>>
      UNSUPPORTED = unsupportedKinds();

  /**
   * The mapped volumes.
   *
   * @param volumes the ACI volumes in pod order
   * @param names the names of the pod volumes that ACI provides
   */
  record Mapped(List<Volume> volumes, Set<String> names) {}

  private VolumeMapper() {}

  static Mapped map(ResolvedPod pod, boolean windows, AciSettings settings, Findings findings) {
    List<io.fabric8.kubernetes.api.model.Volume> specs = pod.pod().getSpec().getVolumes();
    List<Volume> volumes = new ArrayList<>();
    Set<String> names = new LinkedHashSet<>();
    if (specs == null) {
      return new Mapped(volumes, names);
    }
    if (specs.size() > MAX_VOLUMES) {
      findings.reject(
          "spec.volumes",
          String.valueOf(specs.size()),
          "an ACI container group has at most " + MAX_VOLUMES + " volumes",
          "merge volumes, for example several configMaps into one projected volume");
    }
    for (int i = 0; i < specs.size(); i++) {
      io.fabric8.kubernetes.api.model.Volume spec = specs.get(i);
      Volume volume = map(pod, spec, "spec.volumes[" + i + "]", windows, settings, findings);
      if (volume != null) {
        volumes.add(volume);
        names.add(spec.getName());
      }
    }
    return new Mapped(volumes, names);
  }

  private static Volume map(
      ResolvedPod pod,
      io.fabric8.kubernetes.api.model.Volume spec,
      String path,
      boolean windows,
      AciSettings settings,
      Findings findings) {
    Volume volume = new Volume().withName(spec.getName());
    if (spec.getEmptyDir() != null) {
      noteEmptyDirOptions(spec.getEmptyDir(), path, findings);
      return volume.withEmptyDir(new LinkedHashMap<String, Object>());
    }
    if (spec.getConfigMap() != null
        || spec.getSecret() != null
        || spec.getDownwardAPI() != null
        || spec.getProjected() != null) {
      return fileVolume(pod, volume, path, windows, findings);
    }
    if (spec.getAzureFile() != null) {
      var source = spec.getAzureFile();
      return azureFile(
          volume,
          source.getShareName(),
          source.getSecretName(),
          source.getReadOnly(),
          path + ".azureFile",
          settings,
          findings);
    }
    if (spec.getCsi() != null) {
      return csi(volume, spec.getCsi(), path + ".csi", settings, findings);
    }
    if (spec.getGitRepo() != null) {
      var source = spec.getGitRepo();
      return volume.withGitRepo(
          new GitRepoVolume()
              .withRepository(source.getRepository())
              .withDirectory(source.getDirectory())
              .withRevision(source.getRevision()));
    }
    String kind =
        UNSUPPORTED.entrySet().stream()
            .filter(entry -> entry.getValue().apply(spec) != null)
            .map(Map.Entry::getKey)
            .findFirst()
            .orElse(null);
    findings.reject(
        kind == null ? path : path + "." + kind,
        spec.getName(),
        "ACI volumes are emptyDir, configMap, secret, downwardAPI, projected, azureFile, Azure"
            + " Files CSI and gitRepo"
            + (kind == null ? "" : "; " + kind + " is not one of them"),
        "replace the volume with one of those kinds, such as an azureFile share for persistent"
            + " data");
    return null;
  }

  private static void noteEmptyDirOptions(
      EmptyDirVolumeSource emptyDir, String path, Findings findings) {
    if ("Memory".equals(emptyDir.getMedium())) {
      findings.note(path + ".emptyDir.medium Memory is ignored: ACI emptyDir volumes use disk");
    }
    if (emptyDir.getSizeLimit() != null) {
      findings.note(path + ".emptyDir.sizeLimit is ignored: ACI emptyDir volumes have no size");
    }
  }

  private static Volume fileVolume(
      ResolvedPod pod, Volume volume, String path, boolean windows, Findings findings) {
    ResolvedVolume resolved = pod.volumes().get(volume.name());
    if (resolved == null) {
      findings.reject(
          path,
          volume.name(),
          "the volume's files were not resolved before translation",
          "plan the pod through PodLauncher, which resolves ConfigMaps and Secrets");
      return null;
    }
    if (resolved.files().isEmpty()) {
      findings.note(path + " has no files; it becomes an empty emptyDir volume");
      return volume.withEmptyDir(new LinkedHashMap<String, Object>());
    }
    if (windows) {
      findings.reject(
          path,
          volume.name(),
          "ACI Windows container groups have no secret volumes, which carry configMap, secret,"
              + " downwardAPI and projected files",
          "run the pod on Linux, or bake the files into the image");
      return null;
    }
    Map<String, String> files = new TreeMap<>();
    boolean valid = true;
    for (VolumeFile file : resolved.files()) {
      if (!SECRET_FILE_NAME.matcher(file.path()).matches()) {
        findings.reject(
            path,
            file.path(),
            "ACI secret volumes hold flat file names of letters, digits, '-', '_' and '.', so"
                + " nested paths cannot be written",
            "use items with a flat path such as app.conf, and a separate volume per directory");
        valid = false;
        continue;
      }
      byte[] content = file.content();
      if (content.length == 0) {
        findings.reject(
            path,
            file.path(),
            "ACI rejects a secret volume file with empty content",
            "give the key a value, or leave it out with items");
        valid = false;
        continue;
      }
      files.put(file.path(), Base64.getEncoder().encodeToString(content));
    }
    modesNote(resolved, path, findings);
    return valid ? volume.withSecret(files) : null;
  }

  private static void modesNote(ResolvedVolume resolved, String path, Findings findings) {
    boolean custom =
        resolved.files().stream().anyMatch(file -> file.mode() != 0644 && file.mode() != 0);
    if (custom) {
      findings.note(path + " file modes are ignored: ACI sets the modes of secret volume files");
    }
  }

  private static Volume azureFile(
      Volume volume,
      String share,
      String secretName,
      Boolean readOnly,
      String path,
      AciSettings settings,
      Findings findings) {
    if (share == null || share.isBlank()) {
      findings.reject(
          path + ".shareName", share, "an Azure Files volume names its share", "set shareName");
      return null;
    }
    if (secretName == null || secretName.isBlank()) {
      findings.reject(
          path + ".secretName",
          secretName,
          "an Azure Files volume names its credentials Secret",
          "set secretName");
      return null;
    }
    Optional<String> account = settings.azureFileAccountName(secretName);
    Optional<String> key = settings.azureFileAccountKey(secretName);
    if (account.isEmpty() || key.isEmpty()) {
      String prefix = AciSettings.AZURE_FILE_PREFIX + secretName;
      findings.reject(
          path + ".secretName",
          secretName,
          "Azure Files volumes on ACI need the storage account name and key, which are read from"
              + " the planning settings",
          "set " + prefix + ".accountName and " + prefix + ".accountKey");
      return null;
    }
    return volume.withAzureFile(
        new AzureFileVolume()
            .withShareName(share)
            .withStorageAccountName(account.get())
            .withStorageAccountKey(key.get())
            .withReadOnly(Boolean.TRUE.equals(readOnly)));
  }

  private static Volume csi(
      Volume volume, CSIVolumeSource csi, String path, AciSettings settings, Findings findings) {
    if (!AZURE_FILE_CSI_DRIVER.equals(csi.getDriver())) {
      findings.reject(
          path + ".driver",
          csi.getDriver(),
          "the only CSI driver ACI can provide is " + AZURE_FILE_CSI_DRIVER,
          "use an Azure Files share");
      return null;
    }
    Map<String, String> attributes =
        csi.getVolumeAttributes() == null ? Map.of() : csi.getVolumeAttributes();
    String secretName = attributes.get("secretName");
    if (secretName == null && csi.getNodePublishSecretRef() != null) {
      secretName = csi.getNodePublishSecretRef().getName();
    }
    return azureFile(
        volume,
        attributes.get("shareName"),
        secretName,
        csi.getReadOnly(),
        path + ".volumeAttributes",
        settings,
        findings);
  }

  private static Map<String, Function<io.fabric8.kubernetes.api.model.Volume, Object>>
      unsupportedKinds() {
    Map<String, Function<io.fabric8.kubernetes.api.model.Volume, Object>> kinds =
        new LinkedHashMap<>();
    kinds.put("hostPath", io.fabric8.kubernetes.api.model.Volume::getHostPath);
    kinds.put(
        "persistentVolumeClaim", io.fabric8.kubernetes.api.model.Volume::getPersistentVolumeClaim);
    kinds.put("ephemeral", io.fabric8.kubernetes.api.model.Volume::getEphemeral);
    kinds.put("nfs", io.fabric8.kubernetes.api.model.Volume::getNfs);
    kinds.put("image", io.fabric8.kubernetes.api.model.Volume::getImage);
    kinds.put("azureDisk", io.fabric8.kubernetes.api.model.Volume::getAzureDisk);
    kinds.put(
        "awsElasticBlockStore", io.fabric8.kubernetes.api.model.Volume::getAwsElasticBlockStore);
    kinds.put("gcePersistentDisk", io.fabric8.kubernetes.api.model.Volume::getGcePersistentDisk);
    kinds.put("iscsi", io.fabric8.kubernetes.api.model.Volume::getIscsi);
    kinds.put("rbd", io.fabric8.kubernetes.api.model.Volume::getRbd);
    kinds.put("cephfs", io.fabric8.kubernetes.api.model.Volume::getCephfs);
    kinds.put("glusterfs", io.fabric8.kubernetes.api.model.Volume::getGlusterfs);
    kinds.put("fc", io.fabric8.kubernetes.api.model.Volume::getFc);
    kinds.put("flexVolume", io.fabric8.kubernetes.api.model.Volume::getFlexVolume);
    kinds.put("cinder", io.fabric8.kubernetes.api.model.Volume::getCinder);
    kinds.put("vsphereVolume", io.fabric8.kubernetes.api.model.Volume::getVsphereVolume);
    return kinds;
  }
}
