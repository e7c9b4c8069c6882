package io.osprey.e2e.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.osprey.protocol.livekit.LivekitRoom.CreateRoomRequest;
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
import io.osprey.testkit.MediaFixtures;
import io.osprey.testkit.RedisServerProcess;
import io.osprey.testkit.ServerProcess;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * redis-server and two Osprey nodes, each its own process on loopback: carol joins through node
 * B and reaches the room node A owns (her signal relayed, her media straight to A), dave joins on
 * A. Each receives the other's video frame by frame and the other's reliable messages in order,
 * and ListRooms on either node shows the room once with both of them.
 */
class CrossNodeProcessTest {
  private static final String ROOM = "across-processes";

  private static RoomListener receiving(Map<String, AtomicLong> frames, List<String> messages) {
    return new RoomListener() {
      @Override
      public void onTrackSubscribed(RemoteTrack track, RemoteTrackPublication pub, RemoteParticipant p) {
        AtomicLong n = frames.computeIfAbsent(p.identity(), k -> new AtomicLong());
        track.addSink(new TrackSink() {
          @Override
          public void onFrame(byte[] frame, long rtpTimestamp, boolean keyFrame) {
            n.incrementAndGet();
          }
        });
      }

      @Override
      public void onDataReceived(byte[] data, RemoteParticipant from, DataKind kind, String topic) {
        messages.add((from == null ? "?" : from.identity()) + ":" + new String(data, StandardCharsets.UTF_8));
      }
    };
  }

  @Test
  void aParticipantJoiningThroughOneNodeExchangesMediaAndDataWithOneOnTheOwner() throws Exception {
    Map<String, AtomicLong> framesAtCarol = new ConcurrentHashMap<>();
    Map<String, AtomicLong> framesAtDave = new ConcurrentHashMap<>();
    List<String> toCarol = new CopyOnWriteArrayList<>();
    List<String> toDave = new CopyOnWriteArrayList<>();
    String cluster = "redis:\n  address: ";
    try (RedisServerProcess redis = RedisServerProcess.start();
         ServerProcess a = ServerProcess.start(cluster + redis.address() + "\n")) {
      // created while A is the only node, so A owns it
      new RoomServiceClient(a.baseUrl(), "devkey", "secret").createRoom(CreateRoomRequest.newBuilder().setName(ROOM).build());
      try (ServerProcess b = ServerProcess.start(cluster + redis.address() + "\n");
           Room dave = Room.connect(a.wsUrl(), "devkey", "secret", ROOM, "dave", RoomOptions.defaults(),
               receiving(framesAtDave, toDave));
           Room carol = Room.connect(b.wsUrl(), "devkey", "secret", ROOM, "carol", RoomOptions.defaults(),
               receiving(framesAtCarol, toCarol))) {
        await().atMost(Duration.ofSeconds(10)).until(() -> dave.participant("carol").isPresent()
            && carol.participant("dave").isPresent());
        assertThat(b.logged("relayed to node " + a.nodeId())).as("carol's signal goes through B to A").isTrue();
        carol.localParticipant().publishTrack(LocalTrack.fromFile(MediaFixtures.vp8Ivf(),
            LocalTrack.Options.defaults().withLoop(true))).get(10, TimeUnit.SECONDS);
        dave.localParticipant().publishTrack(LocalTrack.fromFile(MediaFixtures.vp8Ivf(),
            LocalTrack.Options.defaults().withLoop(true))).get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(15)).alias("video both ways across the nodes").until(() ->
            framesAtDave.getOrDefault("carol", new AtomicLong()).get() > 60
                && framesAtCarol.getOrDefault("dave", new AtomicLong()).get() > 60);
        for (int i = 0; i < 100; i++) {
          carol.localParticipant().publishData(("c" + i).getBytes(StandardCharsets.UTF_8), DataOptions.reliable());
          dave.localParticipant().publishData(("d" + i).getBytes(StandardCharsets.UTF_8), DataOptions.reliable());
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> toDave.size() == 100 && toCarol.size() == 100);
        for (int i = 0; i < 100; i++) {
          assertThat(toDave.get(i)).isEqualTo("carol:c" + i);
          assertThat(toCarol.get(i)).isEqualTo("dave:d" + i);
        }
        for (ServerProcess node : List.of(a, b)) {
          RoomServiceClient rooms = new RoomServiceClient(node.baseUrl(), "devkey", "secret");
          assertThat(rooms.listRooms(List.of())).as("listed once on node %s", node.nodeId())
              .extracting(r -> r.getName()).containsExactly(ROOM);
          assertThat(rooms.listParticipants(ROOM)).extracting(p -> p.getIdentity())
              .containsExactlyInAnyOrder("carol", "dave");
        }
      }
    }
  }
}
