package io.osprey.protocol.auth;

/** An access token that cannot be trusted, with the reason why. */
public class TokenException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why a token was refused. */
  public enum Reason {
    /** Not three base64url parts of JSON. */
    MALFORMED,
    /** Not HS256 (LiveKit signs with HS256 only; "none" and asymmetric algorithms are refused). */
    UNSUPPORTED_ALGORITHM,
    /** No issuer, or no secret is known for the issuer's API key. */
    UNKNOWN_KEY,
    /** The signature does not match the secret. */
    BAD_SIGNATURE,
    /** No exp claim. */
    MISSING_EXPIRY,
    /** exp is in the past (beyond the leeway). */
    EXPIRED,
    /** nbf is in the future (beyond the leeway). */
    NOT_YET_VALID,
    /** A claim has the wrong shape (e.g. video is not an object). */
    INVALID_CLAIMS
  }

  private final Reason reason;

  public TokenException(Reason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
