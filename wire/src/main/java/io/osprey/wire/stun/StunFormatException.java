package io.osprey.wire.stun;

import io.osprey.wire.WireFormatException;

/** A datagram that is not a well-formed STUN message (RFC 8489 §5, §14). */
public final class StunFormatException extends WireFormatException {
  private static final long serialVersionUID = 1L;

  public StunFormatException(String message) {
    super(message);
  }
}
