package dev.nodeless.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nodeless.cli.ManifestReader.Manifests;
import dev.nodeless.testing.Fixtures;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestReaderTest {
  /** Shared, because the first read through each new instance takes about a second. */
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  @TempDir Path folder;
  private final List<String> notes = new ArrayList<>();

  private Manifests read(InputStream stdin, String... files) {
    return new ManifestReader(SERIALIZATION, stdin, notes::add).read(List.of(files));
  }

  private Manifests read(String... files) {
    return read(InputStream.nullInputStream(), files);
  }

  private Path write(String name, String content) throws IOException {
    return Files.writeString(folder.resolve(name), content);
  }

  @Test
  void everyFixtureYieldsItsPods() {
    for (String name : Fixtures.all()) {
      Path file = TestFiles.fixture(folder, name);
      List<Pod> expected = Fixtures.pods(name);

      Manifests manifests = read(file.toString());

      assertThat(manifests.pods()).as(name).hasSameSizeAs(expected);
      for (int i = 0; i < expected.size(); i++) {
        Pod pod = manifests.pods().get(i).pod();
        assertThat(pod.getMetadata().getName())
            .as(name)
            .isEqualTo(expected.get(i).getMetadata().getName());
        assertThat(pod.getSpec()).as(name).isEqualTo(expected.get(i).getSpec());
      }
    }
  }

  @Test
  void flowStyleWithTrailingCommasParses() {
    Path file = TestFiles.fixture(folder, "pods/commands.yaml");

    Pod pod = read(file.toString()).pods().get(0).pod();

    assertThat(pod.getMetadata().getName()).isEqualTo("command-demo");
    assertThat(pod.getSpec().getContainers().get(0).getCommand()).containsExactly("printenv");
    assertThat(pod.getSpec().getContainers().get(0).getArgs())
        .containsExactly("HOSTNAME", "KUBERNETES_PORT");
  }

  @Test
  void otherKindsAreListedAsIgnored() {
    Path file = TestFiles.fixture(folder, "application/wordpress/wordpress-deployment.yaml");

    Manifests manifests = read(file.toString());

    assertThat(manifests.pods()).hasSize(1);
    Pod pod = manifests.pods().get(0).pod();
    assertThat(pod.getMetadata().getName()).isEqualTo("wordpress");
    assertThat(pod.getMetadata().getLabels()).containsEntry("app", "wordpress");
    assertThat(notes).anyMatch(note -> note.startsWith("ignored: Service wordpress in "));
    assertThat(notes)
        .anyMatch(note -> note.startsWith("ignored: PersistentVolumeClaim wp-pv-claim in "));
    assertThat(notes)
        .anyMatch(
            note ->
                note.startsWith("note: Deployment wordpress in ")
                    && note.contains("runs as one pod, default/wordpress, from its pod template")
                    && note.contains("replicas"));
  }

  @Test
  void cronJobAndReplicaSetContributeTemplates() throws IOException {
    Path file =
        write(
            "workloads.yaml",
            """
            apiVersion: batch/v1
            kind: CronJob
            metadata: {name: nightly, namespace: jobs}
            spec:
              schedule: "0 3 * * *"
              jobTemplate:
                spec:
                  template:
                    metadata: {labels: {team: data}}
                    spec: {restartPolicy: Never, containers: [{name: a, image: busybox}]}
            ---
            apiVersion: apps/v1
            kind: ReplicaSet
            metadata: {name: web}
            spec:
              replicas: 4
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec: {containers: [{name: b, image: busybox}]}
            """);

    Manifests manifests = read(file.toString());

    assertThat(manifests.pods()).hasSize(2);
    Pod cron = manifests.pods().get(0).pod();
    assertThat(cron.getMetadata().getName()).isEqualTo("nightly");
    assertThat(cron.getMetadata().getNamespace()).isEqualTo("jobs");
    assertThat(cron.getMetadata().getLabels()).containsEntry("team", "data");
    assertThat(manifests.pods().get(1).pod().getMetadata().getName()).isEqualTo("web");
    assertThat(notes)
        .anyMatch(note -> note.contains("CronJob nightly") && note.contains("schedule"));
    assertThat(notes).anyMatch(note -> note.contains("ReplicaSet web"));
  }

  @Test
  void configMapsAndSecretsBecomeReferences() throws IOException {
    Path file =
        write(
            "refs.json",
            """
            {"apiVersion": "v1", "kind": "List", "items": [
              {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"k": "v"}},
              {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "stringData": {"p": "x"}},
              {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
               "spec": {"containers": [{"name": "a", "image": "busybox"}]}}
            ]}
            """);

    Manifests manifests = read(file.toString());

    assertThat(manifests.pods()).hasSize(1);
    assertThat(manifests.references())
        .extracting(object -> object.getKind())
        .containsExactly("ConfigMap", "Secret");
    assertThat(ManifestReader.resolver(manifests.references()).configMap("default", "c"))
        .isPresent();
    assertThat(notes).isEmpty();
  }

  @Test
  void readsStdinForDash() {
    String yaml = "apiVersion: v1\nkind: Pod\nmetadata: {name: piped}\nspec: {containers: []}\n";
    InputStream stdin = new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8));

    Manifests manifests = read(stdin, "-");

    assertThat(manifests.pods())
        .extracting(source -> source.pod().getMetadata().getName())
        .containsExactly("piped");
  }

  @Test
  void syntaxErrorNamesFileAndLine() throws IOException {
    Path file = write("broken.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: x\nspec: [\n");

    assertThatThrownBy(() -> read(file.toString()))
        .isInstanceOfSatisfying(
            CliException.class,
            error -> assertThat(error.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT))
        .hasMessageContaining("cannot parse " + file)
        .hasMessageContaining("line 3")
        .hasMessageContaining("Fix the YAML or JSON syntax");
  }

  @Test
  void missingKindIsRejected() throws IOException {
    Path file = write("kindless.yaml", "metadata: {name: x}\n");

    assertThatThrownBy(() -> read(file.toString()))
        .isInstanceOf(CliException.class)
        .hasMessageContaining(
            file
                + ", document 1 has no apiVersion and kind; add them, such as apiVersion: v1 and"
                + " kind: Pod");
  }

  @Test
  void podOfAnotherApiVersionIsRejected() throws IOException {
    Path file =
        write(
            "versions.yaml",
            """
            apiVersion: apps/v1
            kind: Pod
            metadata: {name: wrongver}
            spec:
              containers: [{name: main, image: busybox, command: ["true"]}]
            ---
            kind: ConfigMap
            metadata: {name: noversion}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: fine}
            spec:
              containers: [{name: main, image: busybox, command: ["true"]}]
            """);

    assertThatThrownBy(() -> read(file.toString()))
        .isInstanceOf(CliException.class)
        .hasMessageContaining(
            "document 1 (Pod wrongver): apiVersion 'apps/v1' has no kind Pod; Pod is in"
                + " apiVersion v1, so set apiVersion: v1")
        .hasMessageContaining("document 2 (ConfigMap noversion): apiVersion (missing)")
        .hasMessageNotContaining("fine");
  }

  @Test
  void duplicatePodsAreRejected() throws IOException {
    String pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: twin}\nspec: {containers: []}\n";
    Path first = write("a.yaml", pod);
    Path second = write("b.yaml", pod);

    assertThatThrownBy(() -> read(first.toString(), second.toString()))
        .isInstanceOfSatisfying(
            CliException.class,
            error -> assertThat(error.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT))
        .hasMessageContaining("pod default/twin is defined twice")
        .hasMessageContaining("by " + first + ", document 1 (Pod twin)")
        .hasMessageContaining("by " + second + ", document 1 (Pod twin)")
        .hasMessageContaining("rename one of them");
  }

  @Test
  void everyDuplicateIsListed() throws IOException {
    String pods =
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: one}
        spec: {containers: []}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: two, namespace: ns}
        spec: {containers: []}
        """;
    Path first = write("a.yaml", pods);
    Path second = write("b.yaml", pods);

    assertThatThrownBy(() -> read(first.toString(), second.toString()))
        .hasMessageContaining(
            "pod default/one is defined twice, by "
                + first
                + ", document 1 (Pod one) and by "
                + second
                + ", document 1 (Pod one)")
        .hasMessageContaining(
            "pod ns/two is defined twice, by "
                + first
                + ", document 2 (Pod two) and by "
                + second
                + ", document 2 (Pod two)");
  }

  @Test
  void stringWhereListBelongsNamesEveryField() throws IOException {
    Path file =
        write(
            "shapes.yaml",
            """
            apiVersion: v1
            kind: Pod
            metadata: {name: a}
            spec:
              containers:
              - name: c
                image: busybox
                command: "sleep 10"
                args: "-v"
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: b}
            spec:
              containers: web
            """);
    Path other =
        write(
            "other.yaml",
            "apiVersion: v1\nkind: Pod\nmetadata: {name: c}\n"
                + "spec: {containers: [{name: x, image: busybox, command: sh}]}\n");

    assertThatThrownBy(() -> read(file.toString(), other.toString()))
        .isInstanceOfSatisfying(
            CliException.class,
            error -> assertThat(error.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT))
        .hasMessageStartingWith("invalid manifest: 4 problems")
        .hasMessageContaining(
            file
                + ", document 1 (Pod a): spec.containers[0].command is the string \"sleep 10\","
                + " but must be a list of strings; write a list, such as command:"
                + " [\"sleep\", \"10\"]")
        .hasMessageContaining(
            file
                + ", document 1 (Pod a): spec.containers[0].args is the string \"-v\", but must"
                + " be a list of strings; write a list, such as args: [\"-v\"]")
        .hasMessageContaining(
            file
                + ", document 2 (Pod b): spec.containers is the string \"web\", but must be a"
                + " list of Container objects")
        .hasMessageContaining(
            other + ", document 1 (Pod c): spec.containers[0].command is the string \"sh\"")
        .hasMessageEndingWith("Nothing was started. Fix the fields above and run again.")
        .message()
        .doesNotContain("Exception")
        .doesNotContain("fabric8");
  }

  @Test
  void numbersInStringFieldsAreRejected() throws IOException {
    Path file =
        write(
            "numbers.yaml",
            """
            apiVersion: v1
            kind: Pod
            metadata:
              name: n
              labels: {version: 1.0}
            spec:
              containers:
              - name: c
                image: busybox
                command: [sleep, 10]
                env: [{name: V, value: 1.10}, {name: B, value: true}]
                resources: {limits: {cpu: 1, memory: 64}}
            """);

    assertThatThrownBy(() -> read(file.toString()))
        .isInstanceOf(CliException.class)
        .hasMessageStartingWith("invalid manifest: 4 problems")
        .hasMessageContaining("metadata.labels.version is 1.0, but must be a string")
        .hasMessageContaining("spec.containers[0].command[1] is 10, but must be a string")
        .hasMessageContaining("spec.containers[0].env[0].value is 1.1, but must be a string")
        .hasMessageContaining("spec.containers[0].env[1].value is true, but must be a string")
        .hasMessageContaining("put the value in quotes");
  }

  @Test
  void secretValueStaysOutOfError() throws IOException {
    Path file =
        write(
            "secret.yaml",
            "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: hunter2-password\n");

    assertThatThrownBy(() -> read(file.toString()))
        .hasMessageContaining(file + ", document 1 (Secret s): stringData is a value (hidden")
        .hasMessageContaining("must be a map")
        .message()
        .doesNotContain("hunter2");
  }

  @Test
  void directoryReadsManifestsInNameOrder() throws IOException {
    Path directory = Files.createDirectory(folder.resolve("manifests"));
    String pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: %s}\nspec: {containers: []}\n";
    Files.writeString(directory.resolve("b.yml"), pod.formatted("second"));
    Files.writeString(directory.resolve("a.yaml"), pod.formatted("first"));
    Files.writeString(
        directory.resolve("c.json"),
        "{\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {\"name\": \"third\"}}");
    Files.writeString(directory.resolve("d.txt"), pod.formatted("not-a-manifest"));
    Files.writeString(directory.resolve("e.yaml.bak"), pod.formatted("backup"));
    Path nested = Files.createDirectory(directory.resolve("nested.yaml"));
    Files.writeString(nested.resolve("f.yaml"), pod.formatted("nested"));

    Manifests manifests = read(directory.toString());

    assertThat(manifests.pods())
        .extracting(source -> source.pod().getMetadata().getName())
        .containsExactly("first", "second", "third");
    assertThat(manifests.pods().get(0).origin())
        .isEqualTo(directory.resolve("a.yaml") + ", document 1 (Pod first)");
  }

  @Test
  void directoryWithoutManifestsIsRejected() throws IOException {
    Path directory = Files.createDirectory(folder.resolve("empty"));
    Files.writeString(directory.resolve("notes.txt"), "kind: Pod\n");

    assertThatThrownBy(() -> read(directory.toString()))
        .isInstanceOfSatisfying(
            CliException.class,
            error -> assertThat(error.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT))
        .hasMessage(
            "directory "
                + directory
                + " contains no file ending in .yaml, .yml or .json; give a directory with"
                + " manifests, or name the files with -f");
  }

  @Test
  void missingFileIsReported() {
    assertThatThrownBy(() -> read(folder.resolve("nope.yaml").toString()))
        .isInstanceOf(CliException.class)
        .hasMessageContaining("nope.yaml not found");
  }
}
