package io.osprey.transport.dtls;

/** Which side of the DTLS handshake this endpoint plays (SDP a=setup, RFC 4145 / RFC 5763 §5). */
public enum DtlsRole {
  /** Waits for the ClientHello (a=setup:passive): the server answering a browser's offer. */
  SERVER,
  /** Sends the ClientHello (a=setup:active). */
  CLIENT
}
