package io.osprey.testkit;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * A sans-IO peer as the {@link VirtualTimeDriver} sees it: datagrams and time in, datagrams and
 * the next deadline out. Tests adapt their engines (ICE agent, SCTP association, a whole
 * {@code PeerSession}) to this interface in a few lines.
 */
public interface SimPeer {

  /** The address(es) this peer receives on; datagrams to any of them are handed to it. */
  List<InetSocketAddress> addresses();

  /** A datagram arrived for this peer at {@code nowNanos}. */
  void handleDatagram(Datagram datagram, long nowNanos);

  /** Time has reached (or passed) the deadline this peer asked for. */
  void handleTimeout(long nowNanos);

  /** Everything this peer wants to send now; called after every input. May be empty. */
  List<Datagram> pollTransmits(long nowNanos);

  /** The next time this peer needs {@link #handleTimeout}, or {@link Long#MAX_VALUE}. */
  long nextDeadlineNanos();
}
