package dev.nodeless.local;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Reaches the ports of a pod whose network namespace is not the host's, as the kubelet reaches a
 * pod IP. Probes use it for {@code httpGet} and {@code tcpSocket} actions without a {@code host}.
 */
interface PodPorts {

  /**
   * Whether something accepts connections on {@code port} of the pod's loopback.
   *
   * @return a sentence saying what happened, and whether it connected
   */
  CompletableFuture<Probes.Result> connect(int port, Duration timeout);

  /**
   * Opens a relay: an address on the host's loopback whose connections are carried to {@code port}
   * of the pod's loopback. Closing the relay ends its connections.
   */
  Relay relay(int port) throws IOException;

  /** An open relay. */
  interface Relay extends AutoCloseable {
    InetSocketAddress address();

    @Override
    void close();
  }
}
