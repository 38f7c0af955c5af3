package dev.nodeless.provider.aci;

import com.azure.resourcemanager.containerinstance.fluent.models.ContainerGroupInner;
import com.azure.resourcemanager.containerinstance.models.Container;
import com.azure.resourcemanager.containerinstance.models.ContainerGroupRestartPolicy;
import com.azure.resourcemanager.containerinstance.models.ContainerGroupSku;
import com.azure.resourcemanager.containerinstance.models.ContainerPort;
import com.azure.resourcemanager.containerinstance.models.EnvironmentVariable;
import com.azure.resourcemanager.containerinstance.models.GpuResource;
import com.azure.resourcemanager.containerinstance.models.GpuSku;
import com.azure.resourcemanager.containerinstance.models.ImageRegistryCredential;
import com.azure.resourcemanager.containerinstance.models.InitContainerDefinition;
import com.azure.resourcemanager.containerinstance.models.OperatingSystemTypes;
import com.azure.resourcemanager.containerinstance.models.ResourceLimits;
import com.azure.resourcemanager.containerinstance.models.ResourceRequests;
import com.azure.resourcemanager.containerinstance.models.ResourceRequirements;
import com.azure.resourcemanager.containerinstance.models.VolumeMount;
import dev.nodeless.spi.RegistryCredential;
import dev.nodeless.spi.ResolvedContainer;
import dev.nodeless.spi.ResolvedPod;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Assembles the container group model of one pod. */
final class GroupBuilder {
  /** Containers per group, init containers included (a hard ACI limit). */
  static final int MAX_CONTAINERS = 60;

  /**
   * The assembled group.
   *
   * @param group the ARM model
   * @param sizing the rounded resources
   * @param windows whether the group runs Windows
   */
  record Built(ContainerGroupInner group, ResourceSizer.Sizing sizing, boolean windows) {}

  private GroupBuilder() {}

  static Built build(ResolvedPod pod, AciSettings settings, Findings findings) {
    PodSpec spec = pod.pod().getSpec();
    Map<String, String> annotations = annotations(pod);
    PodChecks.checkUnsupported(spec, findings);
    boolean windows = PodChecks.windows(spec, findings);

    List<ResolvedContainer> members = new ArrayList<>(pod.containers());
    List<ResolvedContainer> inits = new ArrayList<>();
    for (ResolvedContainer init : pod.initContainers()) {
      if (init.sidecar()) {
        members.add(init);
        findings.note(
            init.fieldPath()
                + " is a native sidecar and runs as a regular ACI container: it starts together"
                + " with the app containers, not before them, and follows the group restart"
                + " policy");
      } else {
        inits.add(init);
      }
    }
    checkCounts(pod, members, inits, windows, findings);

    VolumeMapper.Mapped volumes = VolumeMapper.map(pod, windows, settings, findings);
    ResourceSizer.Sizing sizing =
        ResourceSizer.size(
            spec,
            annotations.get(AciSettings.GPU_SKU_ANNOTATION),
            windows,
            members,
            settings,
            findings);

    Set<String> podVolumes = new TreeSet<>();
    if (spec.getVolumes() != null) {
      spec.getVolumes().forEach(volume -> podVolumes.add(volume.getName()));
    }
    List<Container> containers = new ArrayList<>();
    for (int i = 0; i < members.size(); i++) {
      ContainerSize size = i < sizing.containers().size() ? sizing.containers().get(i) : null;
      containers.add(
          container(
              members.get(i),
              size,
              sizing.gpuSku(),
              podVolumes,
              volumes.names(),
              windows,
              findings));
    }
    List<InitContainerDefinition> initDefinitions = new ArrayList<>();
    for (ResolvedContainer init : inits) {
      initDefinitions.add(initContainer(init, podVolumes, volumes.names(), windows, findings));
    }

    ContainerGroupInner group = new ContainerGroupInner();
    group
        .withLocation(settings.region())
        .withTags(
            GroupNaming.tags(
                pod.ref(), settings.clusterId(), pod.pod().getMetadata().getLabels(), findings));
    group
        .withSku(ContainerGroupSku.STANDARD)
        .withOsType(windows ? OperatingSystemTypes.WINDOWS : OperatingSystemTypes.LINUX)
        .withRestartPolicy(restartPolicy(spec.getRestartPolicy(), findings))
        .withContainers(containers)
        .withInitContainers(initDefinitions.isEmpty() ? null : initDefinitions)
        .withVolumes(volumes.volumes().isEmpty() ? null : volumes.volumes());
    List<ImageRegistryCredential> credentials = credentials(pod, findings);
    group.withImageRegistryCredentials(credentials.isEmpty() ? null : credentials);
    NetworkMapper.apply(group, spec, annotations, settings, findings);
    return new Built(group, sizing, windows);
  }

  private static Map<String, String> annotations(ResolvedPod pod) {
    Map<String, String> annotations = pod.pod().getMetadata().getAnnotations();
    return annotations == null ? Map.of() : annotations;
  }

  private static void checkCounts(
      ResolvedPod pod,
      List<ResolvedContainer> members,
      List<ResolvedContainer> inits,
      boolean windows,
      Findings findings) {
    if (pod.containers().isEmpty()) {
      findings.reject("spec.containers", null, "a pod has a container", "add a container");
    }
    if (members.size() + inits.size() > MAX_CONTAINERS) {
      findings.reject(
          "spec.containers",
          String.valueOf(members.size() + inits.size()),
          "an ACI container group has at most " + MAX_CONTAINERS + " containers, init included",
          "split the pod");
    }
    if (windows && members.size() > 1) {
      findings.reject(
          "spec.containers",
          String.valueOf(members.size()),
          "ACI Windows container groups run a single container",
          "run one container per Windows pod, or use Linux");
    }
    if (windows && !inits.isEmpty()) {
      // NOTE: ACI documents init containers for Linux groups; Windows support is not documented.
      findings.reject(
          "spec.initContainers",
          String.valueOf(inits.size()),
          "ACI init containers run in Linux container groups only",
          "move the init step into the container's command");
    }
  }

  private static Container container(
      ResolvedContainer member,
      ContainerSize size,
      String gpuSku,
      Set<String> podVolumes,
      Set<String> volumes,
      boolean windows,
      Findings findings) {
    ContainerMapper.checkIdentity(member, findings);
    ContainerMapper.checkUnsupported(member, findings);
    Container container =
        new Container()
            .withName(member.name())
            .withImage(member.container().getImage())
            .withCommand(ContainerMapper.commandLine(member, findings));
    List<ContainerPort> ports = ContainerMapper.ports(member, findings);
    List<EnvironmentVariable> env = ContainerMapper.environment(member, findings);
    List<VolumeMount> mounts =
        ContainerMapper.mounts(member, podVolumes, volumes, windows, findings);
    container
        .withPorts(ports.isEmpty() ? null : ports)
        .withEnvironmentVariables(env.isEmpty() ? null : env)
        .withVolumeMounts(mounts.isEmpty() ? null : mounts)
        .withLivenessProbe(
            ProbeMapper.map(
                member.container().getLivenessProbe(),
                member.fieldPath() + ".livenessProbe",
                member.container(),
                findings))
        .withReadinessProbe(
            ProbeMapper.map(
                member.container().getReadinessProbe(),
                member.fieldPath() + ".readinessProbe",
                member.container(),
                findings));
    if (size != null) {
      container.withResources(resources(size, gpuSku));
    }
    return container;
  }

  private static ResourceRequirements resources(ContainerSize size, String gpuSku) {
    ResourceRequests requests =
        new ResourceRequests()
            .withCpu(size.cpu().doubleValue())
            .withMemoryInGB(size.memoryGb().doubleValue());
    if (size.gpus() > 0 && gpuSku != null) {
      requests.withGpu(new GpuResource().withCount(size.gpus()).withSku(GpuSku.fromString(gpuSku)));
    }
    ResourceRequirements resources = new ResourceRequirements().withRequests(requests);
    if (size.cpuLimit() != null || size.memoryLimitGb() != null) {
      resources.withLimits(
          new ResourceLimits()
              .withCpu(size.cpuLimit() == null ? null : size.cpuLimit().doubleValue())
              .withMemoryInGB(
                  size.memoryLimitGb() == null ? null : size.memoryLimitGb().doubleValue()));
    }
    return resources;
  }

  private static InitContainerDefinition initContainer(
      ResolvedContainer init,
      Set<String> podVolumes,
      Set<String> volumes,
      boolean windows,
      Findings findings) {
    ContainerMapper.checkIdentity(init, findings);
    ContainerMapper.checkUnsupported(init, findings);
    String path = init.fieldPath();
    if (init.container().getLivenessProbe() != null) {
      findings.reject(
          path + ".livenessProbe",
          ContainerMapper.probeKind(init.container().getLivenessProbe()),
          "init containers have no probes",
          "remove the probe");
    }
    if (init.container().getReadinessProbe() != null) {
      findings.reject(
          path + ".readinessProbe",
          ContainerMapper.probeKind(init.container().getReadinessProbe()),
          "init containers have no probes",
          "remove the probe");
    }
    if (init.container().getPorts() != null && !init.container().getPorts().isEmpty()) {
      findings.note(path + ".ports are ignored: ACI init containers have no ports");
    }
    List<EnvironmentVariable> env = ContainerMapper.environment(init, findings);
    List<VolumeMount> mounts = ContainerMapper.mounts(init, podVolumes, volumes, windows, findings);
    return new InitContainerDefinition()
        .withName(init.name())
        .withImage(init.container().getImage())
        .withCommand(ContainerMapper.commandLine(init, findings))
        .withEnvironmentVariables(env.isEmpty() ? null : env)
        .withVolumeMounts(mounts.isEmpty() ? null : mounts);
  }

  private static ContainerGroupRestartPolicy restartPolicy(String policy, Findings findings) {
    if (policy == null || policy.equals("Always")) {
      return ContainerGroupRestartPolicy.ALWAYS;
    }
    if (policy.equals("OnFailure")) {
      return ContainerGroupRestartPolicy.ON_FAILURE;
    }
    if (policy.equals("Never")) {
      return ContainerGroupRestartPolicy.NEVER;
    }
    findings.reject(
        "spec.restartPolicy",
        policy,
        "the restart policy is Always, OnFailure or Never",
        "use one");
    return null;
  }

  private static List<ImageRegistryCredential> credentials(ResolvedPod pod, Findings findings) {
    List<ImageRegistryCredential> result = new ArrayList<>();
    Set<String> servers = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    for (RegistryCredential credential : pod.registryCredentials()) {
      if (credential.username().isEmpty()) {
        findings.reject(
            "spec.imagePullSecrets",
            credential.secretName(),
            "an ACI registry login has a user name; the login for "
                + credential.server()
                + " has none",
            "add username to that registry's entry in the Secret");
        continue;
      }
      if (!servers.add(credential.server())) {
        findings.note(
            "a second login for registry "
                + credential.server()
                + " from Secret "
                + credential.secretName()
                + " is left out: ACI takes one login per registry");
        continue;
      }
      result.add(
          new ImageRegistryCredential()
              .withServer(credential.server())
              .withUsername(credential.username())
              .withPassword(credential.password()));
    }
    var pullSecrets = pod.pod().getSpec().getImagePullSecrets();
    if (result.isEmpty() && pullSecrets != null && !pullSecrets.isEmpty()) {
      findings.note(
          "spec.imagePullSecrets resolved to no registry logins; images are pulled anonymously");
    }
    return result;
  }
}
