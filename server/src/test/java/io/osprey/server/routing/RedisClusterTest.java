package io.osprey.server.routing;

import io.osprey.testkit.RedisServerProcess;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.osprey.protocol.json.ProtoJson;
import io.osprey.protocol.livekit.LivekitModels;
import com.google.protobuf.ByteString;
import io.osprey.protocol.livekit.LivekitModels.ParticipantInfo;
import io.osprey.protocol.livekit.LivekitRoom.CreateRoomRequest;
import io.osprey.protocol.livekit.LivekitRoom.ListParticipantsRequest;
import io.osprey.protocol.livekit.LivekitRoom.ListParticipantsResponse;
import io.osprey.protocol.livekit.LivekitRoom.MuteRoomTrackRequest;
import io.osprey.protocol.livekit.LivekitRoom.MuteRoomTrackResponse;
import io.osprey.protocol.livekit.LivekitRoom.RemoveParticipantResponse;
import io.osprey.protocol.livekit.LivekitRoom.RoomParticipantIdentity;
import io.osprey.protocol.livekit.LivekitRoom.SendDataRequest;
import io.osprey.protocol.livekit.LivekitRoom.SendDataResponse;
import io.osprey.protocol.livekit.LivekitRoom.UpdateParticipantRequest;
import io.osprey.protocol.livekit.LivekitRoom.UpdateRoomMetadataRequest;
import io.osprey.protocol.livekit.LivekitRoom.UpdateSubscriptionsRequest;
import io.osprey.protocol.livekit.LivekitRoom.UpdateSubscriptionsResponse;
import io.osprey.protocol.livekit.LivekitRtc.SignalResponse;
import io.osprey.protocol.livekit.LivekitRoom.DeleteRoomRequest;
import io.osprey.protocol.livekit.LivekitRoom.DeleteRoomResponse;
import io.osprey.protocol.livekit.LivekitRoom.ListRoomsRequest;
import io.osprey.protocol.livekit.LivekitRoom.ListRoomsResponse;
import io.osprey.protocol.livekit.LivekitWebhook.WebhookEvent;
import io.osprey.server.OspreyServer;
import io.osprey.server.TestServers;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two nodes in one JVM (each its own ports and node id, loopback) sharing one real redis-server:
 * placement, listing across nodes, RoomService calls on the non-owner, racing creates, webhooks
 * from the owner only.
 */
class RedisClusterTest {
  private static RedisServerProcess redis;
  private static OspreyServer a;
  private static OspreyServer b;
  private static HttpServer hooks;
  private static final List<WebhookEvent> events = new CopyOnWriteArrayList<>();
  private static RedisClient inspector;
  private static StatefulRedisConnection<String, String> inspection;
  private static final AtomicInteger rooms = new AtomicInteger();

  @BeforeAll
  static void start() throws Exception {
    redis = RedisServerProcess.start();
    hooks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    hooks.createContext("/", exchange -> {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      try {
        events.add(ProtoJson.parse(body, WebhookEvent.newBuilder()).build());
      } catch (Exception e) {
        throw new java.io.IOException(e);
      }
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    hooks.start();
    a = node();
    b = node();
    inspector = RedisClient.create("redis://" + redis.address());
    inspection = inspector.connect();
  }

  static OspreyServer node() throws Exception {
    return TestServers.dev("redis:\n  address: " + redis.address() + "\n"
        + "webhook:\n  api_key: devkey\n  urls:\n    - http://127.0.0.1:" + hooks.getAddress().getPort() + "/\n");
  }

  @AfterAll
  static void stop() {
    if (inspection != null) {
      inspection.close();
      inspector.shutdown();
    }
    if (b != null) {
      b.close();
    }
    if (a != null) {
      a.close();
    }
    if (hooks != null) {
      hooks.stop(0);
    }
    if (redis != null) {
      redis.close();
    }
  }

  private static String newRoom(String what) {
    return what + "-" + rooms.incrementAndGet();
  }

  private static RedisCommands<String, String> redis() {
    return inspection.sync();
  }

  /** The node hosting {@code room} in its room manager, checking that exactly one does. */
  private static OspreyServer owner(String room) {
    List<OspreyServer> hosting = java.util.stream.Stream.of(a, b).filter(n -> n.rooms().get(room).isPresent()).toList();
    assertThat(hosting).as("nodes hosting " + room).hasSize(1);
    return hosting.get(0);
  }

  private static OspreyServer other(OspreyServer node) {
    return node == a ? b : a;
  }

  private static long listed(OspreyServer node, String room) {
    return new TwirpClient(node).call("ListRooms", ListRoomsRequest.getDefaultInstance(), room,
        ListRoomsResponse.getDefaultInstance()).ok().getRoomsList().stream().filter(r -> r.getName().equals(room)).count();
  }

  @Test
  void aRoomCreatedThroughOneNodeIsOwnedByOneAndListedOnceOnEach() {
    for (int i = 0; i < 6; i++) {
      String room = newRoom("placed");
      LivekitModels.Room created = new TwirpClient(b).call("CreateRoom",
          CreateRoomRequest.newBuilder().setName(room).setMetadata("m" + i).build(), room,
          LivekitModels.Room.getDefaultInstance()).ok();
      OspreyServer owner = owner(room);
      assertThat(owner.rooms().get(room).orElseThrow().snapshot().getSid()).isEqualTo(created.getSid());
      assertThat(redis().hget("osprey:room_node", room)).isEqualTo(owner.router().nodeId());
      assertThat(listed(a, room)).as("ListRooms on A").isEqualTo(1);
      assertThat(listed(b, room)).as("ListRooms on B").isEqualTo(1);
      // the filtered form reaches the other node's listing too
      ListRoomsResponse named = new TwirpClient(other(owner)).call("ListRooms",
          ListRoomsRequest.newBuilder().addNames(room).build(), room, ListRoomsResponse.getDefaultInstance()).ok();
      assertThat(named.getRoomsList()).extracting(LivekitModels.Room::getMetadata).containsExactly("m" + i);
    }
  }

  @Test
  void concurrentCreatesOfOneRoomFromTwoNodesEndWithOneOwner() throws Exception {
    var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      for (int i = 0; i < 40; i++) {
        String room = newRoom("race");
        var start = new java.util.concurrent.CyclicBarrier(2);
        var viaA = pool.submit(() -> {
          start.await();
          return new TwirpClient(a).call("CreateRoom", CreateRoomRequest.newBuilder().setName(room).build(), room,
              LivekitModels.Room.getDefaultInstance()).ok();
        });
        var viaB = pool.submit(() -> {
          start.await();
          return new TwirpClient(b).call("CreateRoom", CreateRoomRequest.newBuilder().setName(room).build(), room,
              LivekitModels.Room.getDefaultInstance()).ok();
        });
        String sidA = viaA.get().getSid();
        String sidB = viaB.get().getSid();
        assertThat(sidA).as("both creates answer with the same room").isEqualTo(sidB);
        OspreyServer owner = owner(room);
        assertThat(redis().hget("osprey:room_node", room)).isEqualTo(owner.router().nodeId());
        assertThat(listed(a, room)).isEqualTo(1);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void deleteThroughTheOtherNodeRemovesTheRoomEverywhere() {
    String room = newRoom("deleted");
    new TwirpClient(a).call("CreateRoom", CreateRoomRequest.newBuilder().setName(room).build(), room,
        LivekitModels.Room.getDefaultInstance()).ok();
    OspreyServer owner = owner(room);
    new TwirpClient(other(owner)).call("DeleteRoom", DeleteRoomRequest.newBuilder().setRoom(room).build(), room,
        DeleteRoomResponse.getDefaultInstance()).ok();
    assertThat(owner.rooms().get(room)).isEmpty();
    assertThat(listed(a, room)).isZero();
    assertThat(listed(b, room)).isZero();
    assertThat(redis().hget("osprey:room_node", room)).isNull();
    var again = new TwirpClient(other(owner)).call("DeleteRoom", DeleteRoomRequest.newBuilder().setRoom(room).build(),
        room, DeleteRoomResponse.getDefaultInstance());
    assertThat(again.status()).isEqualTo(404);
    assertThat(again.error()).isEqualTo("{\"code\":\"not_found\",\"msg\":\"requested room does not exist\"}");
  }

  @Test
  void webhooksGoOutFromTheOwningNodeOnly() {
    String room = newRoom("hooked");
    new TwirpClient(b).call("CreateRoom", CreateRoomRequest.newBuilder().setName(room).build(), room,
        LivekitModels.Room.getDefaultInstance()).ok();
    OspreyServer owner = owner(room);
    new TwirpClient(other(owner)).call("DeleteRoom", DeleteRoomRequest.newBuilder().setRoom(room).build(), room,
        DeleteRoomResponse.getDefaultInstance()).ok();
    await().atMost(Duration.ofSeconds(10)).until(() -> count(room, "room_finished") == 1);
    // and no second copy arrives from the other node
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
        .until(() -> count(room, "room_started") == 1 && count(room, "room_finished") == 1);
  }

  @Test
  void participantMethodsOnTheOtherNodeActOnTheOwner() throws Exception {
    String room = newRoom("people");
    new TwirpClient(b).call("CreateRoom", CreateRoomRequest.newBuilder().setName(room).build(), room,
        LivekitModels.Room.getDefaultInstance()).ok();
    OspreyServer owner = owner(room);
    TwirpClient elsewhere = new TwirpClient(other(owner));
    try (SignalClient alice = SignalClient.join(owner.httpAddresses().get(0).getPort(), room, "alice")) {
      alice.next(SignalResponse::hasJoin);
      var listed = elsewhere.call("ListParticipants", ListParticipantsRequest.newBuilder().setRoom(room).build(), room,
          ListParticipantsResponse.getDefaultInstance()).ok();
      assertThat(listed.getParticipantsList()).extracting(ParticipantInfo::getIdentity).containsExactly("alice");
      RoomParticipantIdentity who = RoomParticipantIdentity.newBuilder().setRoom(room).setIdentity("alice").build();
      assertThat(elsewhere.call("GetParticipant", who, room, ParticipantInfo.getDefaultInstance()).ok().getIdentity())
          .isEqualTo("alice");

      ParticipantInfo updated = elsewhere.call("UpdateParticipant", UpdateParticipantRequest.newBuilder().setRoom(room)
          .setIdentity("alice").setMetadata("from-the-other-node").build(), room, ParticipantInfo.getDefaultInstance()).ok();
      assertThat(updated.getMetadata()).isEqualTo("from-the-other-node");
      assertThat(alice.next(r -> r.hasUpdate()).getUpdate().getParticipants(0).getMetadata())
          .isEqualTo("from-the-other-node");

      var mute = elsewhere.call("MutePublishedTrack", MuteRoomTrackRequest.newBuilder().setRoom(room).setIdentity("alice")
          .setTrackSid("TR_none").setMuted(true).build(), room, MuteRoomTrackResponse.getDefaultInstance());
      assertThat(mute.status()).isEqualTo(404);
      assertThat(mute.error()).as("the owner's own error, passed on").contains("track is not found");
      elsewhere.call("UpdateSubscriptions", UpdateSubscriptionsRequest.newBuilder().setRoom(room).setIdentity("alice")
          .addTrackSids("TR_none").setSubscribe(true).build(), room, UpdateSubscriptionsResponse.getDefaultInstance()).ok();
      elsewhere.call("SendData", SendDataRequest.newBuilder().setRoom(room).setData(ByteString.copyFromUtf8("hi"))
          .setKind(LivekitModels.DataPacket.Kind.RELIABLE).build(), room, SendDataResponse.getDefaultInstance()).ok();
      LivekitModels.Room meta = elsewhere.call("UpdateRoomMetadata", UpdateRoomMetadataRequest.newBuilder()
          .setRoom(room).setMetadata("room-meta").build(), room, LivekitModels.Room.getDefaultInstance()).ok();
      assertThat(meta.getMetadata()).isEqualTo("room-meta");
      assertThat(alice.next(SignalResponse::hasRoomUpdate).getRoomUpdate().getRoom().getMetadata()).isEqualTo("room-meta");
      assertThat(new TwirpClient(owner).call("ListRooms", ListRoomsRequest.newBuilder().addNames(room).build(), room,
          ListRoomsResponse.getDefaultInstance()).ok().getRooms(0).getMetadata()).isEqualTo("room-meta");
      // the listing view on the other node follows the owner's change
      assertThat(elsewhere.call("ListRooms", ListRoomsRequest.newBuilder().addNames(room).build(), room,
          ListRoomsResponse.getDefaultInstance()).ok().getRooms(0).getMetadata()).isEqualTo("room-meta");

      elsewhere.call("RemoveParticipant", who, room, RemoveParticipantResponse.getDefaultInstance()).ok();
      assertThat(alice.next(SignalResponse::hasLeave).getLeave().getReason())
          .isEqualTo(LivekitModels.DisconnectReason.PARTICIPANT_REMOVED);
      assertThat(elsewhere.call("ListParticipants", ListParticipantsRequest.newBuilder().setRoom(room).build(), room,
          ListParticipantsResponse.getDefaultInstance()).ok().getParticipantsList()).isEmpty();
      var gone = elsewhere.call("GetParticipant", who, room, ParticipantInfo.getDefaultInstance());
      assertThat(gone.status()).isEqualTo(404);
      assertThat(gone.error()).contains("participant does not exist");
    }
  }

  @Test
  void aRoomNobodyHostsIsNotFoundOnEveryNode() {
    String room = newRoom("nowhere");
    for (OspreyServer node : List.of(a, b)) {
      var answer = new TwirpClient(node).call("ListParticipants", ListParticipantsRequest.newBuilder().setRoom(room)
          .build(), room, ListParticipantsResponse.getDefaultInstance());
      assertThat(answer.status()).isEqualTo(404);
      assertThat(answer.error()).isEqualTo("{\"code\":\"not_found\",\"msg\":\"requested room does not exist\"}");
    }
  }

  private static int count(String room, String event) {
    return (int) events.stream().filter(e -> e.getEvent().equals(event) && e.getRoom().getName().equals(room)).count();
  }
}
