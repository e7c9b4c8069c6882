package io.osprey.e2e.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.osprey.protocol.livekit.LivekitModels.TrackSource;
import io.osprey.protocol.livekit.LivekitModels.TrackType;
import io.osprey.sdk.room.DataKind;
import io.osprey.sdk.room.DataOptions;
import io.osprey.sdk.room.LocalTrack;
import io.osprey.sdk.room.LocalTrackPublication;
import io.osprey.sdk.room.RemoteParticipant;
import io.osprey.sdk.room.RemoteTrack;
import io.osprey.sdk.room.RemoteTrackPublication;
import io.osprey.sdk.room.Room;
import io.osprey.sdk.room.RoomListener;
import io.osprey.sdk.room.RoomOptions;
import io.osprey.sdk.room.TrackRecorder;
import io.osprey.server.OspreyServer;
import io.osprey.server.config.ConfigLoader;
import io.osprey.server.config.ServerOptions;
import io.osprey.testkit.MediaFixtures;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Two Osprey SDK participants in one Osprey room: one publishes a VP8 IVF file and an Ogg Opus
 * file made by ffmpeg, the other subscribes and records them, and the recordings must be what was
 * sent (codec, frame count, duration, as ffprobe reads them), paced as the files' timestamps say.
 * Then the two exchange 10,000 reliable messages (none lost, in order) and lossy ones.
 */
class SdkRoomTest {
  private OspreyServer server;
  private String url;

  @BeforeEach
  void start() throws Exception {
    ServerOptions o = new ServerOptions();
    new CommandLine(o).parseArgs("--dev", "--bind", "127.0.0.1", "--config-body", "port: 0\nrtc:\n  udp_port: 0\n  tcp_port: 0\n");
    server = OspreyServer.start(new ConfigLoader(k -> null).load(o).config(), InstantSource.system());
    url = "ws://127.0.0.1:" + server.httpAddresses().get(0).getPort();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void filesPublishedByOneParticipantAreRecordedByAnother(@TempDir Path dir) throws Exception {
    Path ivf = MediaFixtures.vp8Ivf();
    Path ogg = MediaFixtures.opusOgg();
    Map<String, TrackRecorder> recorders = new ConcurrentHashMap<>();
    List<String> events = new CopyOnWriteArrayList<>();
    RoomListener recording = new RoomListener() {
      @Override
      public void onTrackSubscribed(RemoteTrack track, RemoteTrackPublication pub, RemoteParticipant p) {
        events.add("subscribed " + p.identity() + " " + track.mimeType());
        try {
          recorders.put(track.mimeType(), track.record(dir.resolve(track.kind() == TrackType.VIDEO ? "video.ivf" : "audio.ogg")));
        } catch (java.io.IOException e) {
          events.add("record failed " + e);
        }
      }

      @Override
      public void onParticipantConnected(RemoteParticipant p) {
        events.add("connected " + p.identity());
      }
    };
    try (Room bob = Room.connect(url, "devkey", "secret", "files", "bob", RoomOptions.defaults(), recording);
         Room alice = Room.connect(url, "devkey", "secret", "files", "alice", RoomOptions.defaults(), new RoomListener() {})) {
      LocalTrack video = LocalTrack.fromFile(ivf, LocalTrack.Options.defaults().withName("camera").withSource(TrackSource.CAMERA));
      LocalTrack audio = LocalTrack.fromFile(ogg, LocalTrack.Options.defaults().withName("mic").withSource(TrackSource.MICROPHONE));
      LocalTrackPublication vpub = alice.localParticipant().publishTrack(video).get(10, TimeUnit.SECONDS);
      LocalTrackPublication apub = alice.localParticipant().publishTrack(audio).get(10, TimeUnit.SECONDS);
      assertThat(vpub.sid()).startsWith("TR_");
      assertThat(apub.kind()).isEqualTo(TrackType.AUDIO);

      video.completion().get(20, TimeUnit.SECONDS);
      audio.completion().get(20, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(5)).until(() -> recorders.size() == 2);
      Thread.sleep(500); // the last packets in flight
      recorders.values().forEach(TrackRecorder::close);
      System.out.println("events: " + events + "; video " + video.stats() + "; audio " + audio.stats());

      LocalTrack.Stats vs = video.stats();
      assertThat(vs.samples()).isEqualTo(150);
      double drift = Math.abs(vs.sendDuration().toNanos() - vs.mediaDuration().toNanos()) / (double) vs.mediaDuration().toNanos();
      assertThat(drift).as("paced as the file's timestamps: %s", vs).isLessThan(0.01);
      int packetsInFile = 0;
      try (var reader = io.osprey.sdk.media.ogg.OggOpusReader.open(ogg)) {
        while (reader.next() != null) {
          packetsInFile++;
        }
      }
      assertThat(audio.stats().samples()).isEqualTo(packetsInFile);

      String probeVideo = MediaFixtures.ffprobe(dir.resolve("video.ivf"), "-count_frames", "-show_streams");
      assertThat(probeVideo).contains("\"codec_name\": \"vp8\"").contains("\"width\": 640");
      int frames = Integer.parseInt(probeVideo.replaceAll("(?s).*\"nb_read_frames\": \"(\\d+)\".*", "$1"));
      // from the first key frame bob received on: the file has one every 60 frames, and bob's section may
      // have been negotiated after the first had left (a file cannot answer a PLI with a new one)
      assertThat(frames).as("every frame from a key frame on: %s", probeVideo).isIn(150, 90, 30);
      String probeAudio = MediaFixtures.ffprobe(dir.resolve("audio.ogg"), "-show_format", "-show_streams");
      assertThat(probeAudio).contains("\"codec_name\": \"opus\"");
      double seconds = Double.parseDouble(probeAudio.replaceAll("(?s).*\"format\".*?\"duration\": \"([0-9.]+)\".*", "$1"));
      assertThat(seconds).as("%s", probeAudio).isBetween(4.8, 5.1);
    }
  }

  /** VP9 and AV1 IVF files go through the SFU and are recorded again: ffprobe reads the codec, size and every frame. */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"vp9", "av1"})
  void vp9AndAv1FilesAreRecordedFrameForFrame(String codec, @TempDir Path dir) throws Exception {
    Path ivf = codec.equals("vp9") ? MediaFixtures.vp9Ivf() : MediaFixtures.av1Ivf();
    Map<String, TrackRecorder> recorders = new ConcurrentHashMap<>();
    RoomListener recording = new RoomListener() {
      @Override
      public void onTrackSubscribed(RemoteTrack track, RemoteTrackPublication pub, RemoteParticipant p) {
        try {
          recorders.put(track.mimeType(), track.record(dir.resolve("video.ivf")));
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
    };
    try (Room bob = Room.connect(url, "devkey", "secret", codec, "bob", RoomOptions.defaults(), recording);
         Room alice = Room.connect(url, "devkey", "secret", codec, "alice", RoomOptions.defaults(), new RoomListener() {})) {
      LocalTrack video = LocalTrack.fromFile(ivf, LocalTrack.Options.defaults().withName("camera"));
      alice.localParticipant().publishTrack(video).get(10, TimeUnit.SECONDS);
      video.completion().get(20, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(5)).until(() -> recorders.size() == 1);
      Thread.sleep(500); // the last packets in flight
      assertThat(recorders).containsOnlyKeys("video/" + codec.toUpperCase(java.util.Locale.ROOT));
      recorders.values().forEach(TrackRecorder::close);
      String probe = MediaFixtures.ffprobe(dir.resolve("video.ivf"), "-count_frames", "-show_streams");
      assertThat(probe).contains("\"codec_name\": \"" + codec + "\"").contains("\"width\": 640").contains("\"height\": 360");
      int frames = Integer.parseInt(probe.replaceAll("(?s).*\"nb_read_frames\": \"(\\d+)\".*", "$1"));
      assertThat(frames).as("every frame from a key frame on: %s", probe).isIn(150, 90, 30);
    }
  }

  @Test
  void tenThousandReliableMessagesArriveInOrder() throws Exception {
    List<Integer> reliable = new CopyOnWriteArrayList<>();
    AtomicInteger lossy = new AtomicInteger();
    List<String> senders = new CopyOnWriteArrayList<>();
    RoomListener receiver = new RoomListener() {
      @Override
      public void onDataReceived(byte[] data, RemoteParticipant from, DataKind kind, String topic) {
        if (kind == DataKind.RELIABLE && topic.equals("seq")) {
          reliable.add(ByteBuffer.wrap(data).getInt());
        } else if (kind == DataKind.LOSSY) {
          lossy.incrementAndGet();
        }
        if (senders.isEmpty()) {
          senders.add(from == null ? "server" : from.identity());
        }
      }
    };
    try (Room alice = Room.connect(url, "devkey", "secret", "data", "alice", RoomOptions.defaults(), receiver);
         Room bob = Room.connect(url, "devkey", "secret", "data", "bob", RoomOptions.defaults(), new RoomListener() {})) {
      await().atMost(Duration.ofSeconds(5)).until(() -> bob.participant("alice").isPresent()
          && alice.participant("bob").isPresent());
      DataOptions seq = DataOptions.reliable().withTopic("seq").to("alice");
      java.util.concurrent.CompletableFuture<Void> last = null;
      for (int i = 0; i < 10_000; i++) {
        last = bob.localParticipant().publishData(ByteBuffer.allocate(64).putInt(0, i).array(), seq);
      }
      last.get(10, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(30)).until(() -> reliable.size() >= 10_000);
      assertThat(reliable).hasSize(10_000);
      for (int i = 0; i < 10_000; i++) {
        assertThat(reliable.get(i)).isEqualTo(i);
      }
      assertThat(senders).containsExactly("bob");
      // lossy: unordered, never retransmitted; on an idle loopback nearly all arrive
      for (int i = 0; i < 100; i++) {
        bob.localParticipant().publishData(new byte[32], DataOptions.lossy());
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> lossy.get() >= 90);
    }
  }

  /**
   * A publisher that loses its connection in each of the ways livekit's SDKs rehearse recovers and
   * its subscriber receives frames again each time: its own signal drop and a server-initiated
   * resume (forced ICE restart) are resumed (the same session, its media connection kept with ICE
   * restarted, nothing republished); a node failure, a
   * server leave and a full-reconnect request end the session, so it rejoins and republishes.
   */
  @Test
  void aPublisherRecoversFromEachKindOfFailureAndKeepsPublishing() throws Exception {
    java.util.concurrent.atomic.AtomicLong frames = new java.util.concurrent.atomic.AtomicLong();
    List<String> bobEvents = new CopyOnWriteArrayList<>();
    RoomListener counting = new RoomListener() {
      @Override
      public void onTrackSubscribed(RemoteTrack track, RemoteTrackPublication pub, RemoteParticipant p) {
        bobEvents.add("subscribed " + track.sid());
        track.addSink(new io.osprey.sdk.room.TrackSink() {
          @Override
          public void onFrame(byte[] frame, long rtpTimestamp, boolean keyFrame) {
            frames.incrementAndGet();
          }
        });
      }
    };
    AtomicInteger reconnecting = new AtomicInteger();
    AtomicInteger reconnected = new AtomicInteger();
    RoomListener aliceEvents = new RoomListener() {
      @Override
      public void onReconnecting() {
        reconnecting.incrementAndGet();
      }

      @Override
      public void onReconnected() {
        reconnected.incrementAndGet();
      }
    };
    try (Room bob = Room.connect(url, "devkey", "secret", "rejoin", "bob", RoomOptions.defaults(), counting);
         Room alice = Room.connect(url, "devkey", "secret", "rejoin", "alice", RoomOptions.defaults(), aliceEvents)) {
      LocalTrack video = LocalTrack.fromFile(MediaFixtures.vp8Ivf(), LocalTrack.Options.defaults().withLoop(true));
      alice.localParticipant().publishTrack(video).get(10, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(10)).until(() -> frames.get() > 30);
      int round = 0;
      for (Room.Simulation failure : Room.Simulation.values()) {
        round++;
        int expected = round;
        String sid = alice.localParticipant().sid();
        int subscriptions = bobEvents.size();
        alice.simulate(failure);
        await().atMost(Duration.ofSeconds(15)).alias(failure + ": rejoined").until(() -> reconnected.get() == expected);
        assertThat(alice.state()).isEqualTo(Room.State.CONNECTED);
        if (failure == Room.Simulation.SIGNAL_DROP || failure == Room.Simulation.ICE_RESTART) {
          assertThat(alice.localParticipant().sid()).as("resumed: the same session").isEqualTo(sid);
          assertThat(bobEvents).as("nothing republished").hasSize(subscriptions);
        } else {
          assertThat(alice.localParticipant().sid()).as(failure + ": a new session").isNotEqualTo(sid);
        }
        long before = frames.get();
        await().atMost(Duration.ofSeconds(15)).alias(failure + ": bob sees frames again " + bobEvents)
            .until(() -> frames.get() > before + 30);
      }
      assertThat(reconnecting.get()).isEqualTo(Room.Simulation.values().length);
      assertThat(alice.localParticipant().trackPublications()).hasSize(1);
      System.out.println("bob: " + bobEvents);
    }
  }

  /** A subscriber turns a track off and on again with setSubscribed, and asks for it at a size. */
  @Test
  void aSubscriberUnsubscribesAndSubscribesAgain() throws Exception {
    List<String> events = new CopyOnWriteArrayList<>();
    java.util.concurrent.atomic.AtomicLong frames = new java.util.concurrent.atomic.AtomicLong();
    RoomListener bobListener = new RoomListener() {
      @Override
      public void onTrackSubscribed(RemoteTrack track, RemoteTrackPublication pub, RemoteParticipant p) {
        events.add("subscribed");
        track.addSink(new io.osprey.sdk.room.TrackSink() {
          @Override
          public void onFrame(byte[] frame, long rtpTimestamp, boolean keyFrame) {
            frames.incrementAndGet();
          }
        });
      }

      @Override
      public void onTrackUnsubscribed(RemoteTrack track, RemoteTrackPublication pub, RemoteParticipant p) {
        events.add("unsubscribed");
      }
    };
    try (Room alice = Room.connect(url, "devkey", "secret", "toggle", "alice", RoomOptions.defaults(), new RoomListener() {});
         Room bob = Room.connect(url, "devkey", "secret", "toggle", "bob", RoomOptions.defaults(), bobListener)) {
      alice.localParticipant().publishTrack(LocalTrack.fromFile(MediaFixtures.vp8Ivf(),
          LocalTrack.Options.defaults().withLoop(true))).get(10, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(10)).until(() -> frames.get() > 30);
      RemoteTrackPublication pub = bob.participant("alice").orElseThrow().trackPublications().iterator().next();
      pub.setVideoDimensions(320, 180); // one layer published: it keeps flowing
      pub.setSubscribed(false);
      await().atMost(Duration.ofSeconds(10)).until(() -> events.contains("unsubscribed"));
      assertThat(pub.subscribed()).isFalse();
      long stopped = frames.get();
      Thread.sleep(500);
      assertThat(frames.get() - stopped).as("nothing arrives while unsubscribed").isLessThanOrEqualTo(2);
      pub.setSubscribed(true);
      await().atMost(Duration.ofSeconds(10)).until(() -> frames.get() > stopped + 30);
      assertThat(events).containsExactly("subscribed", "unsubscribed", "subscribed");
    }
  }
}
