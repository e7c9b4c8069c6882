package io.osprey.server.routing;

import io.osprey.testkit.RedisServerProcess;
import io.osprey.testkit.ServerProcess;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.osprey.protocol.livekit.LivekitModels;
import io.osprey.protocol.livekit.LivekitRoom.CreateRoomRequest;
import io.osprey.protocol.livekit.LivekitRoom.ListRoomsRequest;
import io.osprey.protocol.livekit.LivekitRoom.ListRoomsResponse;
import io.osprey.protocol.livekit.LivekitRtc.SignalResponse;
import io.osprey.server.OspreyServer;
import io.osprey.server.TestServers;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A node killed with SIGKILL (its own process) leaves a registry entry nobody refreshes: its
 * relayed participants are closed with 1001 at once; until the entry expires, calls for its rooms
 * fail with a clear Twirp error naming it; then the next create takes the room over (re-homes it)
 * on a live node, and the participant rejoins there.
 */
class NodeFailureTest {

  @Test
  void theRoomsOfAKilledNodeAreRehomedByTheNextCreate() throws Exception {
    try (RedisServerProcess redis = RedisServerProcess.start();
         LogCapture logs = new LogCapture();
         OspreyServer a = TestServers.dev("redis:\n  address: " + redis.address() + "\n");
         ServerProcess doomed = ServerProcess.start("redis:\n  address: " + redis.address() + "\n");
         RedisClient client = RedisClient.create("redis://" + redis.address());
         StatefulRedisConnection<String, String> inspect = client.connect()) {
      String room = "orphaned";
      CreateRoomRequest create = CreateRoomRequest.newBuilder().setName(room).build();
      // placed on the doomed node by name (the forwarded form claims the room for the node it reaches)
      LivekitModels.Room original = new TwirpClient(doomed.baseUrl()).call("CreateRoom", create, room,
          LivekitModels.Room.getDefaultInstance(), Map.of(NodeClient.FORWARDED_BY, "ND_test")).ok();
      assertThat(inspect.sync().hget("osprey:room_node", room)).isEqualTo(doomed.nodeId());
      assertThat(new TwirpClient(a).call("ListRooms", ListRoomsRequest.getDefaultInstance(), room,
          ListRoomsResponse.getDefaultInstance()).ok().getRoomsList()).extracting(LivekitModels.Room::getSid)
          .containsExactly(original.getSid());

      // a participant of that room who joined through the surviving node (relayed to the doomed one)
      SignalClient grace = SignalClient.join(a.httpAddresses().get(0).getPort(), room, "grace");
      assertThat(grace.next(SignalResponse::hasJoin).getJoin().getServerInfo().getNodeId()).isEqualTo(doomed.nodeId());

      doomed.kill();
      long killed = System.nanoTime();
      // a clean failure for the relayed participant: a close with 1001 (going away), not a silent hang
      assertThat(grace.closed.get(5, TimeUnit.SECONDS)).isEqualTo(1001);
      // its entry is still live for up to 5 s: the owner is tried, and the error says which node is unreachable
      var meanwhile = new TwirpClient(a).call("CreateRoom", create, room, LivekitModels.Room.getDefaultInstance());
      assertThat(meanwhile.status()).isEqualTo(503);
      assertThat(meanwhile.error()).contains("\"code\":\"unavailable\"", doomed.nodeId(), "unreachable");
      AtomicReference<LivekitModels.Room> rehomed = new AtomicReference<>();
      await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> {
        var answer = new TwirpClient(a).call("CreateRoom", create, room, LivekitModels.Room.getDefaultInstance());
        rehomed.set(answer.status() == 200 ? answer.message() : null);
        return rehomed.get() != null;
      });
      long ms = (System.nanoTime() - killed) / 1_000_000;
      System.err.println("measured: room re-homed " + ms + " ms after its node was killed");
      assertThat(ms).as("the entry expires 5 s after the last heartbeat").isLessThan(8_000);
      assertThat(rehomed.get().getSid()).as("a new room, created on a live node").isNotEqualTo(original.getSid());
      assertThat(a.rooms().get(room)).isPresent();
      assertThat(inspect.sync().hget("osprey:room_node", room)).isEqualTo(a.router().nodeId());
      assertThat(logs.logged("room orphaned re-homed from node " + doomed.nodeId() + ", which is gone, to node "
          + a.router().nodeId())).isTrue();
      assertThat(new TwirpClient(a).call("ListRooms", ListRoomsRequest.getDefaultInstance(), room,
          ListRoomsResponse.getDefaultInstance()).ok().getRoomsList()).extracting(LivekitModels.Room::getSid)
          .containsExactly(rehomed.get().getSid());
      // and the participant rejoins through the surviving node, into the re-homed room
      try (SignalClient again = SignalClient.join(a.httpAddresses().get(0).getPort(), room, "grace")) {
        assertThat(again.next(SignalResponse::hasJoin).getJoin().getServerInfo().getNodeId())
            .isEqualTo(a.router().nodeId());
      }
      client.shutdown();
    }
  }
}
