package io.osprey.transport.ice;

import java.net.InetSocketAddress;

/** What an ICE agent wants done: send a datagram, or report a change. */
public sealed interface IceOutput {

  /** Send {@code data} from the local address (socket) to {@code remote}. */
  record Transmit(InetSocketAddress local, InetSocketAddress remote, byte[] data) implements IceOutput {}

  /** The agent's state changed. */
  record StateChanged(IceState state) implements IceOutput {}

  /** The nominated pair changed: application data goes from {@code local} to {@code remote} now. */
  record SelectedPair(InetSocketAddress local, InetSocketAddress remote) implements IceOutput {}
}
