package io.osprey.protocol.webhook;

/** A webhook request that fails verification, saying which check failed. */
public class WebhookException extends Exception {
  private static final long serialVersionUID = 1L;

  /** The check that failed. */
  public enum Reason {
    /** No Authorization header. */
    NO_AUTH_HEADER,
    /** The Authorization header is not a valid token (see the message for why). */
    BAD_TOKEN,
    /** The token's API key is not known to the receiver. */
    UNKNOWN_KEY,
    /** The body's SHA-256 differs from the token's sha256 claim: the body was altered. */
    CHECKSUM_MISMATCH,
    /** The body is not a WebhookEvent in JSON. */
    MALFORMED_BODY
  }

  private final Reason reason;

  public WebhookException(Reason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
