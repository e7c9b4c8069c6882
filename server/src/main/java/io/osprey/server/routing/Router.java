package io.osprey.server.routing;

import io.osprey.protocol.livekit.LivekitModels;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Finds and places rooms for the signal endpoint and the RoomService (livekit's
 * {@code routing.Router}). A room lives on exactly one node, its owner, which holds the room's
 * and its participants' state; the router only knows which node that is. {@link LocalRouter}
 * serves one node; a Redis-backed router serves nodes sharing one Redis. Futures complete on
 * whatever thread answered; callers hop to their own loop.
 */
public interface Router extends AutoCloseable {

  /** This node's id ({@code ND_...}). */
  String nodeId();

  /** Where {@code room} lives now, without placing it. */
  CompletableFuture<RoomLocation> locate(String room);

  /**
   * Where {@code room} lives, placing it when no live node hosts it: the node selector chooses
   * the owner and the choice is recorded atomically, so racing callers agree on one. Never
   * {@link RoomLocation.Absent}.
   */
  CompletableFuture<RoomLocation> place(String room);

  /**
   * Like {@link #place} but proposing this node as the owner: used when another node already
   * placed the room here and forwarded the call. Completes {@link RoomLocation.Remote} if a live
   * node other than this one owns the room.
   */
  CompletableFuture<RoomLocation> claim(String room);

  /**
   * The node {@link #place} just chose for {@code room} ({@link RoomLocation.Remote#placedNow})
   * cannot be connected to: its placement is withdrawn (if still its), the node is avoided for a
   * while, and the room is placed again among the others.
   */
  default CompletableFuture<RoomLocation> placeElsewhere(String room, String unreachableNode) {
    return place(room);
  }

  /**
   * The live owner of a room, {@code node}, cannot be connected to: waits (at most what is left of
   * its registry entry's life) to learn whether it is gone. Completes true when its entry has
   * expired, so its rooms may be placed anew (the same rule that re-homes them at all); false when
   * the entry was refreshed meanwhile, as the node is alive and only unreachable from here, or when
   * the router cannot tell. Never fails. A single node has no other node to wait for.
   */
  default CompletableFuture<Boolean> awaitGone(String node) {
    return CompletableFuture.completedFuture(false);
  }

  /** The rooms of every node, each once, in creation order; all of them when {@code names} is empty. */
  CompletableFuture<List<LivekitModels.Room>> listRooms(Collection<String> names);

  /** A room hosted here changed (created, joined, metadata): its listing is refreshed. */
  CompletableFuture<Void> roomUpdated(LivekitModels.Room room);

  /** A room hosted here closed: its placement and listing are withdrawn. */
  CompletableFuture<Void> roomClosed(String room);

  /**
   * Joins the cluster once this node's HTTP port is bound: other nodes reach it at
   * {@code httpUrl}; its media transport advertises {@code rtcIp}. State: starting.
   *
   * @throws IllegalStateException if the cluster cannot be joined
   */
  void register(java.net.URI httpUrl, String rtcIp);

  /**
   * Whether this node is fit to take traffic, for the health check ({@code GET /}): for a cluster,
   * whether its registry entry was written in the last 4 s, as livekit-server's "Not Ready" rule.
   */
  /** Whether other nodes share the rooms (so a node going away asks its participants to rejoin). */
  default boolean clustered() {
    return false;
  }

  default boolean healthy() {
    return true;
  }

  /**
   * Where participants of a node going away may rejoin: the signal URLs ({@code ws://host:port})
   * of the other serving nodes; empty for a single node.
   */
  default CompletableFuture<List<String>> rejoinUrls() {
    return CompletableFuture.completedFuture(List.of());
  }

  /** The node is ready: selectors may place rooms on it. */
  void serving();

  /**
   * The node is shutting down: no new rooms are placed on it, and in a cluster the placement of
   * its rooms is withdrawn, so their participants' rejoins create them on another node while the
   * rooms here drain.
   */
  void draining();

  /** Leaves the cluster (the node's entry is removed) and releases connections. */
  @Override
  void close();
}
