package dev.nodeless.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeless.local.Privileges.HostUser;
import dev.nodeless.local.Privileges.RunAs;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The user and groups a host process runs as, from the security contexts and the host's files. */
class RunAsTest {
  @TempDir Path dir;

  @Test
  void hostUserReadsPasswdAndGroupMembers() throws Exception {
    HostUser user = user(1000);

    assertThat(user.group()).isEqualTo(100);
    assertThat(user.memberOf()).containsExactly(27L, 44L);
  }

  @Test
  void unknownUserHasGroupZeroAndNoMembership() throws Exception {
    HostUser user = user(4242);

    assertThat(user.group()).isZero();
    assertThat(user.memberOf()).isEmpty();
  }

  @Test
  void mergePolicyAddsMemberGroups() throws Exception {
    HostUser user = user(1000);
    PodSecurityContext pod =
        new PodSecurityContextBuilder()
            .withRunAsUser(1000L)
            .withSupplementalGroups(4000L)
            .withFsGroup(2000L)
            .build();

    RunAs runAs = RunAs.of(pod, null, uid -> user);

    assertThat(runAs.gid()).isEqualTo(100);
    assertThat(runAs.groups()).containsExactly(4000L, 2000L, 27L, 44L);
  }

  @Test
  void strictPolicyKeepsOnlyPodGroups() throws Exception {
    HostUser user = user(1000);
    PodSecurityContext pod =
        new PodSecurityContextBuilder()
            .withRunAsUser(1000L)
            .withSupplementalGroups(4000L)
            .withSupplementalGroupsPolicy("Strict")
            .build();

    RunAs runAs =
        RunAs.of(pod, new SecurityContextBuilder().withRunAsGroup(3000L).build(), uid -> user);

    assertThat(runAs.gid()).isEqualTo(3000);
    assertThat(runAs.groups()).containsExactly(4000L);
  }

  @Test
  void noUserChangeReadsNoHostFiles() {
    RunAs runAs =
        RunAs.of(
            null,
            null,
            uid -> {
              throw new AssertionError("looked up user " + uid);
            });

    assertThat(runAs.changes()).isFalse();
    assertThat(runAs.groups()).isEmpty();
  }

  private HostUser user(long uid) throws Exception {
    Path passwd = dir.resolve("passwd");
    Path group = dir.resolve("group");
    Files.write(
        passwd,
        List.of(
            "root:x:0:0:root:/root:/bin/sh",
            "app:x:1000:100::/home/app:/bin/sh",
            "broken-line",
            "other:x:1001:1001::/home/other:/bin/sh"));
    Files.write(
        group,
        List.of(
            "root:x:0:",
            "users:x:100:",
            "sudo:x:27:other,app",
            "video:x:44:app",
            "apps:x:1100:application",
            "bad:x:notanumber:app"));
    return HostUser.of(uid, passwd, group);
  }
}
