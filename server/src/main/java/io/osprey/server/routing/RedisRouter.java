package io.osprey.server.routing;

import static io.osprey.server.routing.NodeRegistry.bytes;
import static io.osprey.server.routing.NodeRegistry.text;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.osprey.protocol.livekit.LivekitModels;
import io.osprey.server.config.ServerConfig;
import io.osprey.server.room.Room;
import io.osprey.server.room.RoomManager;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The router of a cluster sharing one Redis (livekit's {@code RedisRouter}). Placement: a room's
 * owner is recorded in {@code osprey:room_node} by a Lua script that keeps a live owner and
 * otherwise records the candidate, so racing nodes agree on one owner, and a room whose owner is
 * gone (its registry entry expired) is taken over, re-homed, by the next create or join. The
 * owner holds the room's truth; Redis holds only the placement and a listing view that expires
 * with the node, rebuilt from the owners every heartbeat (so a Redis restart loses nothing the
 * owners know). Calls for a room hosted elsewhere go to its owner through {@link NodeClient}.
 *
 * <p>Every write about this node's rooms (heartbeat, room updates, releases) is issued from one
 * thread, in order, and looks at the room manager when it is issued: a release never removes the
 * claim of a room re-created here meanwhile, and a heartbeat never re-lists a room closed after it.
 */
public final class RedisRouter implements Router {
  private static final Logger log = LoggerFactory.getLogger(RedisRouter.class);
  private static final Duration REGISTER_TIMEOUT = Duration.ofSeconds(5);
  private static final long UNUSED_CLAIM_NANOS = 10_000_000_000L;
  private static final long HEALTHY_WITHIN_NANOS = 4_000_000_000L;
  /** Placements of gone nodes are swept at start-up and every this many heartbeats (10 s by default). */
  private static final int SWEEP_EVERY_BEATS = 5;
  private static final int SWEEP_BATCH = 500;
  /** How long a node found unreachable is left out of placement (its entry expires in 5 s if it is dead). */
  private static final long SUSPECT_NANOS = 10_000_000_000L;

  private final String nodeId;
  private final RoomManager rooms;
  private final RedisConnector connector;
  private final RedisAsyncCommands<String, byte[]> redis;
  private final NodeClient nodes;
  private final NodeSelector selector;
  private final Duration statsInterval;
  private final ServerConfig config;
  private final ScheduledExecutorService writer;
  /** Rooms this node claimed, with when (nanos): a claim for a room never created here is released. */
  private final Map<String, Long> claimed = new ConcurrentHashMap<>();
  private final RandomGenerator random = RandomGenerator.getDefault();
  /** Nodes a connection to failed, with when (nanos): not chosen for new rooms for a while. */
  private final Map<String, Long> suspects = new ConcurrentHashMap<>();
  private final RoomListing listing;
  private final NodeExpiry expiry;
  private volatile NodeRegistry registry;
  /** Shutting down: this node's rooms are no longer claimed or listed; rejoins place them elsewhere. */
  private volatile boolean draining;

  private RedisRouter(ServerConfig config, RoomManager rooms, String nodeId, RedisConnector connector) {
    this.nodeId = nodeId;
    this.config = config;
    this.rooms = rooms;
    this.connector = connector;
    this.redis = connector.connection().async();
    this.nodes = new NodeClient(nodeId, config.keys());
    this.selector = new NodeSelector(config.nodeSelector());
    this.statsInterval = config.nodeStatsInterval();
    this.listing = new RoomListing(redis, rooms, nodeId);
    this.writer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "osprey-router-" + nodeId);
      t.setDaemon(true);
      return t;
    });
    this.expiry = new NodeExpiry(redis, writer);
  }

  /**
   * Connects to the configured Redis; the node joins the cluster at {@link #register}.
   *
   * @param nodeId this node's id ({@code ND_...}), unique in the cluster
   * @throws IllegalStateException if Redis cannot be reached
   */
  public static RedisRouter connect(ServerConfig config, RoomManager rooms, String nodeId) {
    RedisConnector connector = RedisConnector.connect(config.redis());
    log.info("routing: node {} routes rooms through Redis at {}", nodeId, connector.where());
    return new RedisRouter(config, rooms, nodeId, connector);
  }

  @Override
  public String nodeId() {
    return nodeId;
  }

  @Override
  public void register(URI httpUrl, String rtcIp) {
    NodeInfo self = new NodeInfo(nodeId, httpUrl, rtcIp, config.region(), NodeState.STARTING,
        new NodeStats(0, 0, -1, -1, System.currentTimeMillis()), io.osprey.server.rtc.ServerInfo.VERSION);
    registry = new NodeRegistry(redis, self, () -> draining ? List.of() : rooms.list(List.of()), this::conflict);
    boolean written = onWriter(registry::heartbeat).orTimeout(REGISTER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .exceptionally(e -> false).join();
    if (!written) {
      throw new IllegalStateException("cannot register node " + nodeId + " in Redis at " + connector.where());
    }
    long every = statsInterval.toMillis();
    int[] beats = {0};
    writer.scheduleAtFixedRate(() -> {
      releaseUnused();
      registry.heartbeat();
      if (++beats[0] % SWEEP_EVERY_BEATS == 0) {
        sweepGoneNodes();
      }
    }, every, every, TimeUnit.MILLISECONDS);
    onWriter(this::sweepGoneNodes);
    // back from an outage (Redis restarted empty, perhaps): re-register now, not at the next beat
    connector.onConnected(() -> onWriter(registry::heartbeat));
    log.info("routing: node {} registered at {} (rtc {})", nodeId, httpUrl, rtcIp);
  }

  @Override
  public boolean healthy() {
    NodeRegistry r = registry;
    return r != null && r.sinceWrittenNanos() <= HEALTHY_WITHIN_NANOS;
  }

  @Override
  public boolean clustered() {
    return true;
  }

  @Override
  public void serving() {
    changeState(NodeState.SERVING);
  }

  @Override
  public void draining() {
    draining = true;
    changeState(NodeState.SHUTTING_DOWN); // the heartbeat now lists no rooms and re-claims none
    List<String> names = new ArrayList<>(claimed.keySet());
    rooms.list(List.of()).forEach(r -> names.add(r.getName()));
    List<String> released = names.stream().distinct().toList();
    onWriter(() -> CompletableFuture.allOf(released.stream().map(this::release).toArray(CompletableFuture[]::new)))
        .orTimeout(2, TimeUnit.SECONDS).exceptionally(e -> null).join();
    if (!released.isEmpty()) {
      log.info("routing: node {} withdrew its placement of {} rooms ({}): they are placed anew on the next join",
          nodeId, released.size(), released);
    }
  }

  @Override
  public CompletableFuture<List<String>> rejoinUrls() {
    NodeRegistry r = registry;
    if (r == null) {
      return CompletableFuture.completedFuture(List.of());
    }
    return r.liveNodes().thenApply(live -> live.values().stream()
        .filter(n -> n.state() == NodeState.SERVING && !n.id().equals(nodeId))
        .map(n -> "ws://" + n.httpUrl().getRawAuthority()).sorted().toList());
  }

  private void changeState(NodeState state) {
    NodeRegistry r = registry;
    if (r == null) {
      return;
    }
    r.state(state);
    onWriter(r::heartbeat).orTimeout(2, TimeUnit.SECONDS).exceptionally(e -> false).join();
    log.info("routing: node {} is {}", nodeId, state.wire());
  }

  // ---- finding and placing rooms ----

  @Override
  public CompletableFuture<RoomLocation> locate(String room) {
    if (rooms.get(room).isPresent()) {
      return CompletableFuture.completedFuture(RoomLocation.LOCAL); // the owner is the authority
    }
    if (registry == null) {
      return notYet();
    }
    return send(() -> redis.<List<Object>>eval(RedisScripts.LOCATE, ScriptOutputType.MULTI,
            new String[] {RedisScripts.ROOM_NODE}, bytes(RedisScripts.NODE_PREFIX), bytes(room)))
        .thenApply(found -> found == null || found.size() < 2 ? RoomLocation.ABSENT
            : location(room, text(found.get(0)), (byte[]) found.get(1), null));
  }

  @Override
  public CompletableFuture<RoomLocation> place(String room) {
    return locate(room).thenCompose(found -> {
      if (!(found instanceof RoomLocation.Absent)) {
        return CompletableFuture.completedFuture(found);
      }
      return candidates().thenCompose(candidates -> {
        Optional<NodeInfo> chosen = selector.select(candidates, random);
        if (chosen.isEmpty()) {
          return CompletableFuture.failedFuture(RoutingException.unavailable("no node is available to host room " + room));
        }
        return claimFor(room, chosen.get());
      });
    });
  }

  @Override
  public CompletableFuture<RoomLocation> claim(String room) {
    if (rooms.get(room).isPresent()) {
      return CompletableFuture.completedFuture(RoomLocation.LOCAL);
    }
    if (registry == null) {
      return notYet();
    }
    return claimFor(room, registry.self());
  }

  @Override
  public CompletableFuture<RoomLocation> placeElsewhere(String room, String unreachableNode) {
    suspects.put(unreachableNode, System.nanoTime());
    log.warn("routing: node {}, chosen for room {}, is unreachable; placing the room on another node",
        unreachableNode, room);
    return send(() -> redis.<Long>eval(RedisScripts.UNPLACE, ScriptOutputType.INTEGER,
            new String[] {RedisScripts.ROOM_NODE}, bytes(room), bytes(unreachableNode)))
        .thenCompose(v -> place(room));
  }

  @Override
  public CompletableFuture<Boolean> awaitGone(String node) {
    return node.equals(nodeId) ? CompletableFuture.completedFuture(false) : expiry.awaitGone(node);
  }

  private CompletableFuture<RoomLocation> claimFor(String room, NodeInfo candidate) {
    return send(() -> redis.<List<Object>>eval(RedisScripts.CLAIM, ScriptOutputType.MULTI,
            new String[] {RedisScripts.ROOM_NODE}, bytes(RedisScripts.NODE_PREFIX), bytes(room), bytes(candidate.id())))
        .thenApply(result -> {
          String owner = text(result.get(0));
          Object previous = result.size() > 2 ? result.get(2) : null;
          if (previous != null && !text(previous).equals(owner)) {
            log.info("routing: room {} re-homed from node {}, which is gone, to node {}", room, text(previous), owner);
          }
          RoomLocation where = location(room, owner, (byte[]) result.get(1), candidate);
          return where instanceof RoomLocation.Remote r && owner.equals(candidate.id())
              ? new RoomLocation.Remote(r.node(), true) : where;
        });
  }

  /** The owner as a location; its entry from Redis, or the candidate's own info when Redis had none. */
  private RoomLocation location(String room, String owner, byte[] entry, NodeInfo candidate) {
    if (owner.equals(nodeId)) {
      claimed.putIfAbsent(room, System.nanoTime());
      return RoomLocation.LOCAL;
    }
    Optional<NodeInfo> info = entry != null ? registry.parse(owner, entry)
        : candidate != null && candidate.id().equals(owner) ? Optional.of(candidate) : Optional.empty();
    return info.<RoomLocation>map(n -> new RoomLocation.Remote(nodes.node(n))).orElse(RoomLocation.ABSENT);
  }

  /** Live nodes that may take a new room, with this node as it is now (Redis may not have it yet). */
  private CompletableFuture<List<NodeInfo>> candidates() {
    return registry.liveNodes().thenApply(live -> {
      Map<String, NodeInfo> all = new HashMap<>(live);
      long now = System.nanoTime();
      suspects.values().removeIf(since -> now - since > SUSPECT_NANOS);
      all.keySet().removeAll(suspects.keySet());
      all.put(nodeId, registry.self());
      return new ArrayList<>(all.values());
    });
  }

  // ---- listing ----

  @Override
  public CompletableFuture<List<LivekitModels.Room>> listRooms(Collection<String> names) {
    NodeRegistry r = registry;
    return r == null ? notYet() : listing.list(names, r);
  }

  // ---- this node's rooms ----

  @Override
  public CompletableFuture<Void> roomUpdated(LivekitModels.Room room) {
    return onWriter(() -> publish(room.getName()));
  }

  @Override
  public CompletableFuture<Void> roomClosed(String room) {
    return onWriter(() -> rooms.get(room).isPresent() ? publish(room) : release(room));
  }

  /** Lists a room hosted here as it is now, claiming it unless another live node owns it. */
  private CompletableFuture<Void> publish(String name) {
    Optional<Room> room = rooms.get(name);
    if (room.isEmpty() || draining) {
      return CompletableFuture.completedFuture(null); // closed meanwhile: its release follows
    }
    claimed.putIfAbsent(name, System.nanoTime());
    String[] keys = {RedisScripts.ROOM_NODE, RedisScripts.nodeRoomsKey(nodeId)};
    byte[] snapshot = room.get().snapshot().toByteArray();
    return send(() -> redis.<byte[]>eval(RedisScripts.PUBLISH, ScriptOutputType.VALUE, keys,
            bytes(RedisScripts.NODE_PREFIX), bytes(nodeId), bytes(Long.toString(RedisScripts.ENTRY_TTL_MS)), bytes(name),
            snapshot))
        .handle((owner, error) -> {
          if (error != null) {
            log.debug("routing: cannot list room {}: {}", name, NodeRegistry.rootMessage(error));
          } else if (!text(owner).equals(nodeId)) {
            conflict(name, text(owner));
          }
          return null;
        });
  }

  private CompletableFuture<Void> release(String name) {
    claimed.remove(name);
    String[] keys = {RedisScripts.ROOM_NODE, RedisScripts.nodeRoomsKey(nodeId)};
    return send(() -> redis.<Long>eval(RedisScripts.RELEASE, ScriptOutputType.INTEGER, keys, bytes(nodeId), bytes(name)))
        .handle((v, error) -> {
          if (error != null) {
            log.debug("routing: cannot release room {}: {}", name, NodeRegistry.rootMessage(error));
          }
          return null;
        });
  }

  /**
   * Releases claims this node made for rooms it never came to host (a join refused after
   * placement, a create that failed): after {@link #UNUSED_CLAIM_NANOS} they would only send
   * callers here to hear not_found. Runs on the router's thread.
   */
  private void releaseUnused() {
    long now = System.nanoTime();
    claimed.forEach((name, since) -> {
      if (now - since > UNUSED_CLAIM_NANOS && rooms.get(name).isEmpty()) {
        release(name);
      }
    });
  }

  /**
   * Removes the placements of rooms whose owner is gone, its registry entry expired or unreadable
   * (livekit's RemoveDeadNodes): each is checked and removed in one script, so a live owner's is
   * never touched; without this a room nobody joins again would point at a dead node for ever.
   * Every node does it, at start-up and every {@value #SWEEP_EVERY_BEATS} heartbeats; running
   * twice at once does no harm. Completes with how many were removed; never fails.
   */
  CompletableFuture<Integer> sweepGoneNodes() {
    if (draining) {
      return CompletableFuture.completedFuture(0);
    }
    return sweepFrom("0", 0).exceptionally(e -> {
      log.debug("routing: cannot sweep the placements of gone nodes: {}", NodeRegistry.rootMessage(e));
      return 0;
    });
  }

  private CompletableFuture<Integer> sweepFrom(String cursor, int removedSoFar) {
    return send(() -> redis.<List<Object>>eval(RedisScripts.SWEEP, ScriptOutputType.MULTI,
            new String[] {RedisScripts.ROOM_NODE}, bytes(RedisScripts.NODE_PREFIX), bytes(cursor),
            bytes(Integer.toString(SWEEP_BATCH))))
        .thenCompose(out -> {
          int removed = removedSoFar;
          for (int i = 1; i + 1 < out.size(); i += 2) {
            log.info("routing: removed the placement of room {} on node {}, which is gone", text(out.get(i)),
                text(out.get(i + 1)));
            removed++;
          }
          String next = text(out.get(0));
          return next.equals("0") ? CompletableFuture.completedFuture(removed) : sweepFrom(next, removed);
        });
  }

  /**
   * A room hosted here is owned by another live node (this node was taken for dead, or Redis lost
   * the record and the other node placed the name first): the record wins, so the room closes
   * here and its participants rejoin through the owner.
   */
  private void conflict(String room, String owner) {
    if (draining) {
      return; // handed over on purpose: the room here closes when its drain ends
    }
    log.warn("routing: room {} is hosted here but node {} owns it; closing it here so its participants rejoin there",
        room, owner);
    claimed.remove(room);
    rooms.delete(room);
  }

  /** Runs a write on the router's thread, in order with every other write about this node's rooms. */
  private <T> CompletableFuture<T> onWriter(java.util.function.Supplier<CompletableFuture<T>> write) {
    try {
      return CompletableFuture.supplyAsync(write, writer).thenCompose(f -> f);
    } catch (java.util.concurrent.RejectedExecutionException e) { // closed: the node has left the cluster
      return CompletableFuture.completedFuture(null);
    }
  }

  /**
   * Sends a command. Any failure (Redis away, a timeout, a command Lettuce refuses at once) fails
   * the future with an {@code unavailable} {@link RoutingException} a client can read.
   */
  static <T> CompletableFuture<T> send(java.util.function.Supplier<io.lettuce.core.RedisFuture<T>> command) {
    CompletableFuture<T> sent;
    try {
      sent = command.get().toCompletableFuture();
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    return sent.exceptionallyCompose(e -> CompletableFuture.failedFuture(
        RoutingException.unavailable("Redis is unavailable: " + NodeRegistry.rootMessage(e))));
  }

  private static <T> CompletableFuture<T> notYet() {
    return CompletableFuture.failedFuture(RoutingException.unavailable("node is starting"));
  }

  @Override
  public void close() {
    NodeRegistry r = registry;
    if (r != null) {
      try {
        onWriter(() -> r.deregister(List.copyOf(claimed.keySet()))).get(2, TimeUnit.SECONDS);
        log.info("routing: node {} left the cluster", nodeId);
      } catch (Exception e) {
        log.warn("routing: node {} could not remove its entry from Redis ({}); it expires in 5 s", nodeId,
            NodeRegistry.rootMessage(e));
      }
    }
    writer.shutdownNow();
    connector.close();
  }
}
