package io.osprey.testkit;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * One datagram on the simulated network.
 *
 * @param source      where it was sent from
 * @param destination where it is going
 * @param payload     its bytes; the simulator never mutates them
 */
public record Datagram(InetSocketAddress source, InetSocketAddress destination, byte[] payload) {
  public Datagram {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(destination, "destination");
    Objects.requireNonNull(payload, "payload");
  }
}
