package io.osprey.transport.ice;

import io.osprey.wire.stun.StunFormatException;
import java.net.InetSocketAddress;

/** What a peer session needs of either ICE agent (lite for the server, controlling for a client). */
public interface IceAgent {
  IceCredentials localCredentials();

  void handleStun(byte[] data, int off, int len, InetSocketAddress local, InetSocketAddress remote, long nowNanos)
      throws StunFormatException;

  void handleTimeout(long nowNanos);

  long nextDeadlineNanos();

  IceOutput poll();

  IceState state();

  InetSocketAddress selectedRemote();

  InetSocketAddress selectedLocal();

  void close();
}
