package io.osprey.server.routing;

import io.lettuce.core.KeyValue;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.osprey.protocol.livekit.LivekitModels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node registry in Redis: this node's entry (id, addresses, state, load) written by
 * {@link #heartbeat} every stats interval with a 5 s expiry, together with its rooms' listing
 * and placement (see {@link RedisScripts#HEARTBEAT}); and the other nodes' entries, read by
 * {@link #liveNodes}. An entry that does not parse is skipped and logged once, never trusted.
 * A failed heartbeat is logged once per outage, and the first one that succeeds again says so.
 */
final class NodeRegistry {
  private static final Logger log = LoggerFactory.getLogger(NodeRegistry.class);

  private final RedisAsyncCommands<String, byte[]> redis;
  private final Supplier<Collection<LivekitModels.Room>> localRooms;
  private final BiConsumer<String, String> onConflict;
  private final Set<String> reportedBadEntries = ConcurrentHashMap.newKeySet();
  private volatile NodeInfo self;
  private volatile long lastWrittenNanos = System.nanoTime();
  private boolean failing;

  /**
   * @param localRooms the rooms this node hosts, as of now
   * @param onConflict told (room, other owner) when a room hosted here is owned by another live node
   */
  NodeRegistry(RedisAsyncCommands<String, byte[]> redis, NodeInfo self,
               Supplier<Collection<LivekitModels.Room>> localRooms, BiConsumer<String, String> onConflict) {
    this.redis = redis;
    this.self = self;
    this.localRooms = localRooms;
    this.onConflict = onConflict;
  }

  NodeInfo self() {
    return self;
  }

  void state(NodeState state) {
    self = self.with(state, self.stats());
  }

  /**
   * Writes this node's entry, listing and claims (call from the router's thread, which orders
   * every write about this node's rooms). Completes true when Redis took it; never fails.
   */
  CompletableFuture<Boolean> heartbeat() {
    Collection<LivekitModels.Room> rooms = localRooms.get();
    int participants = rooms.stream().mapToInt(LivekitModels.Room::getNumParticipants).sum();
    NodeInfo entry = self.with(self.state(), new NodeStats(rooms.size(), participants, SystemLoad.cpu(),
        SystemLoad.perCore(), System.currentTimeMillis()));
    self = entry;
    List<byte[]> args = new ArrayList<>(4 + 2 * rooms.size());
    args.add(bytes(RedisScripts.NODE_PREFIX));
    args.add(bytes(entry.id()));
    args.add(bytes(Long.toString(RedisScripts.ENTRY_TTL_MS)));
    args.add(bytes(entry.toJson()));
    for (LivekitModels.Room room : rooms) {
      args.add(bytes(room.getName()));
      args.add(room.toByteArray());
    }
    String[] keys = {RedisScripts.nodeKey(entry.id()), RedisScripts.NODES, RedisScripts.nodeRoomsKey(entry.id()),
        RedisScripts.ROOM_NODE};
    return RedisRouter.send(() -> redis.<List<Object>>eval(RedisScripts.HEARTBEAT, ScriptOutputType.MULTI, keys,
            args.toArray(byte[][]::new)))
        .handle((conflicts, error) -> {
          if (error != null) {
            if (!failing) {
              failing = true;
              log.warn("node registry: cannot write node {}'s entry to Redis ({}); other nodes count it as unavailable"
                  + " until Redis answers", entry.id(), rootMessage(error));
            }
            return false;
          }
          lastWrittenNanos = System.nanoTime();
          if (failing) {
            failing = false;
            log.info("node registry: node {} registered again ({} rooms re-claimed)", entry.id(), rooms.size());
          }
          for (int i = 0; i + 1 < conflicts.size(); i += 2) {
            onConflict.accept(text(conflicts.get(i)), text(conflicts.get(i + 1)));
          }
          return true;
        });
  }

  /** Nanos (System.nanoTime) since this node's entry was last written. */
  long sinceWrittenNanos() {
    return System.nanoTime() - lastWrittenNanos;
  }

  /** Removes this node's entry and listing, and its claims on {@code rooms}. */
  CompletableFuture<Void> deregister(Collection<String> rooms) {
    NodeInfo entry = self;
    List<byte[]> args = new ArrayList<>();
    args.add(bytes(entry.id()));
    rooms.forEach(r -> args.add(bytes(r)));
    String[] keys = {RedisScripts.nodeKey(entry.id()), RedisScripts.NODES, RedisScripts.nodeRoomsKey(entry.id()),
        RedisScripts.ROOM_NODE};
    return RedisRouter.send(() -> redis.<Long>eval(RedisScripts.DEREGISTER, ScriptOutputType.INTEGER, keys,
        args.toArray(byte[][]::new))).thenApply(v -> null);
  }

  /** The live nodes (entries that exist and parse), by id; ids whose entry expired are pruned. */
  CompletableFuture<Map<String, NodeInfo>> liveNodes() {
    return RedisRouter.send(() -> redis.smembers(RedisScripts.NODES)).thenCompose(members -> {
      List<String> ids = members.stream().map(NodeRegistry::text).sorted().toList();
      if (ids.isEmpty()) {
        return CompletableFuture.completedFuture(Map.of());
      }
      return RedisRouter.send(() -> redis.mget(ids.stream().map(RedisScripts::nodeKey).toArray(String[]::new)))
          .thenApply(values -> {
            Map<String, NodeInfo> live = new LinkedHashMap<>();
            for (int i = 0; i < values.size(); i++) {
              KeyValue<String, byte[]> kv = values.get(i);
              String id = ids.get(i);
              if (!kv.hasValue()) {
                redis.srem(RedisScripts.NODES, bytes(id)); // expired: nobody's node any more
                continue;
              }
              parse(id, kv.getValue()).ifPresent(n -> live.put(id, n));
            }
            return live;
          });
    });
  }

  /** A registry entry read from Redis, or empty (logged once per distinct bad entry). */
  java.util.Optional<NodeInfo> parse(String id, byte[] value) {
    String json = text(value);
    try {
      NodeInfo info = NodeInfo.parse(json);
      if (!info.id().equals(id)) {
        throw new MalformedNodeEntryException("entry of " + id + " names node " + info.id());
      }
      return java.util.Optional.of(info);
    } catch (MalformedNodeEntryException e) {
      if (reportedBadEntries.add(id + "\n" + json) && reportedBadEntries.size() < 10_000) {
        log.warn("node registry: skipping the entry of node {}, which does not parse: {}", id, e.getMessage());
      }
      return java.util.Optional.empty();
    }
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String text(Object value) {
    return value instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(value);
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  /** The machine's load as the JVM sees it. */
  static final class SystemLoad {
    private static final java.lang.management.OperatingSystemMXBean OS =
        java.lang.management.ManagementFactory.getOperatingSystemMXBean();

    private SystemLoad() {}

    static double cpu() {
      return OS instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getCpuLoad() : -1;
    }

    static double perCore() {
      double avg = OS.getSystemLoadAverage();
      return avg < 0 ? -1 : avg / Math.max(1, OS.getAvailableProcessors());
    }
  }
}
