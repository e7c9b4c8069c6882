package io.osprey.wire.sctp;

import io.osprey.wire.WireFormatException;

/** Bytes that are not a well-formed SCTP packet or chunk (RFC 9260 §3). */
public final class SctpFormatException extends WireFormatException {
  private static final long serialVersionUID = 1L;

  public SctpFormatException(String message) {
    super(message);
  }
}
