package io.osprey.server.routing;

import com.google.protobuf.Message;
import io.osprey.protocol.auth.ClaimGrants;
import java.util.concurrent.CompletableFuture;

/**
 * Another node of the cluster, as a room's owner: its registry entry, and the call path to its
 * RoomService. Calls complete with the owner's answer, or fail with a {@link RoutingException}:
 * the owner's own error, or {@code unavailable} when it cannot be reached in time.
 */
public interface RemoteNode {

  /** The node's registry entry (id, addresses, state, load). */
  NodeInfo info();

  /**
   * Runs a {@code livekit.RoomService} method on this node, acting there only (no further hop).
   *
   * @param grants the caller's grants, already checked here; the owner checks them again
   */
  <M extends Message> CompletableFuture<M> callRoomService(String method, Message request, ClaimGrants grants,
      M responseType);
}
