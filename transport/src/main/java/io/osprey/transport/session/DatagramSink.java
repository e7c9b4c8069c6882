package io.osprey.transport.session;

import java.net.InetSocketAddress;

/**
 * Where a {@link PeerSession} hands its encrypted media (SRTP and SRTCP) to be sent at once, instead of queuing a
 * {@link PeerOutput.Transmit} with its own copy: the forwarding path protects each packet in the caller's buffer and
 * the I/O layer copies it once, into the buffer it sends from.
 */
@FunctionalInterface
public interface DatagramSink {
  /** Sends {@code data[off, off+len)} from {@code local} to {@code remote}; the bytes are only valid during the call. */
  void send(InetSocketAddress local, InetSocketAddress remote, byte[] data, int off, int len);
}
