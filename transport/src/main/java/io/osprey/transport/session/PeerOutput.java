package io.osprey.transport.session;

import java.net.InetSocketAddress;

/** What a {@link PeerSession} wants done or has to say. */
public sealed interface PeerOutput {

  /** Send a datagram. */
  record Transmit(InetSocketAddress local, InetSocketAddress remote, byte[] data) implements PeerOutput {}

  /** ICE and DTLS are up: media may flow. */
  record Connected(InetSocketAddress remote) implements PeerOutput {}

  /** A decrypted RTP packet from the peer. */
  record RtpReceived(byte[] packet) implements PeerOutput {}

  /** A decrypted (compound) RTCP packet from the peer. */
  record RtcpReceived(byte[] packet) implements PeerOutput {}

  /** A data channel opened (by the peer, or ours acknowledged). */
  record DataChannelOpened(int streamId, String label) implements PeerOutput {}

  /** A data channel message. */
  record DataReceived(int streamId, String label, boolean binary, byte[] data) implements PeerOutput {}

  /** The session is over (ICE failed, DTLS failed or closed). */
  record Closed(String reason) implements PeerOutput {}
}
