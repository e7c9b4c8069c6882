package io.osprey.server.routing;

import io.osprey.testkit.RedisServerProcess;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.osprey.protocol.livekit.LivekitModels;
import io.osprey.protocol.livekit.LivekitRoom.CreateRoomRequest;
import io.osprey.protocol.livekit.LivekitRoom.ListParticipantsRequest;
import io.osprey.protocol.livekit.LivekitRoom.ListParticipantsResponse;
import io.osprey.protocol.livekit.LivekitRoom.ListRoomsRequest;
import io.osprey.protocol.livekit.LivekitRoom.ListRoomsResponse;
import io.osprey.server.OspreyServer;
import io.osprey.server.TestServers;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The node registry on a real redis-server: entries, their expiry and stats, leaving the cluster,
 * entries that do not parse, and a Redis restart in the middle of a session.
 */
class NodeRegistryTest {
  private static RedisServerProcess redis;
  private static OspreyServer a;
  private static OspreyServer b;
  private static RedisClient inspector;
  private static StatefulRedisConnection<String, String> inspection;

  @BeforeAll
  static void start() throws Exception {
    redis = RedisServerProcess.start();
    a = node();
    b = node();
    inspector = RedisClient.create("redis://" + redis.address());
    inspection = inspector.connect();
  }

  private static OspreyServer node() throws Exception {
    return TestServers.dev("redis:\n  address: " + redis.address() + "\n");
  }

  @AfterAll
  static void stop() {
    if (inspection != null) {
      inspection.close();
      inspector.shutdown();
    }
    for (OspreyServer n : new OspreyServer[] {b, a}) {
      if (n != null) {
        n.close();
      }
    }
    if (redis != null) {
      redis.close();
    }
  }

  private static RedisCommands<String, String> redis() {
    return inspection.sync();
  }

  private static NodeInfo entry(OspreyServer node) throws MalformedNodeEntryException {
    String json = redis().get("osprey:node:" + node.router().nodeId());
    assertThat(json).as("registry entry of " + node.router().nodeId()).isNotNull();
    return NodeInfo.parse(json);
  }

  private static LivekitModels.Room create(OspreyServer via, String room) {
    return new TwirpClient(via).call("CreateRoom", CreateRoomRequest.newBuilder().setName(room).build(), room,
        LivekitModels.Room.getDefaultInstance()).ok();
  }

  @Test
  void eachNodeKeepsAnEntryWithItsAddressStateAndLoadThatExpiresWithoutHeartbeats() throws Exception {
    NodeInfo first = entry(a);
    assertThat(first.state()).isEqualTo(NodeState.SERVING);
    assertThat(first.httpUrl().toString()).isEqualTo("http://127.0.0.1:" + a.httpAddresses().get(0).getPort());
    assertThat(first.rtcIp()).isEqualTo("127.0.0.1");
    long ttl = redis().pttl("osprey:node:" + a.router().nodeId());
    assertThat(ttl).as("ms left before the entry expires").isBetween(1L, 5_000L);
    assertThat(redis().smembers("osprey:nodes")).contains(a.router().nodeId(), b.router().nodeId());
    // the heartbeat rewrites it every 2 s with fresh stats
    await().atMost(Duration.ofSeconds(5))
        .until(() -> entry(a).stats().updatedAtMs() > first.stats().updatedAtMs());
  }

  @Test
  void theStatsCountTheRoomsAndTheListingHoldsThem() throws Exception {
    String room = "counted";
    create(a, room);
    OspreyServer owner = a.rooms().get(room).isPresent() ? a : b;
    await().atMost(Duration.ofSeconds(5)).until(() -> entry(owner).stats().rooms() >= 1);
    assertThat(redis().hkeys("osprey:node_rooms:" + owner.router().nodeId())).contains(room);
    assertThat(redis().pttl("osprey:node_rooms:" + owner.router().nodeId())).isBetween(1L, 5_000L);
  }

  @Test
  void aNodeThatClosesLeavesTheClusterAndReleasesItsRooms() throws Exception {
    OspreyServer c = node();
    String id = c.router().nodeId();
    String room = "left-behind";
    // placed on c by name: the forwarded form of CreateRoom claims the room for the node it reaches
    new TwirpClient(c).call("CreateRoom", CreateRoomRequest.newBuilder().setName(room).build(), room,
        LivekitModels.Room.getDefaultInstance(), Map.of(NodeClient.FORWARDED_BY, "ND_test")).ok();
    assertThat(redis().hget("osprey:room_node", room)).isEqualTo(id);
    c.close();
    assertThat(redis().exists("osprey:node:" + id, "osprey:node_rooms:" + id)).isZero();
    assertThat(redis().sismember("osprey:nodes", id)).isFalse();
    assertThat(redis().hget("osprey:room_node", room)).isNull();
    // and the room can be created again at once, on a live node
    create(a, room);
    assertThat(redis().hget("osprey:room_node", room)).isIn(a.router().nodeId(), b.router().nodeId());
  }

  @Test
  void aNodeHostingARoomThePlacementRecordGivesToAnotherLiveNodeClosesItsCopy() throws Exception {
    // as after a node was taken for dead (a stalled heartbeat) and its room re-homed meanwhile
    String room = "split";
    new TwirpClient(a).call("CreateRoom", CreateRoomRequest.newBuilder().setName(room).build(), room,
        LivekitModels.Room.getDefaultInstance(), Map.of(NodeClient.FORWARDED_BY, "ND_test")).ok();
    try (LogCapture logs = new LogCapture();
         SignalClient hal = SignalClient.join(a.httpAddresses().get(0).getPort(), room, "hal")) {
      hal.next(io.osprey.protocol.livekit.LivekitRtc.SignalResponse::hasJoin);
      redis().hset("osprey:room_node", room, b.router().nodeId());
      await().atMost(Duration.ofSeconds(5)).until(() -> a.rooms().get(room).isEmpty());
      assertThat(logs.logged("room split is hosted here but node " + b.router().nodeId() + " owns it")).isTrue();
      assertThat(hal.next(io.osprey.protocol.livekit.LivekitRtc.SignalResponse::hasLeave).getLeave().getReason())
          .isEqualTo(LivekitModels.DisconnectReason.ROOM_DELETED);
      assertThat(redis().hget("osprey:room_node", room)).as("the record is left to the owner it names")
          .isEqualTo(b.router().nodeId());
    }
  }

  @Test
  void entriesThatDoNotParseAreSkippedWithALogLine() {
    SetArgs minute = SetArgs.Builder.px(60_000);
    try (LogCapture logs = new LogCapture()) {
      redis().set("osprey:node:ND_garbage", "{not json", minute);
      redis().set("osprey:node:ND_martian", "{\"id\":\"ND_martian\",\"http_url\":\"http://127.0.0.1:1\","
          + "\"state\":\"flying\",\"stats\":{\"rooms\":0}}", minute);
      // a node that parses but answers nobody (draining, so no new room is placed there), and lists
      // a room whose bytes are not a Room
      String ghost = new NodeInfo("ND_ghost", java.net.URI.create("http://127.0.0.1:1"), "127.0.0.1", "",
          NodeState.SHUTTING_DOWN, new NodeStats(1, 0, 0, 0, System.currentTimeMillis()), "x").toJson();
      redis().set("osprey:node:ND_ghost", ghost, minute);
      redis().sadd("osprey:nodes", "ND_garbage", "ND_martian", "ND_ghost", "ND_expired");
      redis().hset("osprey:node_rooms:ND_ghost", "haunted", "\u00ff\u00ff not a room");
      redis().hset("osprey:room_node", Map.of("haunted", "ND_ghost", "orphan", "ND_garbage", "alien", "ND_martian"));

      for (OspreyServer node : List.of(a, b)) {
        ListRoomsResponse listed = new TwirpClient(node).call("ListRooms", ListRoomsRequest.getDefaultInstance(), "x",
            ListRoomsResponse.getDefaultInstance()).ok();
        assertThat(listed.getRoomsList()).extracting(LivekitModels.Room::getName)
            .doesNotContain("haunted", "orphan", "alien");
      }
      assertThat(logs.logged("skipping the entry of node ND_garbage", "not JSON")).isTrue();
      assertThat(logs.logged("skipping the entry of node ND_martian", "unknown state flying")).isTrue();
      assertThat(logs.logged("skipping room haunted in node ND_ghost's listing")).isTrue();
      assertThat(redis().sismember("osprey:nodes", "ND_expired")).as("ids without an entry are pruned").isFalse();

      // rooms recorded on nodes whose entries do not parse are taken over by the next create
      for (String room : List.of("orphan", "alien")) {
        create(b, room);
        assertThat(redis().hget("osprey:room_node", room)).isIn(a.router().nodeId(), b.router().nodeId());
      }
      assertThat(logs.logged("room orphan re-homed from node ND_garbage")).isTrue();

      // a room whose owner is live in the registry but unreachable: a clear Twirp error naming it
      var unreachable = new TwirpClient(a).call("ListParticipants",
          ListParticipantsRequest.newBuilder().setRoom("haunted").build(), "haunted",
          ListParticipantsResponse.getDefaultInstance());
      assertThat(unreachable.status()).isEqualTo(503);
      assertThat(unreachable.error()).contains("\"code\":\"unavailable\"", "ND_ghost", "unreachable");
    } finally {
      redis().del("osprey:node:ND_garbage", "osprey:node:ND_martian", "osprey:node:ND_ghost", "osprey:node_rooms:ND_ghost");
      redis().hdel("osprey:room_node", "haunted");
    }
  }
}
