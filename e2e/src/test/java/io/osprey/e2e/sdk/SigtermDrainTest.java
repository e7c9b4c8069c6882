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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM to the node that owns a room, with redis-server and both nodes as separate processes
 * and a steady stream of reliable data between two SDK participants (alice on the owning node,
 * bob relayed through the other), drains without dropping a message in flight.
 *
 * <p>In flight, precisely: a message is in flight if alice's SDK handed it to the old connection
 * (its publish future completed on the room's loop) before the drain's leave reached her; every
 * such message reaches bob exactly once and in order. The messages she publishes after the leave,
 * while rejoining, are held by her SDK and sent once she is back: they too reach bob, exactly
 * once, after the others. Afterwards both are in the room re-homed on the surviving node, and
 * media and data flow there.
 */
class SigtermDrainTest {
  private static final int MESSAGES = 800; // 4 s at 200 a second
  private static final String ROOM = "drained";

  @Test
  void sigtermDrainsWithoutDroppingAMessageInFlight() throws Exception {
    List<Integer> received = new CopyOnWriteArrayList<>();
    AtomicLong framesAtBob = new AtomicLong();
    AtomicReferenceArray<CompletableFuture<Void>> sent = new AtomicReferenceArray<>(MESSAGES);
    AtomicInteger handedToOldConnection = new AtomicInteger(-1);
    AtomicInteger aliceReconnected = new AtomicInteger();
    AtomicInteger publishedBeforeBack = new AtomicInteger(-1);
    AtomicInteger bobReconnected = new AtomicInteger();
    RoomListener alice = new RoomListener() {
      @Override
      public void onReconnecting() {
        // on alice's loop, where publish futures complete: those done now went to the old connection
        int n = 0;
        while (n < MESSAGES && sent.get(n) != null && sent.get(n).isDone()) {
          n++;
        }
        handedToOldConnection.compareAndSet(-1, n);
      }

      @Override
      public void onReconnected() {
        int n = 0;
        while (n < MESSAGES && sent.get(n) != null) {
          n++;
        }
        publishedBeforeBack.compareAndSet(-1, n);
        aliceReconnected.incrementAndGet();
      }
    };
    RoomListener bob = new RoomListener() {
      @Override
      public void onDataReceived(byte[] data, RemoteParticipant from, DataKind kind, String topic) {
        received.add(Integer.parseInt(new String(data, StandardCharsets.UTF_8)));
      }

      @Override
      public void onTrackSubscribed(RemoteTrack track, RemoteTrackPublication pub, RemoteParticipant p) {
        track.addSink(new TrackSink() {
          @Override
          public void onFrame(byte[] frame, long rtpTimestamp, boolean keyFrame) {
            framesAtBob.incrementAndGet();
          }
        });
      }

      @Override
      public void onReconnected() {
        bobReconnected.incrementAndGet();
      }
    };
    String cluster = "redis:\n  address: ";
    try (RedisServerProcess redis = RedisServerProcess.start();
         ServerProcess owner = ServerProcess.start(cluster + redis.address() + "\n")) {
      // created while the owner is the only node, so it is placed there
      new RoomServiceClient(owner.baseUrl(), "devkey", "secret")
          .createRoom(CreateRoomRequest.newBuilder().setName(ROOM).build());
      try (ServerProcess survivor = ServerProcess.start(cluster + redis.address() + "\n");
           Room a = Room.connect(owner.wsUrl(), "devkey", "secret", ROOM, "alice", RoomOptions.defaults(), alice);
           Room b = Room.connect(survivor.wsUrl(), "devkey", "secret", ROOM, "bob", RoomOptions.defaults(), bob)) {
        await().atMost(Duration.ofSeconds(10)).until(() -> b.participant("alice").isPresent());
        assertThat(survivor.logged("relayed to node " + owner.nodeId())).as("bob's signal is relayed to the owner")
            .isTrue();
        a.localParticipant().publishTrack(LocalTrack.fromFile(MediaFixtures.vp8Ivf(),
            LocalTrack.Options.defaults().withLoop(true))).get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).alias("alice's video reaches bob").until(() -> framesAtBob.get() > 30);

        Thread sender = Thread.ofPlatform().name("alice-sender").start(() -> {
          long start = System.nanoTime();
          for (int i = 0; i < MESSAGES; i++) {
            long due = start + i * 5_000_000L; // 200 a second
            java.util.concurrent.locks.LockSupport.parkNanos(due - System.nanoTime());
            sent.set(i, a.localParticipant().publishData(Integer.toString(i).getBytes(StandardCharsets.UTF_8),
                DataOptions.reliable()));
          }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> received.size() >= 200); // a second of the stream
        long sigterm = System.nanoTime();
        int exit = owner.terminate(Duration.ofSeconds(30));
        long drainedMs = (System.nanoTime() - sigterm) / 1_000_000;
        sender.join(Duration.ofSeconds(30));
        await().atMost(Duration.ofSeconds(10)).until(() -> publishedBeforeBack.get() >= 0);
        System.out.printf("owner exited %d, %d ms after SIGTERM; %d messages had gone to the old connection, %d were"
            + " published while alice was rejoining%n", exit, drainedMs, handedToOldConnection.get(),
            publishedBeforeBack.get() - handedToOldConnection.get());

        // every message published reached bob exactly once, in order: the in-flight ones first
        await().atMost(Duration.ofSeconds(15)).alias("all messages reach bob").until(() -> received.size() >= MESSAGES);
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < MESSAGES; i++) {
          expected.add(i);
        }
        assertThat(received).as("exactly once and in order").isEqualTo(expected);
        for (int i = 0; i < MESSAGES; i++) {
          assertThat(sent.get(i)).as("message %d was published", i).isNotNull();
          assertThat(sent.get(i).get(5, TimeUnit.SECONDS)).isNull(); // sent, none failed
        }
        int inFlight = handedToOldConnection.get();
        assertThat(inFlight).as("the drain began mid-stream").isBetween(200, MESSAGES - 1);
        assertThat(publishedBeforeBack.get()).as("messages were published while alice was rejoining (held, then sent)")
            .isGreaterThan(inFlight);

        String log = owner.log();
        assertThat(log).contains("routing: node " + owner.nodeId() + " is shutting_down",
            "withdrew its placement of 1 rooms ([" + ROOM + "])",
            "drain: stopped accepting joins; asked 2 participants in 1 rooms to rejoin elsewhere [" + survivor.wsUrl() + "]",
            "alice: done sending, rejoining elsewhere", "bob: done sending, rejoining elsewhere",
            "drain: nothing in flight after", "routing: node " + owner.nodeId() + " left the cluster");
        assertThat(exit).as("exited by SIGTERM after its shutdown hook").isEqualTo(143);

        // both are in the room re-homed on the survivor, and media and data flow there
        await().atMost(Duration.ofSeconds(10)).until(() -> aliceReconnected.get() == 1 && bobReconnected.get() == 1
            && a.state() == Room.State.CONNECTED && b.state() == Room.State.CONNECTED);
        RoomServiceClient rooms = new RoomServiceClient(survivor.baseUrl(), "devkey", "secret");
        await().atMost(Duration.ofSeconds(5)).until(() -> rooms.listParticipants(ROOM).size() == 2);
        assertThat(rooms.listParticipants(ROOM)).extracting(p -> p.getIdentity())
            .containsExactlyInAnyOrder("alice", "bob");
        assertThat(rooms.listRooms(List.of())).extracting(r -> r.getName()).containsExactly(ROOM);
        long framesBefore = framesAtBob.get();
        await().atMost(Duration.ofSeconds(10)).alias("alice's republished video reaches bob on the survivor")
            .until(() -> framesAtBob.get() > framesBefore + 30);
        a.localParticipant().publishData("800".getBytes(StandardCharsets.UTF_8), DataOptions.reliable())
            .get(5, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == MESSAGES + 1);
        assertThat(received.get(MESSAGES)).isEqualTo(MESSAGES);
      }
    }
  }
}
