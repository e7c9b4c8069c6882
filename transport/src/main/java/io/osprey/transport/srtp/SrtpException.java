package io.osprey.transport.srtp;

/**
 * A packet that cannot be unprotected. Instances are shared and carry no stack trace: failures
 * come at line rate from the network and must cost nothing but the check.
 */
public final class SrtpException extends Exception {
  private static final long serialVersionUID = 1L;

  /** The authentication tag does not match: forged, corrupted, or keyed for someone else. */
  public static final SrtpException AUTHENTICATION_FAILED = new SrtpException("SRTP authentication failed");
  /** Too short, or a header that overruns the packet. */
  public static final SrtpException MALFORMED = new SrtpException("malformed SRTP/SRTCP packet");
  /** Seen before, or older than the replay window (only with replay protection on). */
  public static final SrtpException REPLAYED = new SrtpException("replayed SRTP/SRTCP packet");

  private SrtpException(String message) {
    super(message, null, false, false);
  }
}
