package io.osprey.server.routing;

/**
 * Where a room lives, as the {@link Router} found it: on this node, on another node (reached
 * through {@link RemoteNode}), or nowhere.
 */
public sealed interface RoomLocation {

  /** The room is (or is to be) hosted by this node: act on the local {@code RoomManager}. */
  record Local() implements RoomLocation {}

  /**
   * The room is hosted by another live node: calls and signalling go to it.
   *
   * @param placedNow the node selector chose the node for this very call (nothing is hosted there
   *                  yet): if the node cannot be reached, the room may be placed on another one
   *                  ({@link Router#placeElsewhere})
   */
  record Remote(RemoteNode node, boolean placedNow) implements RoomLocation {
    public Remote(RemoteNode node) {
      this(node, false);
    }
  }

  /** No live node hosts the room. */
  record Absent() implements RoomLocation {}

  RoomLocation LOCAL = new Local();
  RoomLocation ABSENT = new Absent();
}
