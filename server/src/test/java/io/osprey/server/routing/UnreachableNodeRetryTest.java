package io.osprey.server.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.osprey.protocol.livekit.LivekitModels;
import io.osprey.protocol.livekit.LivekitRoom.CreateRoomRequest;
import io.osprey.protocol.livekit.LivekitRtc.SignalResponse;
import io.osprey.server.OspreyServer;
import io.osprey.server.TestServers;
import io.osprey.testkit.RedisServerProcess;
import io.osprey.testkit.ServerProcess;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The node selector picks a node whose registry entry is still live but which cannot be reached
 * (killed with SIGKILL a moment ago): the join's relay, or the create's forwarding, cannot connect,
 * so that node is left out and the room placed on another, and the caller never sees the failure.
 * With {@code sort_by: rooms}, the killed node (no rooms) is the selector's first choice, so both
 * paths are certainly exercised.
 */
class UnreachableNodeRetryTest {

  @Test
  void aJoinAndACreateArePlacedOnAnotherNodeWhenTheChosenOneIsUnreachable() throws Exception {
    try (RedisServerProcess redis = RedisServerProcess.start();
         LogCapture logs = new LogCapture();
         RedisClient client = RedisClient.create("redis://" + redis.address());
         StatefulRedisConnection<String, String> connection = client.connect()) {
      RedisCommands<String, String> inspect = connection.sync();
      String cluster = "redis:\n  address: " + redis.address() + "\nnode_selector:\n  sort_by: rooms\n"
          + "node_stats:\n  stats_update_interval: 500ms\n";
      try (OspreyServer a = TestServers.dev(cluster);
           OspreyServer b = TestServers.dev(cluster);
           ServerProcess doomed = ServerProcess.start(cluster)) {
        // A and B host a room each, so the doomed node (none) is the least loaded
        for (OspreyServer node : new OspreyServer[] {a, b}) {
          String room = "busy-" + node.router().nodeId();
          new TwirpClient(node).call("CreateRoom", CreateRoomRequest.newBuilder().setName(room).build(), room,
              LivekitModels.Room.getDefaultInstance(), Map.of(NodeClient.FORWARDED_BY, "ND_test")).ok();
        }
        await().atMost(Duration.ofSeconds(5)).until(() ->
            inspect.get(RedisScripts.nodeKey(a.router().nodeId())).contains("\"rooms\":1")
                && inspect.get(RedisScripts.nodeKey(b.router().nodeId())).contains("\"rooms\":1"));

        doomed.kill();
        assertThat(inspect.exists(RedisScripts.nodeKey(doomed.nodeId()))).as("its entry is still live").isEqualTo(1);

        // a join through A: the doomed node is chosen, the relay cannot connect, the room goes elsewhere
        try (SignalClient erin = SignalClient.join(a.httpAddresses().get(0).getPort(), "retry-join", "erin")) {
          String host = erin.next(SignalResponse::hasJoin).getJoin().getServerInfo().getNodeId();
          assertThat(host).isIn(a.router().nodeId(), b.router().nodeId());
          assertThat(inspect.hget(RedisScripts.ROOM_NODE, "retry-join")).isEqualTo(host);
        }
        // a create through B: the forwarded call cannot connect, the room is created elsewhere
        var created = new TwirpClient(b).call("CreateRoom", CreateRoomRequest.newBuilder().setName("retry-create")
            .build(), "retry-create", LivekitModels.Room.getDefaultInstance());
        assertThat(created.status()).as("%s", created.error()).isEqualTo(200);
        assertThat(inspect.hget(RedisScripts.ROOM_NODE, "retry-create"))
            .isIn(a.router().nodeId(), b.router().nodeId());
        assertThat(inspect.exists(RedisScripts.nodeKey(doomed.nodeId())))
            .as("all this while the killed node's entry was live").isEqualTo(1);
        for (String room : new String[] {"retry-join", "retry-create"}) {
          assertThat(logs.logged("routing: node " + doomed.nodeId() + ", chosen for room " + room
              + ", is unreachable; placing the room on another node")).as(room).isTrue();
        }
      }
      client.shutdown();
    }
  }
}
