package io.osprey.e2e.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.osprey.protocol.livekit.LivekitModels;
import io.osprey.protocol.livekit.LivekitModels.Room;
import io.osprey.protocol.livekit.LivekitRoom.CreateRoomRequest;
import io.osprey.sdk.api.RoomServiceClient;
import io.osprey.sdk.api.TwirpError;
import io.osprey.server.OspreyServer;
import io.osprey.server.config.ConfigLoader;
import io.osprey.server.config.ServerOptions;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The SDK's RoomServiceClient against a running Osprey: every method, and its typed errors, the
 * steps livekit-server-sdk (Node) is driven through in {@code LiveKitServerSdkInteropTest}; then
 * the same methods acting on live SDK participants, and the webhooks verified by the SDK's
 * WebhookReceiver.
 */
class RoomServiceClientTest {
  private static OspreyServer server;
  private static String url;

  @BeforeAll
  static void start() throws Exception {
    ServerOptions o = new ServerOptions();
    new CommandLine(o).parseArgs("--dev", "--bind", "127.0.0.1", "--config-body", "port: 0\nrtc:\n  udp_port: 0\n  tcp_port: 0\n");
    server = OspreyServer.start(new ConfigLoader(k -> null).load(o).config(), InstantSource.system());
    url = "http://127.0.0.1:" + server.httpAddresses().get(0).getPort();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static String codeOf(ThrowingCall call) {
    try {
      call.run();
      return "ok";
    } catch (TwirpError e) {
      return e.code();
    }
  }

  @FunctionalInterface
  private interface ThrowingCall {
    void run() throws TwirpError;
  }

  @Test
  void managesRoomsAndReportsTypedErrors() throws Exception {
    RoomServiceClient client = new RoomServiceClient(url, "devkey", "secret");
    Room room = client.createRoom(CreateRoomRequest.newBuilder().setName("sdk-room").setMaxParticipants(3).build());
    assertThat(room.getSid()).startsWith("RM_");
    assertThat(client.listRooms(List.of())).extracting(Room::getName).contains("sdk-room");
    assertThat(client.createRoomAsync(CreateRoomRequest.newBuilder().setName("sdk-async").build()).get().getName())
        .isEqualTo("sdk-async");
    assertThat(client.listRooms(List.of("sdk-async"))).extracting(Room::getName).containsExactly("sdk-async");
    assertThat(client.updateRoomMetadata("sdk-room", "meta").getMetadata()).isEqualTo("meta");
    assertThat(client.listParticipants("sdk-room")).isEmpty();
    assertThat(codeOf(() -> client.getParticipant("sdk-room", "nobody"))).isEqualTo("not_found");
    assertThat(codeOf(() -> client.removeParticipant("sdk-room", "nobody"))).isEqualTo("not_found");
    assertThat(codeOf(() -> client.mutePublishedTrack("sdk-room", "nobody", "TR_x", true))).isEqualTo("not_found");
    assertThat(codeOf(() -> client.updateSubscriptions("sdk-room", "nobody", List.of("TR_x"), true))).isEqualTo("not_found");
    assertThat(codeOf(() -> client.updateParticipant(io.osprey.protocol.livekit.LivekitRoom.UpdateParticipantRequest
        .newBuilder().setRoom("sdk-room").setIdentity("nobody").setMetadata("m").build()))).isEqualTo("not_found");
    assertThat(codeOf(() -> client.sendData("sdk-room", new byte[] {1, 2}, LivekitModels.DataPacket.Kind.RELIABLE,
        List.of(), "topic"))).isEqualTo("ok");
    client.deleteRoom("sdk-room");
    TwirpError gone = org.junit.jupiter.api.Assertions.assertThrows(TwirpError.class, () -> client.deleteRoom("sdk-room"));
    assertThat(gone.code()).isEqualTo("not_found");
    assertThat(gone.status()).isEqualTo(404);
    assertThat(gone.getMessage()).isEqualTo("requested room does not exist");
  }

  @Test
  void saysClearlyWhenTheSecretIsWrongOrTheServerIsDown() throws Exception {
    TwirpError badKey = org.junit.jupiter.api.Assertions.assertThrows(TwirpError.class,
        () -> new RoomServiceClient(url, "devkey", "wrong").listRooms(List.of()));
    assertThat(badKey.code()).isEqualTo("unauthenticated");
    assertThat(badKey.status()).isEqualTo(401);
    assertThat(badKey.getMessage()).contains("signature");

    int closedPort;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    assertThatThrownBy(() -> new RoomServiceClient("ws://127.0.0.1:" + closedPort, "devkey", "secret").listRooms(List.of()))
        .isInstanceOf(TwirpError.class).hasMessageContaining("cannot reach").hasMessageContaining("connection refused");
  }

  /**
   * RoomService acting on a live room of two SDK participants: listing, metadata, name and
   * attributes, muting a published track, unsubscribing and subscribing again, data to one
   * identity, room metadata, removing one participant and deleting the room, each seen by the
   * participants; and every webhook Osprey sent for it verified by WebhookReceiver.
   */
  @Test
  void actsOnLiveParticipantsAndItsWebhooksVerify() throws Exception {
    List<io.osprey.protocol.livekit.LivekitWebhook.WebhookEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<String> rejected = new java.util.concurrent.CopyOnWriteArrayList<>();
    var receiver = new io.osprey.protocol.webhook.WebhookReceiver(
        io.osprey.protocol.auth.KeyProvider.of(java.util.Map.of("devkey", "secret")));
    com.sun.net.httpserver.HttpServer hooks = com.sun.net.httpserver.HttpServer.create(
        new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    hooks.createContext("/", exchange -> {
      try {
        events.add(receiver.receive(exchange.getRequestBody().readAllBytes(),
            exchange.getRequestHeaders().getFirst("Authorization")));
        exchange.sendResponseHeaders(200, -1);
      } catch (io.osprey.protocol.webhook.WebhookException e) {
        rejected.add(e.getMessage());
        exchange.sendResponseHeaders(401, -1);
      }
      exchange.close();
    });
    hooks.start();
    ServerOptions o = new ServerOptions();
    new CommandLine(o).parseArgs("--dev", "--bind", "127.0.0.1", "--config-body",
        "port: 0\nrtc:\n  udp_port: 0\n  tcp_port: 0\nwebhook:\n  api_key: devkey\n  urls: [\"http://127.0.0.1:"
            + hooks.getAddress().getPort() + "/\"]\n");
    List<String> bobSaw = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<String> aliceSaw = new java.util.concurrent.CopyOnWriteArrayList<>();
    var bobListener = new io.osprey.sdk.room.RoomListener() {
      @Override
      public void onTrackSubscribed(io.osprey.sdk.room.RemoteTrack t, io.osprey.sdk.room.RemoteTrackPublication pub,
                                    io.osprey.sdk.room.RemoteParticipant p) {
        bobSaw.add("subscribed " + p.identity());
      }

      @Override
      public void onTrackUnsubscribed(io.osprey.sdk.room.RemoteTrack t, io.osprey.sdk.room.RemoteTrackPublication pub,
                                      io.osprey.sdk.room.RemoteParticipant p) {
        bobSaw.add("unsubscribed " + p.identity());
      }

      @Override
      public void onTrackMuted(io.osprey.sdk.room.TrackPublication pub, io.osprey.sdk.room.Participant p) {
        bobSaw.add("muted " + p.identity());
      }

      @Override
      public void onMetadataChanged(String old, io.osprey.sdk.room.Participant p) {
        bobSaw.add("metadata " + p.identity() + " " + p.metadata());
      }

      @Override
      public void onNameChanged(String old, io.osprey.sdk.room.Participant p) {
        bobSaw.add("name " + p.identity() + " " + p.name());
      }

      @Override
      public void onAttributesChanged(java.util.Map<String, String> changed, io.osprey.sdk.room.Participant p) {
        bobSaw.add("attributes " + p.identity() + " " + changed);
      }

      @Override
      public void onDataReceived(byte[] data, io.osprey.sdk.room.RemoteParticipant from, io.osprey.sdk.room.DataKind kind,
                                 String topic) {
        bobSaw.add("data " + new String(data, java.nio.charset.StandardCharsets.UTF_8) + " " + topic);
      }

      @Override
      public void onRoomMetadataChanged(String metadata) {
        bobSaw.add("room " + metadata);
      }

      @Override
      public void onDisconnected(LivekitModels.DisconnectReason reason) {
        bobSaw.add("disconnected " + reason);
      }
    };
    var aliceListener = new io.osprey.sdk.room.RoomListener() {
      @Override
      public void onParticipantConnected(io.osprey.sdk.room.RemoteParticipant p) {
        aliceSaw.add("joined " + p.identity());
      }

      @Override
      public void onParticipantDisconnected(io.osprey.sdk.room.RemoteParticipant p) {
        aliceSaw.add("left " + p.identity());
      }

      @Override
      public void onDataReceived(byte[] data, io.osprey.sdk.room.RemoteParticipant from, io.osprey.sdk.room.DataKind kind,
                                 String topic) {
        aliceSaw.add("data " + topic);
      }

      @Override
      public void onDisconnected(LivekitModels.DisconnectReason reason) {
        aliceSaw.add("disconnected " + reason);
      }
    };
    try (OspreyServer live = OspreyServer.start(new ConfigLoader(k -> null).load(o).config(), InstantSource.system())) {
      String http = "http://127.0.0.1:" + live.httpAddresses().get(0).getPort();
      RoomServiceClient client = new RoomServiceClient(http, "devkey", "secret");
      var options = io.osprey.sdk.room.RoomOptions.defaults();
      try (var alice = io.osprey.sdk.room.Room.connect(http, "devkey", "secret", "live", "alice", options, aliceListener);
           var bob = io.osprey.sdk.room.Room.connect(http, "devkey", "secret", "live", "bob", options, bobListener)) {
        var video = io.osprey.sdk.room.LocalTrack.fromSource(io.osprey.sdk.media.SyntheticSource.video(300_000, 30, 30),
            io.osprey.sdk.room.LocalTrack.Options.defaults().withName("camera"));
        String trackSid = alice.localParticipant().publishTrack(video).get(10, java.util.concurrent.TimeUnit.SECONDS).sid();
        waitFor(() -> bobSaw.contains("subscribed alice"), "bob subscribed to alice: " + bobSaw);

        assertThat(client.listParticipants("live")).extracting(LivekitModels.ParticipantInfo::getIdentity)
            .containsExactlyInAnyOrder("alice", "bob");
        assertThat(client.getParticipant("live", "alice").getTracksList()).extracting(LivekitModels.TrackInfo::getSid)
            .containsExactly(trackSid);

        LivekitModels.ParticipantInfo updated = client.updateParticipant(
            io.osprey.protocol.livekit.LivekitRoom.UpdateParticipantRequest.newBuilder().setRoom("live")
                .setIdentity("alice").setMetadata("m1").setName("Alice").putAttributes("role", "host").build());
        assertThat(updated.getMetadata()).isEqualTo("m1");
        waitFor(() -> bobSaw.contains("metadata alice m1") && bobSaw.contains("name alice Alice")
            && bobSaw.stream().anyMatch(e -> e.startsWith("attributes alice") && e.contains("role=host")),
            "bob sees alice's metadata, name and attributes: " + bobSaw);

        assertThat(client.mutePublishedTrack("live", "alice", trackSid, true).getMuted()).isTrue();
        waitFor(() -> bobSaw.contains("muted alice"), "bob sees the mute: " + bobSaw);

        client.updateSubscriptions("live", "bob", List.of(trackSid), false);
        waitFor(() -> bobSaw.contains("unsubscribed alice"), "bob unsubscribed by the API: " + bobSaw);
        client.updateSubscriptions("live", "bob", List.of(trackSid), true);
        waitFor(() -> bobSaw.stream().filter("subscribed alice"::equals).count() == 2, "and subscribed again: " + bobSaw);

        client.sendData("live", "to bob".getBytes(java.nio.charset.StandardCharsets.UTF_8),
            LivekitModels.DataPacket.Kind.RELIABLE, List.of("bob"), "server");
        client.updateRoomMetadata("live", "room-meta");
        waitFor(() -> bobSaw.contains("data to bob server") && bobSaw.contains("room room-meta"),
            "bob gets the data and the room metadata: " + bobSaw);

        // a subscriber's arrival reaches the others with the room's next batch of updates (within a second)
        waitFor(() -> aliceSaw.contains("joined bob"), "alice sees bob arrive: " + aliceSaw);
        client.removeParticipant("live", "bob");
        waitFor(() -> bobSaw.contains("disconnected PARTICIPANT_REMOVED") && aliceSaw.contains("left bob"),
            "bob removed, alice sees him go: bob " + bobSaw + ", alice " + aliceSaw);
        assertThat(aliceSaw).as("the data was for bob only").doesNotContain("data server");

        client.deleteRoom("live");
        waitFor(() -> aliceSaw.contains("disconnected ROOM_DELETED"), "alice told the room is gone: " + aliceSaw);
      }
      waitFor(() -> events.stream().anyMatch(e -> e.getEvent().equals("room_finished")), "room_finished: " + events);
      assertThat(rejected).as("every webhook verifies").isEmpty();
      assertThat(events).extracting(e -> e.getEvent() + (e.hasParticipant() ? " " + e.getParticipant().getIdentity() : ""))
          .contains("room_started", "participant_joined alice", "participant_joined bob", "track_published alice",
              "participant_left bob", "room_finished");
      assertThat(events).allSatisfy(e -> assertThat(e.getId()).startsWith("EV_"));
    } finally {
      hooks.stop(0);
    }
  }

  private static void waitFor(java.util.function.BooleanSupplier done, String what) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 10 s: " + what);
      }
      Thread.sleep(50);
    }
  }
}
