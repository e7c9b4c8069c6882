package io.osprey.wire.sdp;

import io.osprey.wire.WireFormatException;

/** SDP text that is not a well-formed session description; names the line. */
public final class SdpFormatException extends WireFormatException {
  private static final long serialVersionUID = 1L;

  public SdpFormatException(int line, String message) {
    super("SDP line " + line + ": " + message);
  }
}
