package dev.nodeless.provider.aci;

import dev.nodeless.provider.aci.AciTranslationPropertiesTest.Breakage;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import java.util.List;
import java.util.function.Consumer;

/** Changes that make a valid generated pod impossible to run on ACI. */
final class Breakages {
  private Breakages() {}

  static List<Breakage> all() {
    return List.of(
        breakage(
            "env name with a dot",
            "spec.containers[0].env[",
            pod -> first(pod).getEnv().add(env("my.setting", "1"))),
        breakage(
            "secret env name with a dash",
            "spec.containers[0].env[",
            pod ->
                first(pod)
                    .getEnv()
                    .add(
                        new io.fabric8.kubernetes.api.model.EnvVarBuilder()
                            .withName("db-password")
                            .withNewValueFrom()
                            .withNewSecretKeyRef("PASSWORD", "app-secret", false)
                            .endValueFrom()
                            .build())),
        breakage(
            "args without command",
            "spec.containers[0].args",
            pod -> {
              first(pod).setCommand(List.of());
              first(pod).setArgs(List.of("serve"));
            }),
        breakage(
            "hostPath volume",
            "spec.volumes[",
            pod ->
                pod.getSpec()
                    .getVolumes()
                    .add(
                        new VolumeBuilder()
                            .withName("host")
                            .withNewHostPath("/var/log", null)
                            .build())),
        breakage(
            "persistentVolumeClaim volume",
            "spec.volumes[",
            pod ->
                pod.getSpec()
                    .getVolumes()
                    .add(
                        new VolumeBuilder()
                            .withName("data")
                            .withNewPersistentVolumeClaim("data-claim", false)
                            .build())),
        breakage(
            "tcpSocket liveness probe",
            "spec.containers[0].livenessProbe.tcpSocket",
            pod ->
                first(pod)
                    .setLivenessProbe(
                        new io.fabric8.kubernetes.api.model.ProbeBuilder()
                            .withNewTcpSocket()
                            .withPort(new IntOrString(8080))
                            .endTcpSocket()
                            .build())),
        breakage(
            "startup probe",
            "spec.containers[0].startupProbe",
            pod ->
                first(pod)
                    .setStartupProbe(
                        new io.fabric8.kubernetes.api.model.ProbeBuilder()
                            .withNewExec()
                            .withCommand("true")
                            .endExec()
                            .build())),
        breakage(
            "subPath mount",
            "spec.containers[0].volumeMounts[",
            pod ->
                first(pod)
                    .getVolumeMounts()
                    .add(
                        new io.fabric8.kubernetes.api.model.VolumeMountBuilder()
                            .withName("scratch")
                            .withMountPath("/data/one")
                            .withSubPath("one")
                            .build())),
        breakage(
            "cpu above the group maximum",
            "spec.containers[*].resources.requests.cpu",
            pod -> {
              first(pod).getResources().getRequests().put("cpu", new Quantity("40"));
              first(pod).getResources().getLimits().remove("cpu");
            }),
        breakage(
            "memory limit below request",
            "spec.containers[0].resources.",
            pod -> {
              first(pod).getResources().getRequests().put("memory", new Quantity("2Gi"));
              first(pod).getResources().getLimits().put("memory", new Quantity("1Gi"));
            }),
        breakage(
            "unknown extended resource",
            "spec.containers[0].resources.limits[example.com/widget]",
            pod ->
                first(pod).getResources().getLimits().put("example.com/widget", new Quantity("1"))),
        breakage(
            "GPU without a SKU",
            "spec.containers[0].resources.limits[nvidia.com/gpu]",
            pod -> first(pod).getResources().getLimits().put("nvidia.com/gpu", new Quantity("1"))),
        breakage(
            "arm64 node selector",
            "spec.nodeSelector[kubernetes.io/arch]",
            pod -> pod.getSpec().getNodeSelector().put("kubernetes.io/arch", "arm64")),
        breakage("host network", "spec.hostNetwork", pod -> pod.getSpec().setHostNetwork(true)),
        breakage(
            "SCTP port",
            "spec.containers[0].ports[",
            pod ->
                first(pod)
                    .getPorts()
                    .add(
                        new io.fabric8.kubernetes.api.model.ContainerPortBuilder()
                            .withContainerPort(9999)
                            .withProtocol("SCTP")
                            .build())),
        breakage(
            "working directory",
            "spec.containers[0].workingDir",
            pod -> first(pod).setWorkingDir("/app")),
        breakage(
            "preStop hook",
            "spec.containers[0].lifecycle.preStop",
            pod ->
                first(pod)
                    .setLifecycle(
                        new io.fabric8.kubernetes.api.model.LifecycleBuilder()
                            .withNewPreStop()
                            .withNewExec()
                            .withCommand("sleep", "5")
                            .endExec()
                            .endPreStop()
                            .build())),
        breakage(
            "invalid image reference",
            "spec.containers[0].image",
            pod -> first(pod).setImage("Not A Valid/Image:")),
        breakage(
            "61 containers",
            "spec.containers",
            pod -> {
              for (int i = 0; i < 61; i++) {
                pod.getSpec()
                    .getContainers()
                    .add(
                        new ContainerBuilder().withName("extra-" + i).withImage("busybox").build());
              }
            }),
        breakage(
            "21 volumes",
            "spec.volumes",
            pod -> {
              for (int i = 0; i < 21; i++) {
                pod.getSpec()
                    .getVolumes()
                    .add(
                        new VolumeBuilder()
                            .withName("empty-" + i)
                            .withNewEmptyDir()
                            .endEmptyDir()
                            .build());
              }
            }),
        breakage(
            "six public ports",
            "spec.containers[*].ports",
            pod -> {
              pod.getMetadata().getAnnotations().put(AciSettings.PUBLIC_IP_ANNOTATION, "true");
              for (int i = 0; i < 6; i++) {
                first(pod)
                    .getPorts()
                    .add(
                        new io.fabric8.kubernetes.api.model.ContainerPortBuilder()
                            .withContainerPort(20000 + i)
                            .build());
              }
            }),
        breakage(
            "two Windows containers",
            "spec.containers",
            pod -> {
              pod.getSpec().getNodeSelector().put("kubernetes.io/os", "windows");
              pod.getSpec()
                  .getContainers()
                  .add(new ContainerBuilder().withName("second").withImage("busybox").build());
            }));
  }

  private static Breakage breakage(String name, String path, Consumer<Pod> change) {
    return new Breakage(
        name,
        path,
        generated -> {
          Pod copy = new PodBuilder(generated.pod()).build();
          if (copy.getSpec().getNodeSelector() == null) {
            copy.getSpec().setNodeSelector(new java.util.LinkedHashMap<>());
          }
          if (copy.getMetadata().getAnnotations() == null) {
            copy.getMetadata().setAnnotations(new java.util.LinkedHashMap<>());
          }
          var resources = copy.getSpec().getContainers().get(0).getResources();
          if (resources.getRequests() == null) {
            resources.setRequests(new java.util.LinkedHashMap<>());
          }
          if (resources.getLimits() == null) {
            resources.setLimits(new java.util.LinkedHashMap<>());
          }
          change.accept(copy);
          return new GeneratedPod(copy, generated.objects());
        });
  }

  private static io.fabric8.kubernetes.api.model.Container first(Pod pod) {
    return pod.getSpec().getContainers().get(0);
  }

  private static io.fabric8.kubernetes.api.model.EnvVar env(String name, String value) {
    return new io.fabric8.kubernetes.api.model.EnvVar(name, value, null);
  }
}
