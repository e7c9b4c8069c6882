package io.osprey.server.routing;

import io.osprey.testkit.RedisServerProcess;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.osprey.protocol.livekit.LivekitModels;
import io.osprey.protocol.livekit.LivekitRoom.CreateRoomRequest;
import io.osprey.protocol.livekit.LivekitRoom.RemoveParticipantResponse;
import io.osprey.protocol.livekit.LivekitRoom.RoomParticipantIdentity;
import io.osprey.protocol.livekit.LivekitRtc.Ping;
import io.osprey.protocol.livekit.LivekitRtc.SignalRequest;
import io.osprey.protocol.livekit.LivekitRtc.SignalResponse;
import io.osprey.server.OspreyServer;
import io.osprey.server.TestServers;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A participant's {@code /rtc} WebSocket landing on the node that does not host its room is
 * relayed to the owner and back: it joins the owner's room, its offers carry the owner's media
 * address, messages keep their order, bad ones are dropped with a log line by the owner, and the
 * owner's refusals reach it unchanged.
 */
class SignalRelayTest {
  private static RedisServerProcess redis;
  private static OspreyServer a;
  private static OspreyServer b;

  @BeforeAll
  static void start() throws Exception {
    redis = RedisServerProcess.start();
    a = TestServers.dev("redis:\n  address: " + redis.address() + "\n");
    b = TestServers.dev("redis:\n  address: " + redis.address() + "\n");
  }

  @AfterAll
  static void stop() {
    for (OspreyServer n : new OspreyServer[] {b, a}) {
      if (n != null) {
        n.close();
      }
    }
    if (redis != null) {
      redis.close();
    }
  }

  private static int port(OspreyServer node) {
    return node.httpAddresses().get(0).getPort();
  }

  private static OspreyServer create(String room, int maxParticipants) {
    new TwirpClient(a).call("CreateRoom", CreateRoomRequest.newBuilder().setName(room)
        .setMaxParticipants(maxParticipants).build(), room, LivekitModels.Room.getDefaultInstance()).ok();
    return a.rooms().get(room).isPresent() ? a : b;
  }

  @Test
  void aJoinThroughTheOtherNodeReachesTheOwnersRoomInOrder() throws Exception {
    String room = "relayed";
    OspreyServer owner = create(room, 0);
    OspreyServer elsewhere = owner == a ? b : a;
    try (LogCapture logs = new LogCapture();
         SignalClient alice = SignalClient.join(port(elsewhere), room, "alice")) {
      SignalResponse join = alice.next(SignalResponse::hasJoin);
      assertThat(join.getJoin().getRoom().getSid()).isEqualTo(owner.rooms().get(room).orElseThrow().snapshot().getSid());
      assertThat(join.getJoin().getServerInfo().getNodeId()).as("the node the participant lives on")
          .isEqualTo(owner.router().nodeId());
      assertThat(owner.rooms().get(room).orElseThrow().hasParticipant("alice")).isTrue();
      assertThat(elsewhere.rooms().get(room)).as("the relaying node hosts nothing").isEmpty();

      // the media goes straight to the owner: its offer names the owner's UDP port, not this node's
      String sdp = alice.next(SignalResponse::hasOffer).getOffer().getSdp();
      assertThat(sdp).contains(" " + owner.rtcAddress().getPort() + " typ host")
          .doesNotContain(" " + elsewhere.rtcAddress().getPort() + " typ host");

      for (int i = 1; i <= 200; i++) {
        alice.send(SignalRequest.newBuilder().setPingReq(Ping.newBuilder().setTimestamp(i)).build());
      }
      for (int i = 1; i <= 200; i++) {
        assertThat(alice.next(SignalResponse::hasPongResp).getPongResp().getLastPingTimestamp()).as("pong %d", i)
            .isEqualTo(i);
      }

      // a malformed message is dropped by the owner with a log line; the session goes on
      alice.sendRaw(new byte[] {(byte) 0xff, (byte) 0xff, 0x01, 0x02});
      await().atMost(Duration.ofSeconds(5)).until(() -> logs.logged("malformed signal message dropped"));
      alice.send(SignalRequest.newBuilder().setPingReq(Ping.newBuilder().setTimestamp(4242)).build());
      assertThat(alice.next(SignalResponse::hasPongResp).getPongResp().getLastPingTimestamp()).isEqualTo(4242);

      // a participant joining the owner directly is announced through the relay
      try (SignalClient bob = SignalClient.join(port(owner), room, "bob")) {
        bob.next(SignalResponse::hasJoin);
        assertThat(alice.next(r -> r.hasUpdate() && r.getUpdate().getParticipantsList().stream()
            .anyMatch(p -> p.getIdentity().equals("bob"))).getUpdate()).isNotNull();

        // removed through the relaying node's RoomService: told so over the relay, then closed
        new TwirpClient(elsewhere).call("RemoveParticipant", RoomParticipantIdentity.newBuilder().setRoom(room)
            .setIdentity("alice").build(), room, RemoveParticipantResponse.getDefaultInstance()).ok();
        assertThat(alice.next(SignalResponse::hasLeave).getLeave().getReason())
            .isEqualTo(LivekitModels.DisconnectReason.PARTICIPANT_REMOVED);
        assertThat(alice.closed.get(5, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(1000);
      }
    }
  }

  @Test
  void aSinglePeerConnectionJoinIsRelayedWithItsJoinRequest() throws Exception {
    String room = "relayed-v1";
    OspreyServer owner = create(room, 0);
    OspreyServer elsewhere = owner == a ? b : a;
    try (SignalClient frank = SignalClient.joinV1(port(elsewhere), room, "frank")) {
      SignalResponse join = frank.next(SignalResponse::hasJoin);
      assertThat(join.getJoin().getServerInfo().getNodeId()).isEqualTo(owner.router().nodeId());
      assertThat(owner.rooms().get(room).orElseThrow().hasParticipant("frank")).isTrue();
    }
  }

  @Test
  void aRelayedClientThatLeavesLeavesTheOwnersRoom() throws Exception {
    String room = "leaving";
    OspreyServer owner = create(room, 0);
    OspreyServer elsewhere = owner == a ? b : a;
    SignalClient carol = SignalClient.join(port(elsewhere), room, "carol");
    carol.next(SignalResponse::hasJoin);
    assertThat(owner.rooms().get(room).orElseThrow().hasParticipant("carol")).isTrue();
    carol.close();
    await().atMost(Duration.ofSeconds(5)).until(() -> !owner.rooms().get(room).orElseThrow().hasParticipant("carol"));
  }

  @Test
  void aJoinForANewRoomIsPlacedOnOneNodeAndRelayedThere() throws Exception {
    for (int i = 0; i < 6; i++) {
      String room = "fresh-" + i;
      OspreyServer via = i % 2 == 0 ? a : b;
      try (SignalClient dave = SignalClient.join(port(via), room, "dave")) {
        dave.next(SignalResponse::hasJoin);
        List<OspreyServer> hosting = List.of(a, b).stream().filter(n -> n.rooms().get(room).isPresent()).toList();
        assertThat(hosting).hasSize(1);
        assertThat(hosting.get(0).rooms().get(room).orElseThrow().hasParticipant("dave")).isTrue();
      }
    }
  }

  @Test
  void theOwnersRefusalReachesTheClientAsGiven() throws Exception {
    String room = "full";
    OspreyServer owner = create(room, 1);
    OspreyServer elsewhere = owner == a ? b : a;
    try (SignalClient first = SignalClient.join(port(owner), room, "first")) {
      first.next(SignalResponse::hasJoin);
      assertThatThrownBy(() -> SignalClient.join(port(elsewhere), room, "second"))
          .isInstanceOf(CompletionException.class)
          .cause().isInstanceOf(WebSocketHandshakeException.class)
          .satisfies(e -> assertThat(((WebSocketHandshakeException) e).getResponse().statusCode()).isEqualTo(500));
    }
  }

  @Test
  void aJoinForARoomOnAnUnreachableNodeIsRefusedWith503() throws Exception {
    RedisClient client = RedisClient.create("redis://" + redis.address());
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      String ghost = new NodeInfo("ND_gone", java.net.URI.create("http://127.0.0.1:1"), "127.0.0.1", "",
          NodeState.SHUTTING_DOWN, new NodeStats(1, 0, 0, 0, System.currentTimeMillis()), "x").toJson();
      c.sync().set("osprey:node:ND_gone", ghost, SetArgs.Builder.px(60_000));
      c.sync().hset("osprey:room_node", "stranded", "ND_gone");
      assertThatThrownBy(() -> SignalClient.join(port(a), "stranded", "erin"))
          .cause().isInstanceOf(WebSocketHandshakeException.class)
          .satisfies(e -> {
            var response = ((WebSocketHandshakeException) e).getResponse();
            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(String.valueOf(response.body())).contains("ND_gone", "unreachable");
          });
      c.sync().del("osprey:node:ND_gone");
    } finally {
      client.shutdown();
    }
  }
}
