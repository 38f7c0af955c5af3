package dev.nodeless.examples.kubelet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * An in-process API server (the fabric8 CRUD mock behind {@link DemoApiServer}) and kubelets
 * running against it on the real local provider, each with its own state directory. Containers get
 * an environment token, so that a test can prove no process outlived the kubelet.
 */
final class TestCluster implements AutoCloseable {
  static final Duration TIMEOUT = Duration.ofSeconds(30);
  static final String NAMESPACE = "default";

  final DemoApiServer api = DemoApiServer.start(0);
  final KubernetesClient client = api.newClient();
  final String token = "nodeless-kubelet-test-" + UUID.randomUUID();
  private final List<Kubelet> kubelets = new ArrayList<>();

  /** Settings for short test runs: a free loopback port and sub-second intervals. */
  static KubeletConfig.Builder config(String nodeName, Path stateDir) {
    return KubeletConfig.builder(nodeName)
        .providerName("local")
        .providerSetting("local.stateDir", stateDir.toString())
        .providerSetting("local.nodeName", nodeName)
        // Host processes, even where podman or docker is installed: every test pod sets command.
        .providerSetting("local.runtime", "process")
        .providerSetting("local.pollInterval", "50ms")
        .providerSetting("local.backOff.initial", "500ms")
        .providerSetting("local.backOff.max", "2s")
        .internalIp("127.0.0.1")
        .bindAddress("127.0.0.1")
        .port(0)
        .lease(Duration.ofSeconds(40), Duration.ofMillis(300))
        .nodeStatusInterval(Duration.ofMillis(500))
        .healthCheckInterval(Duration.ofMillis(100))
        .podResyncPeriod(Duration.ofSeconds(1))
        .reconcileInterval(Duration.ofMillis(300))
        .retryDelays(Duration.ofMillis(200), Duration.ofSeconds(1));
  }

  Kubelet start(String nodeName, Path stateDir) {
    return start(config(nodeName, stateDir));
  }

  Kubelet start(String nodeName, Path stateDir, UnaryOperator<KubeletConfig.Builder> tweak) {
    return start(tweak.apply(config(nodeName, stateDir)));
  }

  Kubelet start(KubeletConfig.Builder config) {
    Kubelet kubelet = Kubelet.start(client, config.build());
    kubelets.add(kubelet);
    return kubelet;
  }

  /** Builds a pod bound to the node whose one container runs {@code script} with {@code sh -c}. */
  PodBuilder pod(String name, String nodeName, String script) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(NAMESPACE)
        .endMetadata()
        .withNewSpec()
        .withNodeName(nodeName)
        .withTerminationGracePeriodSeconds(1L)
        .withContainers(container("main", script).build())
        .endSpec();
  }

  ContainerBuilder container(String name, String script) {
    return new ContainerBuilder()
        .withName(name)
        .withImage("busybox")
        .withCommand("sh", "-c", script)
        .addNewEnv()
        .withName("NODELESS_TEST_TOKEN")
        .withValue(token)
        .endEnv();
  }

  Pod create(PodBuilder pod) {
    return client.pods().inNamespace(NAMESPACE).resource(pod.build()).create();
  }

  Pod get(String name) {
    return client.pods().inNamespace(NAMESPACE).withName(name).get();
  }

  /** Waits until the pod exists and matches. */
  Pod awaitPod(String name, Predicate<Pod> condition) {
    return await()
        .atMost(TIMEOUT)
        .until(() -> get(name), pod -> pod != null && condition.test(pod));
  }

  Pod awaitPhase(String name, String phase) {
    return awaitPod(
        name, pod -> pod.getStatus() != null && phase.equals(pod.getStatus().getPhase()));
  }

  List<Event> events(String podName) {
    return client.v1().events().inNamespace(NAMESPACE).list().getItems().stream()
        .filter(event -> podName.equals(event.getInvolvedObject().getName()))
        .toList();
  }

  /** Waits for an event of the pod with this reason and returns it. */
  Event awaitEvent(String podName, String reason) {
    return await()
        .atMost(TIMEOUT)
        .until(
            () ->
                events(podName).stream()
                    .filter(event -> reason.equals(event.getReason()))
                    .findFirst()
                    .orElse(null),
            Objects::nonNull);
  }

  /** Returns the processes whose environment contains this cluster's token. */
  List<Long> processes() {
    return ProcessScan.withToken(token);
  }

  /** Stops every kubelet, checks that their processes are gone, and stops the API server. */
  @Override
  public void close() {
    kubelets.forEach(Kubelet::close);
    client.close();
    api.close();
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(() -> assertThat(processes()).as("leaked processes").isEmpty());
  }
}
