package io.osprey.server.routing;

import java.util.Map;

/**
 * Why a call could not be routed, or how the room's owner refused it: a code with the names
 * Twirp and livekit's psrpc share ({@code unavailable} when Redis or the owner cannot be reached,
 * else the owner's own code, e.g. {@code not_found}), a message a client can read, and metadata
 * such as the {@code node_id} concerned. The Twirp layer answers it as the Twirp error of that code.
 */
public final class RoutingException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String code;
  private final transient Map<String, String> meta;
  private final boolean unreachable;

  public RoutingException(String code, String message, Map<String, String> meta) {
    this(code, message, meta, false);
  }

  private RoutingException(String code, String message, Map<String, String> meta, boolean unreachable) {
    super(message, null, false, false);
    this.code = code;
    this.meta = Map.copyOf(meta);
    this.unreachable = unreachable;
  }

  /** Node {@code nodeId} could not even be connected to: the call never reached it. */
  public static RoutingException unreachable(String message, String nodeId) {
    return new RoutingException("unavailable", message, Map.of("node_id", nodeId), true);
  }

  /** Whether the node could not be connected to (so it did nothing with the call). */
  public boolean unreachable() {
    return unreachable;
  }

  /** Whether {@code error} (or its cause) is a failure to connect to a node. */
  public static boolean isUnreachable(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof RoutingException r && r.unreachable) {
        return true;
      }
    }
    return false;
  }

  /** Redis, the owner, or any node to place a room on, cannot be reached. */
  public static RoutingException unavailable(String message) {
    return new RoutingException("unavailable", message, Map.of());
  }

  /** The code, as Twirp names it. */
  public String code() {
    return code;
  }

  public Map<String, String> meta() {
    return meta;
  }
}
