package dev.nodeless.examples.kubelet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Quantity;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class KubeletConfigTest {

  @Test
  void defaultsFollowVirtualKubelet() {
    KubeletConfig config = KubeletConfig.builder("vk-1").build();

    assertThat(config.leaseDuration()).isEqualTo(Duration.ofSeconds(40));
    assertThat(config.leaseRenewInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.nodeStatusInterval()).isEqualTo(Duration.ofSeconds(60));
    assertThat(config.port()).isEqualTo(10250);
    assertThat(config.taintEnabled()).isTrue();
    assertThat(config.taintKey()).isEqualTo("virtual-kubelet.io/provider");
    assertThat(config.taintEffect()).isEqualTo("NoSchedule");
    assertThat(config.anonymousAuth()).isFalse();
    assertThat(config.capacity())
        .containsEntry("cpu", new Quantity("20"))
        .containsEntry("pods", new Quantity("110"));
  }

  @Test
  void everyInvalidSettingIsReported() {
    assertThatThrownBy(
            () ->
                KubeletConfig.builder("Bad_Name")
                    .capacity("cpu", "lots")
                    .capacity("gpu", "1")
                    .taint("k", "v", "Sometimes")
                    .port(70000)
                    .tls(Path.of("cert.pem"), null)
                    .lease(Duration.ofSeconds(10), Duration.ofSeconds(10))
                    .podSyncWorkers(0)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nodeName = \"Bad_Name\"")
        .hasMessageContaining("capacity cpu = \"lots\"")
        .hasMessageContaining("capacity \"gpu\"")
        .hasMessageContaining("taint effect = \"Sometimes\"")
        .hasMessageContaining("port = 70000")
        .hasMessageContaining("only one is set")
        .hasMessageContaining("leaseRenewInterval")
        .hasMessageContaining("podSyncWorkers = 0");
  }

  @Test
  void disabledTaintNeedsNoEffect() {
    KubeletConfig config =
        KubeletConfig.builder("vk-1").taintEnabled(false).taint(null, null, null).build();

    assertThat(config.taintEnabled()).isFalse();
  }
}
