package dev.nodeless.provider.ec2;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A generated pod in structured form, so that a test can work out independently what the translator
 * must do with it. {@link #toPod()} builds the fabric8 pod.
 *
 * @param affinityArch architectures of a single required node-affinity term, with {@code
 *     affinityNotIn} choosing {@code NotIn} instead of {@code In}
 * @param typeAnnotation the {@code nodeless.dev/instance-type} annotation
 * @param gpus the {@code nvidia.com/gpu} limit on the first app container
 * @param secret a secret value that the first app container reads through {@code secretKeyRef}
 */
record PodPlan(
    String name,
    String uid,
    List<ContainerPlan> inits,
    List<ContainerPlan> apps,
    Optional<String> archSelector,
    Optional<List<String>> affinityArch,
    boolean affinityNotIn,
    Optional<String> typeAnnotation,
    Map<String, String> labels,
    int gpus,
    String secret) {

  static final String SECRET_NAME = "app-credentials";
  static final String SECRET_KEY = "token";

  /**
   * One container's resources: CPU in millicores, memory and ephemeral storage in MiB; a limit is
   * the request times a factor, so it is never below the request.
   */
  record ContainerPlan(
      Optional<Integer> cpuMillis,
      Optional<Integer> cpuLimitFactor,
      Optional<Long> memoryMib,
      Optional<Integer> memoryLimitFactor,
      Optional<Long> ephemeralMib,
      boolean sidecar) {

    ResourceRequirements resources(int gpus) {
      Map<String, Quantity> requests = new LinkedHashMap<>();
      Map<String, Quantity> limits = new LinkedHashMap<>();
      cpuMillis.ifPresent(
          cpu -> {
            requests.put("cpu", new Quantity(cpu + "m"));
            cpuLimitFactor.ifPresent(f -> limits.put("cpu", new Quantity(cpu * f + "m")));
          });
      memoryMib.ifPresent(
          memory -> {
            requests.put("memory", new Quantity(memory + "Mi"));
            memoryLimitFactor.ifPresent(f -> limits.put("memory", new Quantity(memory * f + "Mi")));
          });
      ephemeralMib.ifPresent(eph -> requests.put("ephemeral-storage", new Quantity(eph + "Mi")));
      if (gpus > 0) {
        limits.put("nvidia.com/gpu", new Quantity(String.valueOf(gpus)));
      }
      ResourceRequirements resources = new ResourceRequirements();
      resources.setRequests(requests);
      resources.setLimits(limits);
      return resources;
    }
  }

  Pod toPod() {
    PodBuilder builder =
        new PodBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace("team-a")
            .withUid(uid)
            .withLabels(labels)
            .endMetadata()
            .withNewSpec()
            .endSpec();
    typeAnnotation.ifPresent(
        pattern ->
            builder
                .editMetadata()
                .addToAnnotations(Ec2Translator.INSTANCE_TYPE_ANNOTATION, pattern)
                .endMetadata());
    for (int i = 0; i < inits.size(); i++) {
      ContainerPlan plan = inits.get(i);
      builder
          .editSpec()
          .addToInitContainers(
              new ContainerBuilder()
                  .withName("init-" + i)
                  .withImage("busybox:1.36")
                  .withRestartPolicy(plan.sidecar() ? "Always" : null)
                  .withResources(plan.resources(0))
                  .build())
          .endSpec();
    }
    for (int i = 0; i < apps.size(); i++) {
      ContainerBuilder container =
          new ContainerBuilder()
              .withName("app-" + i)
              .withImage("nginx:1.27")
              .withResources(apps.get(i).resources(i == 0 ? gpus : 0));
      if (i == 0) {
        container
            .addNewEnv()
            .withName("API_TOKEN")
            .withNewValueFrom()
            .withNewSecretKeyRef()
            .withName(SECRET_NAME)
            .withKey(SECRET_KEY)
            .endSecretKeyRef()
            .endValueFrom()
            .endEnv()
            .addNewEnv()
            .withName("MODE")
            .withValue("production")
            .endEnv();
      }
      builder.editSpec().addToContainers(container.build()).endSpec();
    }
    archSelector.ifPresent(
        arch -> builder.editSpec().addToNodeSelector("kubernetes.io/arch", arch).endSpec());
    affinityArch.ifPresent(
        arches ->
            builder
                .editSpec()
                .withNewAffinity()
                .withNewNodeAffinity()
                .withNewRequiredDuringSchedulingIgnoredDuringExecution()
                .addNewNodeSelectorTerm()
                .addToMatchExpressions(
                    new NodeSelectorRequirementBuilder()
                        .withKey("kubernetes.io/arch")
                        .withOperator(affinityNotIn ? "NotIn" : "In")
                        .withValues(arches)
                        .build())
                .addToMatchExpressions(
                    new NodeSelectorRequirementBuilder()
                        .withKey("topology.kubernetes.io/zone")
                        .withOperator("In")
                        .withValues("us-east-1a", "us-east-1b")
                        .build())
                .endNodeSelectorTerm()
                .endRequiredDuringSchedulingIgnoredDuringExecution()
                .endNodeAffinity()
                .endAffinity()
                .endSpec());
    return builder.build();
  }

  /** Whether a VM of this architecture meets the pod's selector and affinity. */
  boolean admitsArch(String arch) {
    if (archSelector.isPresent() && !archSelector.get().equals(arch)) {
      return false;
    }
    return affinityArch.map(arches -> arches.contains(arch) != affinityNotIn).orElse(true);
  }
}
