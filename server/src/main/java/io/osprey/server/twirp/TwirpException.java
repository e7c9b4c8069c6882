package io.osprey.server.twirp;

import java.util.Map;

/**
 * A Twirp error (twitchtv/twirp spec v7, "Error codes"): its code, the HTTP status the spec gives
 * it, a message and optional metadata. Sent as {@code {"code","msg","meta"}} JSON.
 */
public final class TwirpException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Twirp's error codes with their HTTP status. */
  public enum Code {
    CANCELED("canceled", 408),
    UNKNOWN("unknown", 500),
    INVALID_ARGUMENT("invalid_argument", 400),
    MALFORMED("malformed", 400),
    DEADLINE_EXCEEDED("deadline_exceeded", 408),
    NOT_FOUND("not_found", 404),
    BAD_ROUTE("bad_route", 404),
    ALREADY_EXISTS("already_exists", 409),
    PERMISSION_DENIED("permission_denied", 403),
    UNAUTHENTICATED("unauthenticated", 401),
    RESOURCE_EXHAUSTED("resource_exhausted", 429),
    FAILED_PRECONDITION("failed_precondition", 412),
    ABORTED("aborted", 409),
    OUT_OF_RANGE("out_of_range", 400),
    UNIMPLEMENTED("unimplemented", 501),
    INTERNAL("internal", 500),
    UNAVAILABLE("unavailable", 503),
    DATALOSS("dataloss", 500);

    private final String wire;
    private final int status;

    Code(String wire, int status) {
      this.wire = wire;
      this.status = status;
    }

    public String wire() {
      return wire;
    }

    public int httpStatus() {
      return status;
    }

    /** The code named {@code wire}, or {@link #UNKNOWN}. */
    public static Code fromWire(String wire) {
      for (Code c : values()) {
        if (c.wire.equals(wire)) {
          return c;
        }
      }
      return UNKNOWN;
    }
  }

  private final Code code;
  private final Map<String, String> meta;

  public TwirpException(Code code, String message) {
    this(code, message, Map.of());
  }

  public TwirpException(Code code, String message, Map<String, String> meta) {
    super(message, null, false, false);
    this.code = code;
    this.meta = Map.copyOf(meta);
  }

  public Code code() {
    return code;
  }

  public Map<String, String> meta() {
    return meta;
  }

  /** LiveKit's answer when the token lacks the grant a method needs. */
  public static TwirpException permissionsDenied() {
    return new TwirpException(Code.UNAUTHENTICATED, "permissions denied");
  }

  public static TwirpException roomNotFound() {
    return new TwirpException(Code.NOT_FOUND, "requested room does not exist");
  }

  public static TwirpException participantNotFound() {
    return new TwirpException(Code.NOT_FOUND, "participant does not exist");
  }

  /** The error as Twirp's JSON body. */
  public String toJson() {
    StringBuilder b = new StringBuilder("{\"code\":\"").append(code.wire()).append("\",\"msg\":");
    quote(b, getMessage());
    if (!meta.isEmpty()) {
      b.append(",\"meta\":{");
      boolean first = true;
      for (Map.Entry<String, String> e : meta.entrySet()) {
        if (!first) {
          b.append(',');
        }
        first = false;
        quote(b, e.getKey());
        b.append(':');
        quote(b, e.getValue());
      }
      b.append('}');
    }
    return b.append('}').toString();
  }

  private static void quote(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }
}
