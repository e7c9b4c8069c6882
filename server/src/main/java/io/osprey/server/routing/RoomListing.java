package io.osprey.server.routing;

import static io.osprey.server.routing.NodeRegistry.text;

import com.google.protobuf.InvalidProtocolBufferException;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.osprey.protocol.livekit.LivekitModels;
import io.osprey.server.room.RoomManager;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ListRooms across the cluster, each room once: this node's rooms from its own room manager (the
 * owner's truth), the others' from their listing views in Redis, each room taken only from the
 * live node the placement record names as its owner. A listing left by a dead node is never
 * read; it expires with the node's entry.
 */
final class RoomListing {
  private static final Logger log = LoggerFactory.getLogger(RoomListing.class);

  private final RedisAsyncCommands<String, byte[]> redis;
  private final RoomManager rooms;
  private final String nodeId;
  private final Set<String> reported = ConcurrentHashMap.newKeySet();

  RoomListing(RedisAsyncCommands<String, byte[]> redis, RoomManager rooms, String nodeId) {
    this.redis = redis;
    this.rooms = rooms;
    this.nodeId = nodeId;
  }

  /** The rooms named (all when {@code names} is empty), in creation order. */
  CompletableFuture<List<LivekitModels.Room>> list(Collection<String> names, NodeRegistry registry) {
    CompletableFuture<Map<String, String>> owners = names.isEmpty()
        ? RedisRouter.send(() -> redis.hgetall(RedisScripts.ROOM_NODE)).thenApply(RoomListing::texts)
        : RedisRouter.send(() -> redis.hmget(RedisScripts.ROOM_NODE, names.toArray(String[]::new))).thenApply(kvs -> {
          Map<String, String> m = new HashMap<>();
          kvs.forEach(kv -> {
            if (kv.hasValue()) {
              m.put(kv.getKey(), text(kv.getValue()));
            }
          });
          return m;
        });
    return owners.thenCompose(owner -> registry.liveNodes().thenCompose(live -> {
      List<LivekitModels.Room> out = new ArrayList<>();
      // this node's rooms from its own truth, unless a live node elsewhere owns the name
      for (LivekitModels.Room r : rooms.list(names)) {
        String o = owner.get(r.getName());
        if (o == null || o.equals(nodeId) || !live.containsKey(o)) {
          out.add(r);
        }
      }
      List<CompletableFuture<List<LivekitModels.Room>>> others = new ArrayList<>();
      for (String id : live.keySet()) {
        if (!id.equals(nodeId) && owner.containsValue(id)) {
          others.add(listingOf(id, owner));
        }
      }
      return CompletableFuture.allOf(others.toArray(CompletableFuture[]::new)).thenApply(v -> {
        others.forEach(f -> out.addAll(f.join()));
        out.sort((a, b) -> Long.compare(a.getCreationTimeMs(), b.getCreationTimeMs()));
        return out;
      });
    }));
  }

  /** The rooms node {@code id} lists that the placement record says it owns. */
  private CompletableFuture<List<LivekitModels.Room>> listingOf(String id, Map<String, String> owner) {
    return RedisRouter.send(() -> redis.hgetall(RedisScripts.nodeRoomsKey(id))).thenApply(listing -> {
      List<LivekitModels.Room> out = new ArrayList<>();
      listing.forEach((name, value) -> {
        if (!id.equals(owner.get(name))) {
          return;
        }
        try {
          out.add(LivekitModels.Room.parseFrom(value));
        } catch (InvalidProtocolBufferException e) {
          if (reported.add(id + "\n" + name) && reported.size() < 10_000) {
            log.warn("routing: skipping room {} in node {}'s listing, which does not parse: {}", name, id,
                e.getMessage());
          }
        }
      });
      return out;
    });
  }

  private static Map<String, String> texts(Map<String, byte[]> m) {
    Map<String, String> out = new HashMap<>();
    m.forEach((k, v) -> out.put(k, text(v)));
    return out;
  }
}
