package dev.nodeless.examples.kubelet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nodeless.PodPhases;
import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The kubelet HTTP API over TLS: logs, pods, metrics, health and authentication. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KubeletApiTest {
  private static final String NODE = "api-node";
  private static final String TOKEN = "good-token";
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private TestCluster cluster;
  private Kubelet kubelet;
  private TestCertificates certificates;
  private HttpClient client;

  @BeforeAll
  void start(@TempDir Path stateDir, @TempDir Path tls) throws Exception {
    cluster = new TestCluster();
    cluster.api.addToken(TOKEN, "alice");
    certificates = new TestCertificates("kubelet-client-ca");
    Path ca = Files.writeString(tls.resolve("ca.pem"), certificates.caPem());
    kubelet = cluster.start(NODE, stateDir, config -> config.clientCaFile(ca));
    client = client(null);
    cluster.create(
        cluster.pod("counter", NODE, "for i in 1 2 3 4 5; do echo line-$i; done; sleep 1000"));
    cluster.create(
        cluster.pod(
            "ticker", NODE, "i=0; while true; do i=$((i+1)); echo tick-$i; sleep 0.2; done"));
    cluster.create(cluster.pod("quiet", NODE, "echo ready; sleep 1000"));
    for (String name : List.of("counter", "ticker", "quiet")) {
      cluster.awaitPhase(name, PodPhases.RUNNING);
    }
    await()
        .atMost(TestCluster.TIMEOUT)
        .until(() -> get("/containerLogs/default/counter/main", TOKEN).body().contains("line-5"));
  }

  @AfterAll
  void stop() {
    cluster.close();
  }

  @Test
  void anonymousRequestIsRefused() throws Exception {
    for (String path :
        List.of("/pods", "/metrics", "/healthz", "/containerLogs/default/counter/main")) {
      HttpResponse<String> response = get(path, null);
      assertThat(response.statusCode()).as(path).isEqualTo(401);
    }
  }

  @Test
  void unknownTokenIsRefused() throws Exception {
    assertThat(get("/pods", "not-a-token").statusCode()).isEqualTo(401);
  }

  @Test
  void clientCertificateFromTrustedCaIsAccepted() throws Exception {
    HttpClient withCertificate = client(certificates.client("bob"));

    HttpResponse<String> response =
        withCertificate.send(request("/healthz", null), HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("ok");
  }

  @Test
  void clientCertificateFromUnknownCaIsRefused() throws Exception {
    HttpClient stranger = client(TestCertificates.selfSignedClient("mallory"));

    int status;
    try {
      status =
          stranger.send(request("/pods", null), HttpResponse.BodyHandlers.ofString()).statusCode();
    } catch (java.io.IOException handshakeRefused) {
      status = -1;
    }

    assertThat(status).as("HTTP status, or -1 when the TLS handshake failed").isIn(-1, 401);
  }

  @Test
  void podsListsTheNodesPods() throws Exception {
    HttpResponse<String> response = get("/pods", TOKEN);

    assertThat(response.statusCode()).isEqualTo(200);
    PodList pods = new KubernetesSerialization().unmarshal(response.body(), PodList.class);
    assertThat(pods.getItems())
        .extracting(pod -> pod.getMetadata().getName())
        .contains("counter", "ticker", "quiet");
    assertThat(pods.getItems()).allMatch(pod -> NODE.equals(pod.getSpec().getNodeName()));
  }

  @Test
  void metricsAreInPrometheusFormat() throws Exception {
    HttpResponse<String> response = get("/metrics", TOKEN);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
    assertThat(response.body())
        .contains("nodeless_kubelet_pods{phase=\"Running\"}")
        .contains("nodeless_kubelet_pod_launch_duration_seconds_count")
        .contains("nodeless_kubelet_pod_launch_duration_seconds_bucket")
        .contains("nodeless_kubelet_provider_errors_total{operation=\"launch\"}")
        .contains("nodeless_kubelet_provider_calls_total{operation=\"launch\"}");
  }

  @Test
  void logsReturnsWholeLog() throws Exception {
    HttpResponse<String> response = get("/containerLogs/default/counter/main", TOKEN);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body().lines().toList())
        .containsExactly("line-1", "line-2", "line-3", "line-4", "line-5");
  }

  @Test
  void logsTailLines() throws Exception {
    HttpResponse<String> response = get("/containerLogs/default/counter/main?tailLines=2", TOKEN);

    assertThat(response.body().lines().toList()).containsExactly("line-4", "line-5");
  }

  @Test
  void logsSinceTimeAndSeconds() throws Exception {
    String future =
        URLEncoder.encode(Instant.now().plusSeconds(3600).toString(), StandardCharsets.UTF_8);
    assertThat(get("/containerLogs/default/counter/main?sinceTime=" + future, TOKEN).body())
        .isEmpty();
    assertThat(get("/containerLogs/default/counter/main?sinceSeconds=3600", TOKEN).body())
        .contains("line-1")
        .contains("line-5");
  }

  @Test
  void logsTimestampsAndLimitBytes() throws Exception {
    String stamped =
        get("/containerLogs/default/counter/main?timestamps=true&tailLines=1", TOKEN).body();
    assertThat(stamped.trim().split(" ", 2)[1]).isEqualTo("line-5");
    assertThat(Instant.parse(stamped.trim().split(" ", 2)[0]))
        .isBefore(Instant.now().plusSeconds(1));

    assertThat(get("/containerLogs/default/counter/main?limitBytes=8", TOKEN).body())
        .isEqualTo("line-1\nl");
  }

  @Test
  void logsFollowStreamsNewLines() throws Exception {
    HttpResponse<InputStream> response =
        client.send(
            request("/containerLogs/default/ticker/main?follow=true&tailLines=1", TOKEN),
            HttpResponse.BodyHandlers.ofInputStream());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Transfer-Encoding")).hasValue("chunked");

    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      // The stream starts at the last line, so every later tick was written after the request.
      int first = tick(lines.readLine());
      int previous = first;
      while (previous < first + 5) {
        int next = tick(lines.readLine());
        assertThat(next).isEqualTo(previous + 1);
        previous = next;
      }
    }
  }

  private static int tick(String line) {
    assertThat(line).startsWith("tick-");
    return Integer.parseInt(line.substring("tick-".length()));
  }

  @Test
  void followStopsWhenClientDisconnects() throws Exception {
    SSLContext context = TestCertificates.context(kubelet.servingCertificate(), null);
    try (SSLSocket socket =
        (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", kubelet.port())) {
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET /containerLogs/default/quiet/main?follow=true HTTP/1.1\r\n"
                  + "Host: 127.0.0.1\r\n"
                  + "Authorization: Bearer "
                  + TOKEN
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      String line;
      while ((line = in.readLine()) != null && !line.contains("ready")) {
        // Skips the status line, headers and chunk sizes.
      }
      assertThat(line).contains("ready");
      assertThat(kubelet.metrics().openLogStreams()).isPositive();
    }

    // The container keeps running without output; only the disconnect can end the stream.
    await().atMost(TestCluster.TIMEOUT).until(() -> kubelet.metrics().openLogStreams() == 0);
    assertThat(cluster.get("quiet").getStatus().getPhase()).isEqualTo(PodPhases.RUNNING);
  }

  @Test
  void badLogParametersAreRejected() throws Exception {
    for (String query :
        List.of(
            "tailLines=-1",
            "tailLines=many",
            "limitBytes=0",
            "sinceSeconds=0",
            "sinceSeconds=10&sinceTime=2024-01-01T00:00:00Z",
            "sinceTime=yesterday",
            "follow=maybe")) {
      HttpResponse<String> response = get("/containerLogs/default/counter/main?" + query, TOKEN);
      assertThat(response.statusCode()).as(query).isEqualTo(400);
    }
  }

  @Test
  void unknownPodOrContainerIsNotFound() throws Exception {
    assertThat(get("/containerLogs/default/missing/main", TOKEN).statusCode()).isEqualTo(404);
    assertThat(get("/containerLogs/other/counter/main", TOKEN).statusCode()).isEqualTo(404);
    assertThat(get("/containerLogs/default/counter/nope", TOKEN).statusCode()).isEqualTo(404);
    assertThat(get("/no/such/route", TOKEN).statusCode()).isEqualTo(404);
  }

  private HttpResponse<String> get(String path, String token) throws Exception {
    return client.send(request(path, token), HttpResponse.BodyHandlers.ofString());
  }

  private HttpRequest request(String path, String token) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + kubelet.port() + path))
            .timeout(REQUEST_TIMEOUT)
            .GET();
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return request.build();
  }

  private HttpClient client(TestCertificates.Issued certificate) throws Exception {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .sslContext(TestCertificates.context(kubelet.servingCertificate(), certificate))
        .connectTimeout(REQUEST_TIMEOUT)
        .build();
  }
}
