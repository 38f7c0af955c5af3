package dev.nodeless.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nodeless run} against the real local provider, with a fresh state dir per test. */
class RunCommandTest {
  @TempDir Path stateDir;
  @TempDir Path files;

  @AfterEach
  void noProcessLeft() {
    Cli.awaitNoChildProcesses();
  }

  private Cli.Result run(Path manifest, String... extra) {
    String[] args = new String[extra.length + 5];
    args[0] = "run";
    args[1] = "--state-dir";
    args[2] = stateDir.toString();
    args[3] = "-f";
    args[4] = manifest.toString();
    System.arraycopy(extra, 0, args, 5, extra.length);
    return Cli.run(args);
  }

  @Test
  void piJobPrintsDigitsAndSucceeds() {
    Cli.Result result = run(TestFiles.fixture(files, "controllers/job.yaml"));

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out()).as(result.toString()).contains("[pi/pi] 3.14159265358979");
    assertThat(result.err()).contains("note: Job pi in").contains("runs as one pod, default/pi");
    assertThat(result.err()).contains("pod default/pi succeeded");
  }

  @Test
  void failingPodNamesContainerAndExitCode() {
    Cli.Result result = run(TestFiles.manifest(files, "fail.yaml"));

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.FAILED);
    assertThat(result.out()).contains("[boom/boom] boom");
    assertThat(result.err())
        .as(result.toString())
        .contains("pod default/boom failed: container boom exited with code 3");
  }

  @Test
  void startErrorShowsItsCause() {
    Cli.Result result = run(TestFiles.manifest(files, "missing-program.yaml"));

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.FAILED);
    assertThat(result.err())
        .as(result.toString())
        .contains("container main exited with code 128 (StartError: ")
        .contains("nodeless-no-such-program");
  }

  @Test
  void invalidManifestListsEveryProblem() {
    Cli.Result result = run(TestFiles.manifest(files, "invalid.yaml"));

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(result.err()).contains("invalid pod default/cannot-run from");
    assertThat(result.err()).contains("spec.os.name = \"windows\"");
    assertThat(result.err()).contains("spec.volumes[0].persistentVolumeClaim");
    assertThat(result.err()).contains("invalid pod default/bad-fields from");
    assertThat(result.err()).contains("spec.containers[0].name = \"Bad_Name\"");
    assertThat(result.err()).contains("spec.restartPolicy = \"Sometimes\"");
    assertThat(result.err()).contains("Fix: ");
    assertThat(result.err()).contains("Nothing was started");
    assertThat(result.out()).doesNotContain("should never start");
    assertThat(Cli.run("ls", "--state-dir", stateDir.toString(), "-o", "json").out())
        .doesNotContain("cannot-run")
        .doesNotContain("bad-fields");
  }

  @Test
  void configMapInSameFileFeedsEnv() {
    Cli.Result result = run(TestFiles.manifest(files, "configmap-env.yaml"));

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out())
        .contains("[cm-env/main] greeting=hello from a ConfigMap loudness=quiet");
  }

  @Test
  void timeoutTerminatesLongRunningPod() {
    Path hello = TestFiles.fixture(files, "systemk/internal/testdata/provider/hello.yaml");

    Cli.Result result = run(hello, "--timeout", "3s", "--grace-period", "1s");

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.TIMED_OUT);
    assertThat(result.err())
        .contains("error: run timed out after 3s and terminated [default/hello]");
    assertThat(result.err()).contains("pod default/hello: container bash running");
    Cli.awaitNoChildProcesses();
    // Terminating a local pod removes it from the state dir, as deleting a pod does.
    Cli.Result listed = Cli.run("ls", "--state-dir", stateDir.toString());
    assertThat(listed.exitCode()).as(listed.toString()).isZero();
    assertThat(listed.err()).isEqualTo("no pods" + System.lineSeparator());
  }

  @Test
  void finishedPodsStayUnlessRmIsGiven() {
    Path fail = TestFiles.manifest(files, "fail.yaml");

    Cli.Result first = run(fail);
    assertThat(first.exitCode()).as(first.toString()).isEqualTo(ExitCodes.FAILED);
    assertThat(Cli.run("ls", "--state-dir", stateDir.toString()).out()).contains("boom");

    Cli.Result removed = run(fail, "--rm");
    assertThat(removed.exitCode()).as(removed.toString()).isEqualTo(ExitCodes.FAILED);
    assertThat(removed.err()).contains("container boom exited with code 3");
    // The first run's pod stays: --rm removes only the pods of its own run.
    Cli.Result listed = Cli.run("ls", "--state-dir", stateDir.toString(), "-o", "json");
    assertThat(listed.out()).contains("\"name\":\"boom\"").containsOnlyOnce("\"uid\":");
  }

  @Test
  void logsCopiesBytesThatAreNotUtf8() throws Exception {
    Path manifest =
        java.nio.file.Files.writeString(
            files.resolve("binary.yaml"),
            """
            apiVersion: v1
            kind: Pod
            metadata: {name: binary}
            spec:
              restartPolicy: Never
              containers:
              - {name: main, image: busybox, command: [sh, -c, "printf '\\\\200\\\\377ok\\\\n'"]}
            """);
    assertThat(run(manifest).exitCode()).isZero();

    byte[] log = Cli.runForBytes("logs", "binary", "--state-dir", stateDir.toString());

    assertThat(log).containsExactly((byte) 0x80, (byte) 0xff, 'o', 'k', '\n');
  }

  @Test
  void rmConflictsWithDetach() {
    Cli.Result result = run(TestFiles.manifest(files, "fail.yaml"), "--rm", "--detach");

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(result.err()).contains("--rm").contains("--detach").contains("nodeless rm");
  }

  @Test
  void jsonOutputParsesAsPodList() {
    Cli.Result result = run(TestFiles.manifest(files, "fail.yaml"), "-o", "json");

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.FAILED);
    KubernetesList list =
        new KubernetesSerialization().unmarshal(result.out(), KubernetesList.class);
    assertThat(list.getItems()).hasSize(1);
    HasMetadata item = list.getItems().get(0);
    assertThat(item).isInstanceOf(Pod.class);
    Pod pod = (Pod) item;
    assertThat(pod.getMetadata().getName()).isEqualTo("boom");
    assertThat(pod.getMetadata().getUid()).isNotBlank();
    assertThat(pod.getStatus().getPhase()).isEqualTo("Failed");
    assertThat(
            pod.getStatus().getContainerStatuses().get(0).getState().getTerminated().getExitCode())
        .isEqualTo(3);
    assertThat(result.err()).contains("[boom/boom] boom");
  }

  @Test
  void readsPodFromStdin() {
    String pod =
        "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"piped\"},"
            + "\"spec\":{\"restartPolicy\":\"Never\",\"containers\":[{\"name\":\"echo\","
            + "\"image\":\"busybox\",\"command\":[\"echo\",\"from stdin\"]}]}}";

    Cli.Result result = Cli.runWithStdin(pod, "run", "--state-dir", stateDir.toString(), "-f", "-");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out()).contains("[piped/echo] from stdin");
  }

  @Test
  void everyInstanceLogIsPrintedInOrder() throws Exception {
    // Fails twice, then succeeds: the first restart comes without a back-off, so the first
    // instance often ends before its log is opened.
    Path counter = files.resolve("count");
    Path manifest = files.resolve("restarts.yaml");
    Files.writeString(
        manifest,
        String.join(
            "\n",
            "apiVersion: v1",
            "kind: Pod",
            "metadata: {name: restarts}",
            "spec:",
            "  restartPolicy: OnFailure",
            "  containers:",
            "  - name: c",
            "    image: busybox",
            "    command: [sh, -c, 'n=$$(($$(cat "
                + counter
                + " 2>/dev/null || echo 0) + 1)); echo $$n > "
                + counter
                + "; echo run $$n; [ $$n -ge 3 ]']",
            ""));

    Cli.Result result = run(manifest, "-s", "local.backOff.initial=100ms");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out())
        .as(result.toString())
        .containsSubsequence("[restarts/c] run 1", "[restarts/c] run 2", "[restarts/c] run 3");
  }

  @Test
  void invalidSettingValueIsInvalidInput() {
    Cli.Result result = run(TestFiles.manifest(files, "fail.yaml"), "-s", "local.posixSpawn=bogus");

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(result.err()).contains("local.posixSpawn = \"bogus\" is invalid");
  }
}
