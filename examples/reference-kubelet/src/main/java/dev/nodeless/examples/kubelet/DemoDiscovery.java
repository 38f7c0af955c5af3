package dev.nodeless.examples.kubelet;

import io.fabric8.kubernetes.api.model.APIGroupBuilder;
import io.fabric8.kubernetes.api.model.APIGroupListBuilder;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceBuilder;
import io.fabric8.kubernetes.api.model.APIResourceListBuilder;
import io.fabric8.kubernetes.api.model.APIVersionsBuilder;
import io.fabric8.kubernetes.api.model.GroupVersionForDiscoveryBuilder;
import java.util.List;
import java.util.Optional;

/**
 * The discovery documents that kubectl reads before any request ({@code /api}, {@code /apis} and
 * one resource list per group version), listing the resources the demo uses. The fabric8 mock
 * returns lists of stored objects for these paths instead.
 */
final class DemoDiscovery {
  private static final List<String> ALL_VERBS =
      List.of("create", "delete", "get", "list", "patch", "update", "watch");
  private static final List<String> GROUPS =
      List.of("coordination.k8s.io", "authentication.k8s.io");

  private DemoDiscovery() {}

  /** Returns the discovery document for this path, or empty when it is no discovery path. */
  static Optional<Object> answer(String path, String serverAddress) {
    String plain = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
    return Optional.ofNullable(
        switch (plain) {
          case "/api", "/api/" ->
              new APIVersionsBuilder()
                  .withVersions("v1")
                  .addNewServerAddressByClientCIDR("0.0.0.0/0", serverAddress)
                  .build();
          case "/apis", "/apis/" -> groups();
          case "/api/v1" ->
              resources(
                  "v1",
                  namespaced("pods", "Pod", "po"),
                  subresource("pods/log", "Pod", List.of("get")),
                  subresource("pods/status", "Pod", List.of("get", "patch", "update")),
                  cluster("nodes", "Node", "no"),
                  subresource("nodes/status", "Node", List.of("get", "patch", "update")),
                  namespaced("events", "Event", "ev"),
                  namespaced("configmaps", "ConfigMap", "cm"),
                  namespaced("secrets", "Secret", null),
                  cluster("namespaces", "Namespace", "ns"));
          case "/apis/coordination.k8s.io/v1" ->
              resources("coordination.k8s.io/v1", namespaced("leases", "Lease", null));
          case "/apis/authentication.k8s.io/v1" ->
              resources(
                  "authentication.k8s.io/v1",
                  new APIResourceBuilder()
                      .withName("tokenreviews")
                      .withKind("TokenReview")
                      .withNamespaced(false)
                      .withVerbs("create")
                      .build());
          default -> null;
        });
  }

  private static Object groups() {
    APIGroupListBuilder list = new APIGroupListBuilder();
    for (String group : GROUPS) {
      var version =
          new GroupVersionForDiscoveryBuilder()
              .withGroupVersion(group + "/v1")
              .withVersion("v1")
              .build();
      list.addToGroups(
          new APIGroupBuilder()
              .withName(group)
              .withVersions(version)
              .withPreferredVersion(version)
              .build());
    }
    return list.build();
  }

  private static Object resources(String groupVersion, APIResource... resources) {
    return new APIResourceListBuilder()
        .withGroupVersion(groupVersion)
        .withResources(resources)
        .build();
  }

  private static APIResource namespaced(String name, String kind, String shortName) {
    return resource(name, kind, shortName, true, ALL_VERBS);
  }

  private static APIResource cluster(String name, String kind, String shortName) {
    return resource(name, kind, shortName, false, ALL_VERBS);
  }

  private static APIResource subresource(String name, String kind, List<String> verbs) {
    return resource(name, kind, null, !kind.equals("Node"), verbs);
  }

  private static APIResource resource(
      String name, String kind, String shortName, boolean namespaced, List<String> verbs) {
    APIResourceBuilder resource =
        new APIResourceBuilder()
            .withName(name)
            .withSingularName(name.contains("/") ? "" : kind.toLowerCase(java.util.Locale.ROOT))
            .withKind(kind)
            .withNamespaced(namespaced)
            .withVerbs(verbs);
    if (shortName != null) {
      resource.withShortNames(shortName);
    }
    return resource.build();
  }
}
