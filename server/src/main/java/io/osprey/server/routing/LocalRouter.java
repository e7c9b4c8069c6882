package io.osprey.server.routing;

import io.osprey.protocol.livekit.LivekitModels;
import io.osprey.server.room.RoomManager;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The router of a single node (no Redis configured): every room lives here. Its futures are
 * already complete, so callers continue on their own thread exactly as before routing existed.
 */
public final class LocalRouter implements Router {
  private static final CompletableFuture<RoomLocation> LOCAL = CompletableFuture.completedFuture(RoomLocation.LOCAL);
  private static final CompletableFuture<RoomLocation> ABSENT = CompletableFuture.completedFuture(RoomLocation.ABSENT);
  private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

  private final RoomManager rooms;
  private final String nodeId;

  /** @param nodeId this node's id ({@code ND_...}) */
  public LocalRouter(RoomManager rooms, String nodeId) {
    this.rooms = rooms;
    this.nodeId = nodeId;
  }

  @Override
  public String nodeId() {
    return nodeId;
  }

  @Override
  public CompletableFuture<RoomLocation> locate(String room) {
    return rooms.get(room).isPresent() ? LOCAL : ABSENT;
  }

  @Override
  public CompletableFuture<RoomLocation> place(String room) {
    return LOCAL;
  }

  @Override
  public CompletableFuture<RoomLocation> claim(String room) {
    return LOCAL;
  }

  @Override
  public CompletableFuture<List<LivekitModels.Room>> listRooms(Collection<String> names) {
    return CompletableFuture.completedFuture(rooms.list(names));
  }

  @Override
  public CompletableFuture<Void> roomUpdated(LivekitModels.Room room) {
    return DONE;
  }

  @Override
  public CompletableFuture<Void> roomClosed(String room) {
    return DONE;
  }

  @Override
  public void register(java.net.URI httpUrl, String rtcIp) {}

  @Override
  public void serving() {}

  @Override
  public void draining() {}

  @Override
  public void close() {}
}
