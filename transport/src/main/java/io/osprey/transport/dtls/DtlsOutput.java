package io.osprey.transport.dtls;

import io.osprey.transport.srtp.SrtpProfile;

/** What a {@link DtlsEndpoint} produced. */
public sealed interface DtlsOutput {

  /** A datagram to send to the peer. */
  record Transmit(byte[] data) implements DtlsOutput {}

  /**
   * The handshake completed and the peer's certificate matched its fingerprint.
   *
   * @param keyingMaterial the RFC 5764 §4.2 export: client key | server key | client salt | server salt
   */
  record Connected(SrtpProfile profile, byte[] keyingMaterial, String remoteFingerprint) implements DtlsOutput {}

  /** Application data (for WebRTC: SCTP packets). */
  record ApplicationData(byte[] data) implements DtlsOutput {}

  /** A datagram refused before reaching the DTLS library (see {@link DtlsRecordGuard}). */
  record Dropped(String reason) implements DtlsOutput {}

  /** The session ended: handshake failure, fingerprint mismatch, alert, or close. */
  record Closed(String reason, boolean failed) implements DtlsOutput {}
}
