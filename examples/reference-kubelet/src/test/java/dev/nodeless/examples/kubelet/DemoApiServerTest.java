package dev.nodeless.examples.kubelet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The API server behaviours that demo mode and the tests add to the fabric8 CRUD mock. */
class DemoApiServerTest {
  private final DemoApiServer server = DemoApiServer.start(0).addToken("t0ken", "alice");
  private final KubernetesClient client = server.newClient();

  @AfterEach
  void close() {
    client.close();
    server.close();
  }

  @Test
  void gracefulDeleteOfBoundPodMarksIt() {
    Pod pod = create("bound", "node-1");

    client.pods().withName("bound").withGracePeriod(30).delete();

    Pod marked = client.pods().withName("bound").get();
    assertThat(marked.getMetadata().getDeletionTimestamp()).isNotNull();
    assertThat(marked.getMetadata().getDeletionGracePeriodSeconds()).isEqualTo(30L);
    assertThat(marked.getMetadata().getUid()).isEqualTo(pod.getMetadata().getUid());
  }

  @Test
  void deleteWithGraceZeroRemovesMarkedPod() {
    Pod pod = create("bound", "node-1");
    client.pods().withName("bound").withGracePeriod(30).delete();

    new PodDeleter(client).deleteNow(dev.nodeless.PodRef.of(pod));

    assertThat(client.pods().withName("bound").get()).isNull();
  }

  @Test
  void uidPreconditionProtectsNewPod() {
    Pod old = create("reused", "node-1");
    client.pods().withName("reused").withGracePeriod(0).delete();
    Pod fresh = create("reused", "node-1");

    String url = server.url() + "/api/v1/namespaces/default/pods/reused";
    assertThatThrownBy(
            () ->
                client.raw(
                    url,
                    "DELETE",
                    Map.of(
                        "gracePeriodSeconds",
                        0,
                        "preconditions",
                        Map.of("uid", old.getMetadata().getUid()))))
        .isInstanceOf(KubernetesClientException.class)
        .extracting(error -> ((KubernetesClientException) error).getCode())
        .isEqualTo(409);
    assertThat(client.pods().withName("reused").get().getMetadata().getUid())
        .isEqualTo(fresh.getMetadata().getUid());
  }

  @Test
  void unboundPodIsDeletedAtOnce() {
    create("unbound", null);

    client.pods().withName("unbound").withGracePeriod(30).delete();

    assertThat(client.pods().withName("unbound").get()).isNull();
  }

  @Test
  void getByNameFollowsUpdatesAndDeletes() {
    create("same-name", "node-1");
    client.configMaps().resource(configMap("same-name", "default")).create();
    client.configMaps().resource(configMap("same-name", "other")).create();
    client.pods().withName("same-name").edit(pod -> labelled(pod, "v2"));

    Pod updated = client.pods().withName("same-name").get();
    assertThat(updated.getMetadata().getLabels()).containsEntry("version", "v2");
    assertThat(client.configMaps().inNamespace("other").withName("same-name").get()).isNotNull();

    client.configMaps().inNamespace("default").withName("same-name").delete();
    client.pods().withName("same-name").withGracePeriod(0).delete();

    assertThat(client.pods().withName("same-name").get()).isNull();
    assertThat(client.configMaps().inNamespace("default").withName("same-name").get()).isNull();
    assertThat(client.configMaps().inNamespace("other").withName("same-name").get()).isNotNull();
    assertThat(create("same-name", "node-1").getMetadata().getUid())
        .isNotEqualTo(updated.getMetadata().getUid());
  }

  @Test
  void tokenReviewKnowsRegisteredTokens() {
    TokenReview good = review("t0ken");
    TokenReview bad = review("other");

    assertThat(good.getStatus().getAuthenticated()).isTrue();
    assertThat(good.getStatus().getUser().getUsername()).isEqualTo("alice");
    assertThat(bad.getStatus().getAuthenticated()).isFalse();
  }

  @Test
  void unsupportedSelectorTermsAreSplitOff() {
    DemoFieldSelectors.Split watch =
        DemoFieldSelectors.split("/api/v1/pods?fieldSelector=spec.nodeName%3Dn1&watch=true");
    DemoFieldSelectors.Split mixed =
        DemoFieldSelectors.split(
            "/api/v1/pods?fieldSelector=spec.nodeName%3Dn1%2Cmetadata.name%3Dx");

    assertThat(watch.pathWithoutUnsupported()).isEqualTo("/api/v1/pods?watch=true");
    assertThat(watch.unsupported())
        .containsExactly(new DemoFieldSelectors.Term("spec.nodeName", "n1", true));
    assertThat(mixed.pathWithoutUnsupported())
        .isEqualTo("/api/v1/pods?fieldSelector=metadata.name%3Dx");
    assertThat(DemoFieldSelectors.split("/api/v1/pods").pathWithoutUnsupported())
        .isEqualTo("/api/v1/pods");
  }

  @Test
  void listIsFilteredBySelector() {
    create("here", "node-1");
    create("there", "node-2");

    assertThat(
            client.pods().inAnyNamespace().withField("spec.nodeName", "node-1").list().getItems())
        .extracting(pod -> pod.getMetadata().getName())
        .containsExactly("here");
  }

  @Test
  void kubeconfigPointsAtServer() {
    assertThat(server.kubeconfig("abc"))
        .contains("server: " + server.url())
        .contains("token: abc")
        .contains("current-context: nodeless-demo");
    assertThat(server.url()).startsWith("http://127.0.0.1:");
  }

  private TokenReview review(String token) {
    return client
        .authentication()
        .v1()
        .tokenReviews()
        .create(new TokenReviewBuilder().withNewSpec().withToken(token).endSpec().build());
  }

  private static Pod labelled(Pod pod, String version) {
    return new PodBuilder(pod).editMetadata().addToLabels("version", version).endMetadata().build();
  }

  private static io.fabric8.kubernetes.api.model.ConfigMap configMap(
      String name, String namespace) {
    return new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(namespace)
        .endMetadata()
        .addToData("key", namespace)
        .build();
  }

  private Pod create(String name, String node) {
    return client
        .pods()
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace("default")
                .endMetadata()
                .withNewSpec()
                .withNodeName(node)
                .addNewContainer()
                .withName("main")
                .withImage("busybox")
                .endContainer()
                .endSpec()
                .build())
        .create();
  }
}
