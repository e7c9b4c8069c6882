package io.osprey.e2e.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.osprey.sdk.api.RoomServiceClient;
import io.osprey.sdk.room.DataKind;
import io.osprey.sdk.room.DataOptions;
import io.osprey.sdk.room.LocalTrack;
import io.osprey.sdk.room.RemoteParticipant;
import io.osprey.sdk.room.RemoteTrack;
import io.osprey.sdk.room.RemoteTrackPublication;
import io.osprey.sdk.room.Room;
import io.osprey.sdk.room.RoomListener;
import io.osprey.sdk.room.RoomOptions;
import io.osprey.sdk.room.TrackSink;
import io.osprey.server.OspreyServer;
import io.osprey.server.config.ConfigLoader;
import io.osprey.server.config.ServerOptions;
import io.osprey.testkit.MediaFixtures;
import io.osprey.testkit.RedisServerProcess;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Two Osprey nodes sharing a real redis-server: alice joins through node A, which comes to own
 * the room; bob joins through node B, whose signal connection is relayed to A. Bob's VP8 file
 * reaches alice frame by frame, alice's reliable messages reach bob in order, and ListRooms on
 * either node shows the room once with both participants.
 */
class MultiNodeSdkTest {

  private static OspreyServer node(RedisServerProcess redis) throws Exception {
    ServerOptions o = new ServerOptions();
    new CommandLine(o).parseArgs("--dev", "--bind", "127.0.0.1", "--config-body", "port: 0\nrtc:\n  udp_port: 0\n"
        + "  tcp_port: 0\nredis:\n  address: " + redis.address() + "\n");
    return OspreyServer.start(new ConfigLoader(k -> null).load(o).config(), InstantSource.system());
  }

  private static String url(OspreyServer node) {
    return "ws://127.0.0.1:" + node.httpAddresses().get(0).getPort();
  }

  @Test
  void participantsOnTwoNodesShareOneRoom() throws Exception {
    AtomicLong frames = new AtomicLong();
    List<String> messages = new CopyOnWriteArrayList<>();
    RoomListener aliceListener = new RoomListener() {
      @Override
      public void onTrackSubscribed(RemoteTrack track, RemoteTrackPublication pub, RemoteParticipant p) {
        track.addSink(new TrackSink() {
          @Override
          public void onFrame(byte[] frame, long rtpTimestamp, boolean keyFrame) {
            frames.incrementAndGet();
          }
        });
      }
    };
    RoomListener bobListener = new RoomListener() {
      @Override
      public void onDataReceived(byte[] data, RemoteParticipant from, DataKind kind, String topic) {
        messages.add((from == null ? "?" : from.identity()) + ":" + new String(data, StandardCharsets.UTF_8));
      }
    };
    try (RedisServerProcess redis = RedisServerProcess.start();
         OspreyServer a = node(redis);
         OspreyServer b = node(redis);
         Room alice = Room.connect(url(a), "devkey", "secret", "across", "alice", RoomOptions.defaults(), aliceListener);
         Room bob = Room.connect(url(b), "devkey", "secret", "across", "bob", RoomOptions.defaults(), bobListener)) {
      await().atMost(Duration.ofSeconds(10)).until(() -> alice.participant("bob").isPresent()
          && bob.participant("alice").isPresent());
      bob.localParticipant().publishTrack(LocalTrack.fromFile(MediaFixtures.vp8Ivf(),
          LocalTrack.Options.defaults().withLoop(true))).get(10, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(15)).alias("bob's video reaches alice across nodes")
          .until(() -> frames.get() > 60);
      for (int i = 0; i < 100; i++) {
        alice.localParticipant().publishData(("m" + i).getBytes(StandardCharsets.UTF_8), DataOptions.reliable());
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> messages.size() == 100);
      for (int i = 0; i < 100; i++) {
        assertThat(messages.get(i)).isEqualTo("alice:m" + i);
      }
      for (OspreyServer node : List.of(a, b)) {
        RoomServiceClient rooms = new RoomServiceClient(url(node), "devkey", "secret");
        var listed = rooms.listRooms(List.of());
        assertThat(listed).as("listed once on every node").hasSize(1);
        assertThat(listed.get(0).getName()).isEqualTo("across");
        assertThat(rooms.listParticipants("across")).extracting(p -> p.getIdentity())
            .containsExactlyInAnyOrder("alice", "bob");
      }
    }
  }

  /**
   * The node that owns a room shuts down gracefully (as on SIGTERM): both participants are asked
   * to rejoin (a leave with action RECONNECT naming the surviving node, not a dropped connection);
   * the one whose signal came through the other node is back in a working room, re-homed on the
   * surviving node, within 5 s, and the one connected to the owner directly follows the leave there.
   */
  @Test
  void theOwningNodeShuttingDownHandsItsParticipantsToAnother() throws Exception {
    java.util.Map<String, java.util.concurrent.atomic.AtomicInteger> reconnecting = new java.util.concurrent.ConcurrentHashMap<>();
    java.util.Map<String, java.util.concurrent.atomic.AtomicInteger> reconnected = new java.util.concurrent.ConcurrentHashMap<>();
    java.util.function.Function<String, RoomListener> counting = name -> {
      reconnecting.put(name, new java.util.concurrent.atomic.AtomicInteger());
      reconnected.put(name, new java.util.concurrent.atomic.AtomicInteger());
      return new RoomListener() {
        @Override
        public void onReconnecting() {
          reconnecting.get(name).incrementAndGet();
        }

        @Override
        public void onReconnected() {
          reconnected.get(name).incrementAndGet();
        }
      };
    };
    try (RedisServerProcess redis = RedisServerProcess.start();
         OspreyServer a = node(redis);
         OspreyServer b = node(redis);
         Room alice = Room.connect(url(a), "devkey", "secret", "handover", "alice",
             RoomOptions.defaults().withMaxReconnects(1), counting.apply("alice"));
         Room bob = Room.connect(url(b), "devkey", "secret", "handover", "bob",
             RoomOptions.defaults().withMaxReconnects(1), counting.apply("bob"))) {
      await().atMost(Duration.ofSeconds(10)).until(() -> bob.participant("alice").isPresent());
      // the node selector placed the room on either node; the other one relays its participant there
      boolean aOwns = a.rooms().get("handover").isPresent();
      OspreyServer owner = aOwns ? a : b;
      OspreyServer survivor = aOwns ? b : a;
      String direct = aOwns ? "alice" : "bob";
      String relayed = aOwns ? "bob" : "alice";
      Room relayedRoom = aOwns ? bob : alice;
      long shutdownAt = System.nanoTime();
      owner.close(); // what the SIGTERM hook runs
      await().atMost(Duration.ofSeconds(5)).alias(relayed + " rejoins through the surviving node")
          .until(() -> reconnected.get(relayed).get() == 1 && relayedRoom.state() == Room.State.CONNECTED);
      System.out.printf("%s back in a working room %d ms after the owning node began shutting down%n", relayed,
          (System.nanoTime() - shutdownAt) / 1_000_000);
      await().atMost(Duration.ofSeconds(5)).alias(direct + " was asked to rejoin, and did so at the node the leave named")
          .until(() -> reconnecting.get(direct).get() == 1 && reconnected.get(direct).get() == 1);
      assertThat(survivor.rooms().get("handover")).as("re-homed on the surviving node").isPresent();
      RoomServiceClient rooms = new RoomServiceClient(url(survivor), "devkey", "secret");
      await().atMost(Duration.ofSeconds(5)).until(() -> rooms.listParticipants("handover").size() == 2);
      assertThat(rooms.listParticipants("handover")).extracting(p -> p.getIdentity())
          .containsExactlyInAnyOrder(direct, relayed);
      relayedRoom.localParticipant().publishData("still here".getBytes(StandardCharsets.UTF_8),
          DataOptions.reliable()).get(5, TimeUnit.SECONDS);
    }
  }

  /**
   * livekit-client in Chromium joins through one node while the SDK participant it meets joined
   * through the other: the page decodes the SDK's video and receives its audio, and the SDK
   * receives the page's camera and microphone.
   */
  @Test
  void aBrowserOnOneNodeMeetsAnSdkParticipantOnTheOther() throws Exception {
    java.util.Map<String, AtomicLong> framesFromWeb = new java.util.concurrent.ConcurrentHashMap<>();
    RoomListener counting = new RoomListener() {
      @Override
      public void onTrackSubscribed(RemoteTrack track, RemoteTrackPublication pub, RemoteParticipant p) {
        AtomicLong n = framesFromWeb.computeIfAbsent(track.mimeType(), k -> new AtomicLong());
        track.addSink(new TrackSink() {
          @Override
          public void onFrame(byte[] frame, long rtpTimestamp, boolean keyFrame) {
            n.incrementAndGet();
          }
        });
      }
    };
    try (RedisServerProcess redis = RedisServerProcess.start();
         OspreyServer a = node(redis);
         OspreyServer b = node(redis);
         Room sdk = Room.connect(url(a), "devkey", "secret", "mixed", "sdk", RoomOptions.defaults(), counting)) {
      sdk.localParticipant().publishTrack(LocalTrack.fromFile(MediaFixtures.vp8Ivf(),
          LocalTrack.Options.defaults().withLoop(true))).get(10, TimeUnit.SECONDS);
      sdk.localParticipant().publishTrack(LocalTrack.fromFile(MediaFixtures.opusOgg(),
          LocalTrack.Options.defaults().withLoop(true))).get(10, TimeUnit.SECONDS);
      com.google.protobuf.Struct report = io.osprey.protocol.json.ProtoJson.parseObject(
          io.osprey.e2e.NodeScripts.run("rtc/sdk.mjs", 120, url(b), "devkey", "secret", "mixed", "4000"));
      System.out.println("cross-node browser report: " + io.osprey.protocol.json.ProtoJson.compact(report));
      var r = report.getFieldsMap();
      assertThat(r).as("%s", report).doesNotContainKey("error");
      var fromSdk = r.get("fromSdk").getStructValue().getFieldsMap();
      assertThat(fromSdk.get("video").getStructValue().getFieldsMap().get("framesDecoded").getNumberValue())
          .as("the page decodes the SDK's video across nodes: %s", report).isGreaterThan(60);
      assertThat(fromSdk.get("audio").getStructValue().getFieldsMap().get("samples").getNumberValue())
          .as("and receives its audio: %s", report).isGreaterThan(96000);
      assertThat(framesFromWeb.keySet()).as("the SDK received the page's camera and microphone")
          .containsExactlyInAnyOrder("video/VP8", "audio/opus");
      assertThat(framesFromWeb.values()).allMatch(n -> n.get() > 20);
    }
  }
}
