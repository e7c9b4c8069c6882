package io.osprey.server.routing;

/** A node's life cycle, as its registry entry states it (livekit's {@code NodeState}). */
public enum NodeState {
  /** Registered, not yet accepting rooms. */
  STARTING("starting"),
  /** Accepting new rooms. */
  SERVING("serving"),
  /** Draining: keeps its rooms, accepts no new ones. */
  SHUTTING_DOWN("shutting_down");

  private final String wire;

  NodeState(String wire) {
    this.wire = wire;
  }

  /** The name in the registry entry. */
  public String wire() {
    return wire;
  }

  /** The state named {@code wire}, or null if unknown. */
  public static NodeState fromWire(String wire) {
    for (NodeState s : values()) {
      if (s.wire.equals(wire)) {
        return s;
      }
    }
    return null;
  }
}
