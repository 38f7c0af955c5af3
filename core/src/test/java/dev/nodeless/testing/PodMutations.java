package dev.nodeless.testing;

import io.fabric8.kubernetes.api.model.ConfigMapVolumeSourceBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EmptyDirVolumeSource;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvFromSourceBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LifecycleBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A catalogue of single mutations that each make a valid pod invalid in one known way, with the
 * field path, value and rule the validator must report. Every mutation applies to any valid pod
 * with at least one app container, such as those of {@link PodArbitraries}, and leaves the input
 * untouched.
 */
public final class PodMutations {

  /**
   * The problem a mutation must cause.
   *
   * @param path the field path
   * @param value the offending value as the problem shows it, {@code null} for a missing field
   * @param rule a fragment of the rule text
   */
  public record Expected(String path, String value, String rule) {}

  /** One named mutation. */
  public record Mutation(String name, Function<Pod, Expected> change) {
    /** Applies the mutation to a deep copy of {@code pod}. */
    public Mutated apply(Pod pod) {
      Pod copy = new PodBuilder(pod).build();
      Expected expected = change.apply(copy);
      return new Mutated(copy, expected);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** A mutated pod and the problem it must cause. */
  public record Mutated(Pod pod, Expected expected) {}

  private static final String C0 = "spec.containers[0]";

  private PodMutations() {}

  public static List<Mutation> all() {
    List<Mutation> all = new ArrayList<>();
    all.addAll(metadata());
    all.addAll(containers());
    all.addAll(resources());
    all.addAll(portsAndEnv());
    all.addAll(volumes());
    all.addAll(probesAndPolicies());
    return all;
  }

  private static List<Mutation> metadata() {
    return List.of(
        mutation(
            "name not DNS-1123",
            pod -> {
              pod.getMetadata().setName("Invalid_Name");
              return new Expected("metadata.name", "Invalid_Name", "DNS-1123 subdomain");
            }),
        mutation(
            "name longer than 253",
            pod -> {
              String name = "a".repeat(254);
              pod.getMetadata().setName(name);
              return new Expected("metadata.name", name, "at most 253");
            }),
        mutation(
            "name missing",
            pod -> {
              pod.getMetadata().setName("");
              return new Expected("metadata.name", null, "is required");
            }),
        mutation(
            "namespace not DNS-1123 label",
            pod -> {
              pod.getMetadata().setNamespace("Team.A");
              return new Expected("metadata.namespace", "Team.A", "DNS-1123 label");
            }),
        mutation(
            "label key invalid",
            pod -> {
              labels(pod).put("bad key!", "v");
              return new Expected("metadata.labels[bad key!]", "bad key!", "qualified name");
            }),
        mutation(
            "label value longer than 63",
            pod -> {
              String value = "v".repeat(64);
              labels(pod).put("nodeless-test", value);
              return new Expected("metadata.labels[nodeless-test]", value, "at most 63");
            }),
        mutation(
            "label value with space",
            pod -> {
              labels(pod).put("nodeless-test", "two words");
              return new Expected("metadata.labels[nodeless-test]", "two words", "letters, digits");
            }),
        mutation(
            "annotation key invalid",
            pod -> {
              Map<String, String> annotations =
                  pod.getMetadata().getAnnotations() == null
                      ? new LinkedHashMap<>()
                      : pod.getMetadata().getAnnotations();
              annotations.put("-starts-with-dash", "v");
              pod.getMetadata().setAnnotations(annotations);
              return new Expected(
                  "metadata.annotations[-starts-with-dash]", "-starts-with-dash", "qualified name");
            }));
  }

  private static List<Mutation> containers() {
    return List.of(
        mutation(
            "no app containers",
            pod -> {
              pod.getSpec().setContainers(new ArrayList<>());
              return new Expected("spec.containers", null, "is required");
            }),
        mutation(
            "container name not DNS-1123 label",
            pod -> {
              container(pod).setName("App_Server");
              return new Expected(C0 + ".name", "App_Server", "DNS-1123 label");
            }),
        mutation(
            "container name duplicated",
            pod -> {
              Container copy = new ContainerBuilder(container(pod)).build();
              pod.getSpec().getContainers().add(copy);
              int index = pod.getSpec().getContainers().size() - 1;
              return new Expected(
                  "spec.containers[" + index + "].name", copy.getName(), "must be unique");
            }),
        mutation(
            "image missing",
            pod -> {
              container(pod).setImage(null);
              return new Expected(C0 + ".image", null, "is required");
            }),
        mutation(
            "image blank",
            pod -> {
              container(pod).setImage("   ");
              return new Expected(C0 + ".image", "   ", "whitespace");
            }),
        mutation(
            "app container restartPolicy",
            pod -> {
              container(pod).setRestartPolicy("Always");
              return new Expected(C0 + ".restartPolicy", "Always", "only on init containers");
            }),
        mutation(
            "init container restartPolicy not Always",
            pod -> {
              int index = addInit(pod, new ContainerBuilder().withRestartPolicy("OnFailure"));
              return new Expected(
                  "spec.initContainers[" + index + "].restartPolicy",
                  "OnFailure",
                  "must be Always");
            }),
        mutation(
            "probe on regular init container",
            pod -> {
              int index =
                  addInit(
                      pod,
                      new ContainerBuilder()
                          .withReadinessProbe(
                              new ProbeBuilder()
                                  .withNewExec()
                                  .withCommand("true")
                                  .endExec()
                                  .build()));
              return new Expected(
                  "spec.initContainers[" + index + "].readinessProbe", null, "native sidecar");
            }));
  }

  private static List<Mutation> resources() {
    return List.of(
        mutation(
            "quantity not parseable",
            pod -> {
              limits(container(pod)).put("memory", new Quantity("1", "ki"));
              return new Expected(
                  C0 + ".resources.limits.memory", "1ki", "not a Kubernetes quantity");
            }),
        mutation(
            "quantity with two suffixes",
            pod -> {
              requests(container(pod)).put("cpu", new Quantity("1", "m5"));
              return new Expected(
                  C0 + ".resources.requests.cpu", "1m5", "not a Kubernetes quantity");
            }),
        mutation(
            "negative request",
            pod -> {
              requests(container(pod)).put("cpu", new Quantity("-100m"));
              return new Expected(C0 + ".resources.requests.cpu", "-100m", "must be >= 0");
            }),
        mutation(
            "request above limit",
            pod -> {
              requests(container(pod)).put("memory", new Quantity("2Gi"));
              limits(container(pod)).put("memory", new Quantity("1Gi"));
              return new Expected(C0 + ".resources.requests.memory", "2Gi", "must be <= the limit");
            }),
        mutation(
            "gpu not a whole number",
            pod -> {
              limits(container(pod)).put("nvidia.com/gpu", new Quantity("0.5"));
              requests(container(pod)).remove("nvidia.com/gpu");
              return new Expected(
                  C0 + ".resources.limits[nvidia.com/gpu]", "0.5", "must be a whole number");
            }),
        mutation(
            "gpu request differs from limit",
            pod -> {
              requests(container(pod)).put("nvidia.com/gpu", new Quantity("1"));
              limits(container(pod)).put("nvidia.com/gpu", new Quantity("2"));
              return new Expected(
                  C0 + ".resources.requests[nvidia.com/gpu]", "1", "must equal the limit");
            }),
        mutation(
            "gpu request without limit",
            pod -> {
              requests(container(pod)).put("nvidia.com/gpu", new Quantity("1"));
              limits(container(pod)).remove("nvidia.com/gpu");
              return new Expected(
                  C0 + ".resources.limits[nvidia.com/gpu]", null, "extended resource");
            }),
        mutation(
            "resource name without domain",
            pod -> {
              limits(container(pod)).put("gpu", new Quantity("1"));
              return new Expected(C0 + ".resources.limits.gpu", "gpu", "extended resource");
            }),
        mutation(
            "pod-level quantity not parseable",
            pod -> {
              ResourceRequirements podLevel = new ResourceRequirements();
              podLevel.setLimits(new LinkedHashMap<>(Map.of("memory", new Quantity("lots", null))));
              pod.getSpec().setResources(podLevel);
              return new Expected(
                  "spec.resources.limits.memory", "lots", "not a Kubernetes quantity");
            }),
        mutation(
            "pod-level resource not supported",
            pod -> {
              ResourceRequirements podLevel = new ResourceRequirements();
              podLevel.setLimits(
                  new LinkedHashMap<>(Map.of("ephemeral-storage", new Quantity("1Gi"))));
              pod.getSpec().setResources(podLevel);
              return new Expected(
                  "spec.resources.limits.ephemeral-storage",
                  "ephemeral-storage",
                  "only cpu, memory");
            }));
  }

  private static List<Mutation> portsAndEnv() {
    return List.of(
        mutation(
            "port above 65535",
            pod -> {
              int index = addPort(pod, new ContainerPortBuilder().withContainerPort(70000).build());
              return new Expected(
                  C0 + ".ports[" + index + "].containerPort", "70000", "between 1 and 65535");
            }),
        mutation(
            "port protocol unknown",
            pod -> {
              int index =
                  addPort(
                      pod,
                      new ContainerPortBuilder()
                          .withContainerPort(65535)
                          .withProtocol("HTTP")
                          .build());
              return new Expected(
                  C0 + ".ports[" + index + "].protocol", "HTTP", "TCP, UDP or SCTP");
            }),
        mutation(
            "port name not IANA",
            pod -> {
              int index =
                  addPort(
                      pod,
                      new ContainerPortBuilder()
                          .withContainerPort(65535)
                          .withName("Web_Port")
                          .build());
              return new Expected(
                  C0 + ".ports[" + index + "].name", "Web_Port", "IANA service name");
            }),
        mutation(
            "port name duplicated",
            pod -> {
              addPort(
                  pod,
                  new ContainerPortBuilder().withContainerPort(65534).withName("zz-dup").build());
              int index =
                  addPort(
                      pod,
                      new ContainerPortBuilder()
                          .withContainerPort(65533)
                          .withProtocol("UDP")
                          .withName("zz-dup")
                          .build());
              return new Expected(C0 + ".ports[" + index + "].name", "zz-dup", "must be unique");
            }),
        mutation(
            "env name with equals sign",
            pod -> {
              int index = addEnv(pod, new EnvVar("A=B", "x", null));
              return new Expected(C0 + ".env[" + index + "].name", "A=B", "other than '='");
            }),
        mutation(
            "env name empty",
            pod -> {
              int index = addEnv(pod, new EnvVar("", "x", null));
              return new Expected(C0 + ".env[" + index + "].name", null, "is required");
            }),
        mutation(
            "env value and valueFrom",
            pod -> {
              int index =
                  addEnv(
                      pod,
                      new EnvVarBuilder()
                          .withName("BOTH")
                          .withValue("x")
                          .withNewValueFrom()
                          .withNewFieldRef(null, "metadata.name")
                          .endValueFrom()
                          .build());
              return new Expected(C0 + ".env[" + index + "].value", "x", "must be empty");
            }),
        mutation(
            "env valueFrom with two sources",
            pod -> {
              int index =
                  addEnv(
                      pod,
                      new EnvVarBuilder()
                          .withName("TWO")
                          .withNewValueFrom()
                          .withNewFieldRef(null, "metadata.name")
                          .withNewConfigMapKeyRef("key", "app-config", true)
                          .endValueFrom()
                          .build());
              return new Expected(C0 + ".env[" + index + "].valueFrom", null, "exactly one");
            }),
        mutation(
            "env valueFrom empty",
            pod -> {
              int index =
                  addEnv(
                      pod,
                      new EnvVarBuilder()
                          .withName("NONE")
                          .withNewValueFrom()
                          .endValueFrom()
                          .build());
              return new Expected(C0 + ".env[" + index + "].valueFrom", null, "exactly one");
            }),
        mutation(
            "env fieldRef unsupported",
            pod -> {
              int index =
                  addEnv(
                      pod,
                      new EnvVarBuilder()
                          .withName("PHASE")
                          .withNewValueFrom()
                          .withNewFieldRef(null, "status.phase")
                          .endValueFrom()
                          .build());
              return new Expected(
                  C0 + ".env[" + index + "].valueFrom.fieldRef.fieldPath",
                  "status.phase",
                  "not supported");
            }),
        mutation(
            "env resourceFieldRef cpu divisor",
            pod -> {
              int index =
                  addEnv(
                      pod,
                      new EnvVarBuilder()
                          .withName("CPU")
                          .withNewValueFrom()
                          .withNewResourceFieldRef()
                          .withResource("limits.cpu")
                          .withDivisor(new Quantity("1Mi"))
                          .endResourceFieldRef()
                          .endValueFrom()
                          .build());
              return new Expected(
                  C0 + ".env[" + index + "].valueFrom.resourceFieldRef.divisor", "1Mi", "1m or 1");
            }),
        mutation(
            "secretKeyRef without key",
            pod -> {
              int index =
                  addEnv(
                      pod,
                      new EnvVarBuilder()
                          .withName("TOKEN")
                          .withNewValueFrom()
                          .withNewSecretKeyRef(null, "api-token", false)
                          .endValueFrom()
                          .build());
              return new Expected(
                  C0 + ".env[" + index + "].valueFrom.secretKeyRef.key", null, "is required");
            }),
        mutation(
            "envFrom with both refs",
            pod -> {
              Container container = container(pod);
              List<EnvFromSource> sources =
                  container.getEnvFrom() == null ? new ArrayList<>() : container.getEnvFrom();
              sources.add(
                  new EnvFromSourceBuilder()
                      .withNewConfigMapRef("app-config", true)
                      .withNewSecretRef("api-token", true)
                      .build());
              container.setEnvFrom(sources);
              return new Expected(
                  C0 + ".envFrom[" + (sources.size() - 1) + "]", null, "exactly one");
            }));
  }

  private static List<Mutation> volumes() {
    return List.of(
        mutation(
            "volume name not DNS-1123 label",
            pod -> {
              int index = addVolume(pod, emptyDir("Bad_Volume"));
              return new Expected(
                  "spec.volumes[" + index + "].name", "Bad_Volume", "DNS-1123 label");
            }),
        mutation(
            "volume name duplicated",
            pod -> {
              addVolume(pod, emptyDir("zz-mutation-dup"));
              int index = addVolume(pod, emptyDir("zz-mutation-dup"));
              return new Expected(
                  "spec.volumes[" + index + "].name", "zz-mutation-dup", "must be unique");
            }),
        mutation(
            "volume without source",
            pod -> {
              int index = addVolume(pod, new VolumeBuilder().withName("zz-no-source").build());
              return new Expected("spec.volumes[" + index + "]", null, "exactly one volume source");
            }),
        mutation(
            "volume with two sources",
            pod -> {
              Volume volume = emptyDir("zz-two-sources");
              volume.setConfigMap(
                  new ConfigMapVolumeSourceBuilder().withName("app-config").build());
              int index = addVolume(pod, volume);
              return new Expected(
                  "spec.volumes[" + index + "]",
                  "configMap, emptyDir",
                  "exactly one volume source");
            }),
        mutation(
            "configMap item path with dot-dot",
            pod -> {
              Volume volume =
                  new VolumeBuilder()
                      .withName("zz-items")
                      .withNewConfigMap()
                      .withName("app-config")
                      .addNewItem()
                      .withKey("k")
                      .withPath("conf/../../etc/passwd")
                      .endItem()
                      .endConfigMap()
                      .build();
              int index = addVolume(pod, volume);
              return new Expected(
                  "spec.volumes[" + index + "].configMap.items[0].path",
                  "conf/../../etc/passwd",
                  "'..'");
            }),
        mutation(
            "secret defaultMode too large",
            pod -> {
              Volume volume =
                  new VolumeBuilder()
                      .withName("zz-mode")
                      .withNewSecret()
                      .withSecretName("api-token")
                      .withDefaultMode(01000)
                      .endSecret()
                      .build();
              int index = addVolume(pod, volume);
              return new Expected(
                  "spec.volumes[" + index + "].secret.defaultMode", "512", "between 0 and 0777");
            }),
        mutation(
            "mount of unknown volume",
            pod -> {
              int index =
                  addMount(
                      pod,
                      new VolumeMountBuilder()
                          .withName("zz-missing")
                          .withMountPath("/zz/missing")
                          .build());
              return new Expected(
                  C0 + ".volumeMounts[" + index + "].name", "zz-missing", "must name a volume");
            }),
        mutation(
            "mountPath relative",
            pod -> {
              addVolume(pod, emptyDir("zz-relative"));
              int index =
                  addMount(
                      pod,
                      new VolumeMountBuilder()
                          .withName("zz-relative")
                          .withMountPath("data")
                          .build());
              return new Expected(
                  C0 + ".volumeMounts[" + index + "].mountPath", "data", "absolute path");
            }),
        mutation(
            "mountPath duplicated",
            pod -> {
              addVolume(pod, emptyDir("zz-one"));
              addVolume(pod, emptyDir("zz-two"));
              addMount(
                  pod, new VolumeMountBuilder().withName("zz-one").withMountPath("/zz").build());
              int index =
                  addMount(
                      pod,
                      new VolumeMountBuilder().withName("zz-two").withMountPath("/zz").build());
              return new Expected(
                  C0 + ".volumeMounts[" + index + "].mountPath", "/zz", "must be unique");
            }),
        mutation(
            "subPath escaping the volume",
            pod -> {
              addVolume(pod, emptyDir("zz-sub"));
              int index =
                  addMount(
                      pod,
                      new VolumeMountBuilder()
                          .withName("zz-sub")
                          .withMountPath("/zz/sub")
                          .withSubPath("../escape")
                          .build());
              return new Expected(C0 + ".volumeMounts[" + index + "].subPath", "../escape", "'..'");
            }),
        mutation(
            "subPath absolute",
            pod -> {
              addVolume(pod, emptyDir("zz-abs"));
              int index =
                  addMount(
                      pod,
                      new VolumeMountBuilder()
                          .withName("zz-abs")
                          .withMountPath("/zz/abs")
                          .withSubPath("/etc")
                          .build());
              return new Expected(C0 + ".volumeMounts[" + index + "].subPath", "/etc", "relative");
            }));
  }

  private static List<Mutation> probesAndPolicies() {
    return List.of(
        mutation(
            "pod restartPolicy unknown",
            pod -> {
              pod.getSpec().setRestartPolicy("Sometimes");
              return new Expected("spec.restartPolicy", "Sometimes", "Always, OnFailure or Never");
            }),
        mutation(
            "terminationGracePeriodSeconds negative",
            pod -> {
              pod.getSpec().setTerminationGracePeriodSeconds(-1L);
              return new Expected("spec.terminationGracePeriodSeconds", "-1", "must be >= 0");
            }),
        mutation(
            "activeDeadlineSeconds zero",
            pod -> {
              pod.getSpec().setActiveDeadlineSeconds(0L);
              return new Expected("spec.activeDeadlineSeconds", "0", "between 1 and");
            }),
        mutation(
            "dnsPolicy unknown",
            pod -> {
              pod.getSpec().setDnsPolicy("Everything");
              return new Expected("spec.dnsPolicy", "Everything", "ClusterFirst");
            }),
        mutation(
            "probe without handler",
            pod -> {
              container(pod).setLivenessProbe(new Probe());
              return new Expected(C0 + ".livenessProbe", null, "exactly one of exec");
            }),
        mutation(
            "probe with two handlers",
            pod -> {
              container(pod)
                  .setLivenessProbe(
                      new ProbeBuilder()
                          .withNewExec()
                          .withCommand("true")
                          .endExec()
                          .withNewTcpSocket()
                          .withPort(new IntOrString(80))
                          .endTcpSocket()
                          .build());
              return new Expected(C0 + ".livenessProbe", null, "exactly one of exec");
            }),
        mutation(
            "probe periodSeconds negative",
            pod -> {
              container(pod).setReadinessProbe(execProbe().withPeriodSeconds(-1).build());
              return new Expected(C0 + ".readinessProbe.periodSeconds", "-1", "must be >= 0");
            }),
        mutation(
            "probe timeoutSeconds negative",
            pod -> {
              container(pod).setLivenessProbe(execProbe().withTimeoutSeconds(-5).build());
              return new Expected(C0 + ".livenessProbe.timeoutSeconds", "-5", "must be >= 0");
            }),
        mutation(
            "liveness successThreshold above one",
            pod -> {
              container(pod).setLivenessProbe(execProbe().withSuccessThreshold(2).build());
              return new Expected(C0 + ".livenessProbe.successThreshold", "2", "must be 1");
            }),
        mutation(
            "startup failureThreshold negative",
            pod -> {
              container(pod).setStartupProbe(execProbe().withFailureThreshold(-1).build());
              return new Expected(C0 + ".startupProbe.failureThreshold", "-1", "must be >= 0");
            }),
        mutation(
            "probe initialDelaySeconds negative",
            pod -> {
              container(pod).setLivenessProbe(execProbe().withInitialDelaySeconds(-1).build());
              return new Expected(C0 + ".livenessProbe.initialDelaySeconds", "-1", "must be >= 0");
            }),
        mutation(
            "httpGet named port missing",
            pod -> {
              container(pod)
                  .setLivenessProbe(
                      new ProbeBuilder()
                          .withNewHttpGet()
                          .withPath("/")
                          .withPort(new IntOrString("zz-no-port"))
                          .endHttpGet()
                          .build());
              return new Expected(
                  C0 + ".livenessProbe.httpGet.port", "zz-no-port", "must name a port");
            }),
        mutation(
            "preStop with two handlers",
            pod -> {
              container(pod)
                  .setLifecycle(
                      new LifecycleBuilder()
                          .withNewPreStop()
                          .withNewExec()
                          .withCommand("true")
                          .endExec()
                          .withNewSleep(1L)
                          .endPreStop()
                          .build());
              return new Expected(C0 + ".lifecycle.preStop", null, "exactly one of exec");
            }));
  }

  // ---- helpers ------------------------------------------------------------------------------

  private static Mutation mutation(String name, Function<Pod, Expected> change) {
    return new Mutation(name, change);
  }

  private static Container container(Pod pod) {
    return pod.getSpec().getContainers().get(0);
  }

  private static Map<String, String> labels(Pod pod) {
    Map<String, String> labels =
        pod.getMetadata().getLabels() == null
            ? new LinkedHashMap<>()
            : pod.getMetadata().getLabels();
    pod.getMetadata().setLabels(labels);
    return labels;
  }

  private static ResourceRequirements resourcesOf(Container container) {
    if (container.getResources() == null) {
      container.setResources(new ResourceRequirements());
    }
    return container.getResources();
  }

  private static Map<String, Quantity> requests(Container container) {
    ResourceRequirements resources = resourcesOf(container);
    if (resources.getRequests() == null) {
      resources.setRequests(new LinkedHashMap<>());
    }
    return resources.getRequests();
  }

  private static Map<String, Quantity> limits(Container container) {
    ResourceRequirements resources = resourcesOf(container);
    if (resources.getLimits() == null) {
      resources.setLimits(new LinkedHashMap<>());
    }
    return resources.getLimits();
  }

  private static int addInit(Pod pod, ContainerBuilder builder) {
    List<Container> inits =
        pod.getSpec().getInitContainers() == null
            ? new ArrayList<>()
            : pod.getSpec().getInitContainers();
    inits.add(builder.withName("zz-mutation-init").withImage("busybox:1.36").build());
    pod.getSpec().setInitContainers(inits);
    return inits.size() - 1;
  }

  private static int addPort(Pod pod, ContainerPort port) {
    Container container = container(pod);
    List<ContainerPort> ports =
        container.getPorts() == null ? new ArrayList<>() : container.getPorts();
    ports.add(port);
    container.setPorts(ports);
    return ports.size() - 1;
  }

  private static int addEnv(Pod pod, EnvVar var) {
    Container container = container(pod);
    List<EnvVar> env = container.getEnv() == null ? new ArrayList<>() : container.getEnv();
    env.add(var);
    container.setEnv(env);
    return env.size() - 1;
  }

  private static int addVolume(Pod pod, Volume volume) {
    List<Volume> volumes =
        pod.getSpec().getVolumes() == null ? new ArrayList<>() : pod.getSpec().getVolumes();
    volumes.add(volume);
    pod.getSpec().setVolumes(volumes);
    return volumes.size() - 1;
  }

  private static int addMount(Pod pod, VolumeMount mount) {
    Container container = container(pod);
    List<VolumeMount> mounts =
        container.getVolumeMounts() == null ? new ArrayList<>() : container.getVolumeMounts();
    mounts.add(mount);
    container.setVolumeMounts(mounts);
    return mounts.size() - 1;
  }

  private static Volume emptyDir(String name) {
    return new VolumeBuilder().withName(name).withEmptyDir(new EmptyDirVolumeSource()).build();
  }

  private static ProbeBuilder execProbe() {
    return new ProbeBuilder().withNewExec().withCommand("true").endExec();
  }
}
