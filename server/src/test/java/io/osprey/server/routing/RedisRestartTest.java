package io.osprey.server.routing;

import io.osprey.testkit.RedisServerProcess;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.osprey.protocol.livekit.LivekitModels;
import io.osprey.protocol.livekit.LivekitRoom.CreateRoomRequest;
import io.osprey.protocol.livekit.LivekitRoom.ListRoomsRequest;
import io.osprey.protocol.livekit.LivekitRoom.ListRoomsResponse;
import io.osprey.server.OspreyServer;
import io.osprey.server.TestServers;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Redis goes away in the middle of a session and comes back empty (no persistence): the nodes
 * keep their rooms, say so in clear log lines, reconnect, re-register, and rebuild the placement
 * and listing from what they host.
 */
class RedisRestartTest {
  private static final java.net.http.HttpClient HTTP = java.net.http.HttpClient.newHttpClient();

  private static int health(OspreyServer node) throws Exception {
    return HTTP.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
        "http://127.0.0.1:" + node.httpAddresses().get(0).getPort() + "/")).build(),
        java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  @Test
  void nodesReconnectReregisterAndReclaimTheirRoomsAfterARedisRestart() throws Exception {
    try (RedisServerProcess redis = RedisServerProcess.start();
         LogCapture logs = new LogCapture();
         OspreyServer a = TestServers.dev("redis:\n  address: " + redis.address() + "\n");
         OspreyServer b = TestServers.dev("redis:\n  address: " + redis.address() + "\n")) {
      String room = "survivor";
      new TwirpClient(a).call("CreateRoom", CreateRoomRequest.newBuilder().setName(room).setMetadata("kept").build(),
          room, LivekitModels.Room.getDefaultInstance()).ok();
      OspreyServer owner = a.rooms().get(room).isPresent() ? a : b;
      OspreyServer other = owner == a ? b : a;

      redis.stop();
      await().atMost(Duration.ofSeconds(10)).until(() -> logs.logged("redis: connection to", "lost; reconnecting"));
      await().atMost(Duration.ofSeconds(10)).until(() -> logs.logged("node registry: cannot write node"));
      // calls that need Redis fail with a clear Twirp error; the node keeps serving and keeps its room
      var during = new TwirpClient(other).call("ListRooms", ListRoomsRequest.getDefaultInstance(), room,
          ListRoomsResponse.getDefaultInstance());
      assertThat(during.status()).isEqualTo(503);
      assertThat(during.error()).contains("\"code\":\"unavailable\"", "Redis is unavailable");
      assertThat(owner.rooms().get(room)).isPresent();
      // and the health check tells load balancers once the node's entry is 4 s old, as livekit-server does
      await().atMost(Duration.ofSeconds(10)).until(() -> health(a) == 406 && health(b) == 406);

      long restarted = System.nanoTime();
      redis.restart();
      try (RedisClient client = RedisClient.create("redis://" + redis.address());
           StatefulRedisConnection<String, String> c = client.connect()) {
        await().atMost(Duration.ofSeconds(15)).until(() ->
            c.sync().exists("osprey:node:" + a.router().nodeId(), "osprey:node:" + b.router().nodeId()) == 2
                && owner.router().nodeId().equals(c.sync().hget("osprey:room_node", room)));
        long ms = (System.nanoTime() - restarted) / 1_000_000;
        System.err.println("measured: both nodes re-registered and the room re-claimed " + ms + " ms after Redis restarted");
        client.shutdown();
      }
      assertThat(health(a)).isEqualTo(200);
      assertThat(health(b)).isEqualTo(200);
      assertThat(logs.logged("redis: connected to")).isTrue();
      assertThat(logs.logged("node", "registered again")).isTrue();
      ListRoomsResponse after = new TwirpClient(other).call("ListRooms", ListRoomsRequest.getDefaultInstance(), room,
          ListRoomsResponse.getDefaultInstance()).ok();
      assertThat(after.getRoomsList()).filteredOn(r -> r.getName().equals(room))
          .extracting(LivekitModels.Room::getMetadata).containsExactly("kept");
    }
  }
}
