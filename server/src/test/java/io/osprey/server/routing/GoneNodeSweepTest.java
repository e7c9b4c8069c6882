package io.osprey.server.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.osprey.protocol.livekit.LivekitModels;
import io.osprey.protocol.livekit.LivekitRoom.CreateRoomRequest;
import io.osprey.server.OspreyServer;
import io.osprey.server.TestServers;
import io.osprey.testkit.RedisServerProcess;
import io.osprey.testkit.ServerProcess;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Placements (osprey:room_node) whose node is gone are removed by the serving nodes, as
 * livekit's RemoveDeadNodes does, so a room nobody joins again does not point at a dead node for
 * ever: at start-up, and periodically, with a log line naming room and node. A live owner's
 * placement is never removed, nor one whose node was just killed but whose entry has not expired.
 */
class GoneNodeSweepTest {

  @Test
  void placementsOfGoneNodesAreSweptAndLiveOnesKept() throws Exception {
    try (RedisServerProcess redis = RedisServerProcess.start();
         LogCapture logs = new LogCapture();
         RedisClient client = RedisClient.create("redis://" + redis.address());
         StatefulRedisConnection<String, String> connection = client.connect()) {
      RedisCommands<String, String> inspect = connection.sync();
      // left behind before any node runs: a node with no entry, and one whose entry does not parse
      inspect.hset(RedisScripts.ROOM_NODE, "left-behind", "ND_longgone");
      inspect.set(RedisScripts.nodeKey("ND_garbled"), "{not json");
      inspect.hset(RedisScripts.ROOM_NODE, "garbled-owner", "ND_garbled");
      String cluster = "redis:\n  address: " + redis.address() + "\nnode_stats:\n  stats_update_interval: 500ms\n";
      try (OspreyServer a = TestServers.dev(cluster);
           ServerProcess doomed = ServerProcess.start(cluster)) {
        await("swept at start-up").atMost(Duration.ofSeconds(5)).until(() ->
            inspect.hget(RedisScripts.ROOM_NODE, "left-behind") == null
                && inspect.hget(RedisScripts.ROOM_NODE, "garbled-owner") == null);
        assertThat(logs.logged("routing: removed the placement of room left-behind on node ND_longgone, which is gone"))
            .isTrue();

        // rooms with live owners: one here, one on the node in its own process
        new TwirpClient(a).call("CreateRoom", CreateRoomRequest.newBuilder().setName("here").build(), "here",
            LivekitModels.Room.getDefaultInstance(), Map.of(NodeClient.FORWARDED_BY, "ND_test")).ok();
        new TwirpClient(doomed.baseUrl()).call("CreateRoom", CreateRoomRequest.newBuilder().setName("there").build(),
            "there", LivekitModels.Room.getDefaultInstance(), Map.of(NodeClient.FORWARDED_BY, "ND_test")).ok();
        assertThat(inspect.hget(RedisScripts.ROOM_NODE, "there")).isEqualTo(doomed.nodeId());

        doomed.kill();
        long killed = System.nanoTime();
        // a periodic sweep (every 5 beats of 500 ms) removes it once the entry has expired (5 s), not before
        await("swept once its node's entry expired").atMost(Duration.ofSeconds(15))
            .pollInterval(Duration.ofMillis(100))
            .until(() -> inspect.hget(RedisScripts.ROOM_NODE, "there") == null);
        long ms = (System.nanoTime() - killed) / 1_000_000;
        System.err.println("measured: placement of a killed node swept " + ms + " ms after the kill");
        assertThat(ms).as("not while its entry was live").isGreaterThanOrEqualTo(4_000);
        assertThat(logs.logged("routing: removed the placement of room there on node " + doomed.nodeId()
            + ", which is gone")).isTrue();
        assertThat(inspect.hget(RedisScripts.ROOM_NODE, "here")).as("a live owner's placement stays")
            .isEqualTo(a.router().nodeId());
      }
      client.shutdown();
    }
  }
}
