package io.osprey.server.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.osprey.protocol.livekit.LivekitRtc.SignalResponse;
import io.osprey.server.OspreyServer;
import io.osprey.server.TestServers;
import io.osprey.testkit.RedisServerProcess;
import java.net.URI;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A join for a room whose owner cannot be connected to, while the owner's registry entry is
 * still live: if the entry then expires (the owner died), the join waits for that moment and
 * lands in the room re-created on this node, rather than being refused until then; if the owner
 * keeps refreshing its entry (alive, only unreachable from here), the join is refused and the
 * room is not taken from it. The owner here is an entry written by the test, at an address where
 * nothing listens.
 */
class DeadOwnerJoinTest {

  private static String entry(String id) {
    return new NodeInfo(id, URI.create("http://127.0.0.1:1"), "127.0.0.1", "", NodeState.SERVING,
        new NodeStats(1, 1, 0, 0, System.currentTimeMillis()), "x").toJson();
  }

  @Test
  void aJoinWaitsForTheDeadOwnersEntryToExpireThenTheRoomIsReHomedHere() throws Exception {
    try (RedisServerProcess redis = RedisServerProcess.start();
         LogCapture logs = new LogCapture();
         OspreyServer a = TestServers.dev("redis:\n  address: " + redis.address() + "\n");
         RedisClient client = RedisClient.create("redis://" + redis.address());
         StatefulRedisConnection<String, String> connection = client.connect()) {
      RedisCommands<String, String> inspect = connection.sync();
      inspect.set(RedisScripts.nodeKey("ND_dead"), entry("ND_dead"), SetArgs.Builder.px(1_500));
      inspect.sadd(RedisScripts.NODES, "ND_dead");
      inspect.hset(RedisScripts.ROOM_NODE, "orphan", "ND_dead");

      long start = System.nanoTime();
      try (SignalClient ivy = SignalClient.join(a.httpAddresses().get(0).getPort(), "orphan", "ivy")) {
        long waitedMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(ivy.next(SignalResponse::hasJoin).getJoin().getServerInfo().getNodeId())
            .isEqualTo(a.router().nodeId());
        assertThat(waitedMs).as("let in once the entry expired, not refused before").isBetween(1_000L, 4_000L);
        assertThat(inspect.hget(RedisScripts.ROOM_NODE, "orphan")).isEqualTo(a.router().nodeId());
        assertThat(logs.logged("node ND_dead cannot be reached but its registry entry is live; waiting")).isTrue();
        assertThat(logs.logged("node ND_dead is gone: its registry entry expired")).isTrue();
        assertThat(logs.logged("room orphan re-homed from node ND_dead, which is gone, to node "
            + a.router().nodeId())).isTrue();
      }
      client.shutdown();
    }
  }

  @Test
  void aJoinIsRefusedWhileTheUnreachableOwnerKeepsItsEntryAlive() throws Exception {
    ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor();
    try (RedisServerProcess redis = RedisServerProcess.start();
         OspreyServer a = TestServers.dev("redis:\n  address: " + redis.address() + "\n");
         RedisClient client = RedisClient.create("redis://" + redis.address());
         StatefulRedisConnection<String, String> connection = client.connect()) {
      RedisCommands<String, String> inspect = connection.sync();
      inspect.sadd(RedisScripts.NODES, "ND_cut_off");
      inspect.hset(RedisScripts.ROOM_NODE, "kept", "ND_cut_off");
      // refreshed every 500 ms with the 5 s expiry, as a live node's heartbeat does
      heartbeat.scheduleAtFixedRate(() -> inspect.set(RedisScripts.nodeKey("ND_cut_off"), entry("ND_cut_off"),
          SetArgs.Builder.px(RedisScripts.ENTRY_TTL_MS)), 0, 500, TimeUnit.MILLISECONDS);
      await().atMost(Duration.ofSeconds(5)).until(() -> inspect.exists(RedisScripts.nodeKey("ND_cut_off")) == 1);

      long start = System.nanoTime();
      assertThatThrownBy(() -> SignalClient.join(a.httpAddresses().get(0).getPort(), "kept", "jay"))
          .cause().isInstanceOf(WebSocketHandshakeException.class)
          .satisfies(e -> {
            var response = ((WebSocketHandshakeException) e).getResponse();
            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(String.valueOf(response.body())).contains("ND_cut_off", "unreachable");
          });
      assertThat((System.nanoTime() - start) / 1_000_000).as("refused within one expiry and a second")
          .isLessThan(NodeExpiry.LIMIT_MS + 1_000);
      assertThat(inspect.hget(RedisScripts.ROOM_NODE, "kept")).as("the room stays its").isEqualTo("ND_cut_off");
      assertThat(a.rooms().get("kept")).isEmpty();
      heartbeat.shutdownNow();
      client.shutdown();
    } finally {
      heartbeat.shutdownNow();
    }
  }
}
