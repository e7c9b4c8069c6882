package io.osprey.sdk.api;

import java.util.Map;

/**
 * An error answered by a LiveKit-compatible server: the Twirp code ("not_found",
 * "unauthenticated", ...), the HTTP status and the server's message. Plain-text answers (the auth
 * middleware's 401) get the code Twirp assigns to their status.
 */
public final class TwirpError extends Exception {
  private static final long serialVersionUID = 1L;

  private final String code;
  private final int status;
  private final Map<String, String> meta;

  public TwirpError(String code, int status, String message, Map<String, String> meta) {
    super(message, null, false, false);
    this.code = code;
    this.status = status;
    this.meta = Map.copyOf(meta);
  }

  /** The Twirp error code, e.g. {@code not_found}. */
  public String code() {
    return code;
  }

  /** The HTTP status, or 0 if the server could not be reached. */
  public int status() {
    return status;
  }

  public Map<String, String> meta() {
    return meta;
  }

  @Override
  public String toString() {
    return "TwirpError[" + code + " " + status + ": " + getMessage() + "]";
  }
}
