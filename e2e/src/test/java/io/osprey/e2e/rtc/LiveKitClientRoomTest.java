package io.osprey.e2e.rtc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.sun.net.httpserver.HttpServer;
import io.osprey.e2e.NodeScripts;
import io.osprey.protocol.json.ProtoJson;
import io.osprey.server.OspreyServer;
import io.osprey.server.config.ConfigLoader;
import io.osprey.server.config.ServerOptions;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/**
 * The JavaScript SDK most LiveKit users run, unchanged: livekit-client from npm in two headless
 * Chromium pages joins one room on Osprey, over {@code /rtc/v1} (one peer connection, the
 * default) or the legacy {@code /rtc} (two),
 * publishes fake camera and microphone (one layer, or livekit-client's default simulcast layers,
 * of which the SFU forwards one and switches at key frames), and each page must decode the other's video and audio,
 * receive the other's data message with sender and topic, see the other among the active
 * speakers (a steady tone as microphone), see a mute and an unpublished camera, and see the other
 * leave; and livekit-server-sdk's RoomService acts on the live room (data to one participant,
 * listing, removing one);
 * the webhooks must tell the same story.
 */
class LiveKitClientRoomTest {

  @ParameterizedTest(name = "{0}, simulcast {1}, {2}")
  @CsvSource({"v1, true, vp8", "v1, false, vp8", "v0, true, vp8", "v1, false, h264", "v1, false, av1", "v0, false, av1"})
  void twoBrowsersSeeHearAndMessageEachOther(String path, boolean simulcast, String codec) throws Exception {
    run(path, simulcast, 0, codec);
  }

  /**
   * A resume: alice's signal connection drops (livekit-client's {@code signal-reconnect}). She
   * comes back as the same participant on the same peer connections, whose ICE restarts with new
   * credentials (v0: the server re-offers the subscriber connection, the client the publisher
   * one; v1: the client's one connection); video flows both ways again, data both ways, and
   * nobody, neither bob nor the webhooks, sees her leave.
   */
  @ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"v1", "v0"})
  void aDroppedSignalConnectionResumesTheSameSession(String path) throws Exception {
    List<String> webhooks = new CopyOnWriteArrayList<>();
    HttpServer hooks = webhookSink(webhooks, new CopyOnWriteArrayList<>());
    ServerOptions o = serverOptionsWithWebhooks(hooks);
    try (OspreyServer server = OspreyServer.start(new ConfigLoader(k -> null).load(o).config(), InstantSource.system())) {
      String ws = "ws://127.0.0.1:" + server.httpAddresses().get(0).getPort();
      Struct report = ProtoJson.parseObject(NodeScripts.run("rtc/resume.mjs", 120, ws, "devkey", "secret", "resume",
          path));
      System.out.println("resume report: " + ProtoJson.compact(report));
      Map<String, Value> r = report.getFieldsMap();
      assertThat(r).as("%s", report).doesNotContainKey("error");
      Map<String, Value> alice = r.get("alice").getStructValue().getFieldsMap();
      Map<String, Value> bob = r.get("bob").getStructValue().getFieldsMap();
      assertThat(strings(alice, "events")).as("resumed, not rejoined: %s", report)
          .contains("signalReconnecting", "reconnected").doesNotContain("reconnecting");
      Map<String, Value> before = r.get("before").getStructValue().getFieldsMap().get("alice").getStructValue().getFieldsMap();
      Map<String, Value> after = r.get("after").getStructValue().getFieldsMap().get("alice").getStructValue().getFieldsMap();
      assertThat(after.get("sid").getStringValue()).as("the same participant").isEqualTo(before.get("sid").getStringValue());
      assertThat(after.get("publisherUfrag").getStringValue()).as("the publisher connection restarted ICE: %s", report)
          .isNotEqualTo(before.get("publisherUfrag").getStringValue());
      if (path.equals("v0")) {
        assertThat(after.get("subscriberUfrag").getStringValue()).as("the subscriber connection restarted ICE")
            .isNotEqualTo(before.get("subscriberUfrag").getStringValue());
      }
      assertThat(strings(bob, "disconnected")).as("bob never saw alice leave").doesNotContain("alice");
      assertThat(alice.get("data").getListValue().getValuesList()).as("data to alice after the resume: %s", report)
          .anySatisfy(d -> assertThat(d.getStructValue().getFieldsMap().get("text").getStringValue()).isEqualTo("welcome back"));
      assertThat(bob.get("data").getListValue().getValuesList()).as("data from alice after the resume: %s", report)
          .anySatisfy(d -> assertThat(d.getStructValue().getFieldsMap().get("text").getStringValue())
              .isEqualTo("after the resume"));
      assertThat(webhooks).as("webhooks").contains("participant_joined alice").doesNotContain("participant_left alice");
    } finally {
      hooks.stop(0);
    }
  }

  /** The same room with 5% of the server's media datagrams dropped both ways: NACK and PLI repair it. */
  @org.junit.jupiter.api.Test
  void videoKeepsDecodingThroughFivePercentLoss() throws Exception {
    run("v1", true, 0.05, "vp8");
  }

  /**
   * Adaptive stream and dynacast: a subscriber showing the video at 160x90 gets the low simulcast
   * layer and the publisher is told to pause the others; at 1280x720 they resume, the subscriber is
   * switched up (at a key frame) and the picture keeps decoding.
   */
  @org.junit.jupiter.api.Test
  void adaptiveStreamPicksTheLayerThatFitsTheVideoElement() throws Exception {
    try (OspreyServer server = devServer()) {
      String ws = "ws://127.0.0.1:" + server.httpAddresses().get(0).getPort();
      Struct report = ProtoJson.parseObject(NodeScripts.run("rtc/adaptive.mjs", 120, ws, "devkey", "secret", "adaptive"));
      System.out.println("adaptive stream report: " + ProtoJson.compact(report));
      Map<String, Value> r = report.getFieldsMap();
      assertThat(r).as("%s", report).doesNotContainKey("error");
      Map<String, Value> small = r.get("small").getStructValue().getFieldsMap();
      Map<String, Value> large = r.get("large").getStructValue().getFieldsMap();
      Map<String, Value> after = r.get("after").getStructValue().getFieldsMap();
      assertThat(small.get("frameWidth").getNumberValue()).as("small element, low layer: %s", report).isBetween(1.0, 320.0);
      assertThat(large.get("frameWidth").getNumberValue()).as("large element, higher layer: %s", report)
          .isGreaterThan(small.get("frameWidth").getNumberValue());
      assertThat(after.get("framesDecoded").getNumberValue()).as("no frozen picture: %s", report)
          .isGreaterThan(large.get("framesDecoded").getNumberValue());
      Map<String, Value> paused = r.get("pausedEncodings").getStructValue().getFieldsMap();
      assertThat(paused.get("q").getBoolValue()).as("dynacast keeps what is watched: %s", report).isTrue();
      assertThat(paused.get("f").getBoolValue()).as("dynacast pauses what nobody watches: %s", report).isFalse();
      assertThat(r.get("resumedEncodings").getStructValue().getFieldsMap().get("f").getBoolValue())
          .as("and resumes it when wanted: %s", report).isTrue();
    }
  }

  /**
   * Adaptive stream on scalable VP9 (livekit-client's default for vp9: one stream, three spatial
   * layers, L3T3_KEY): the server forwards the spatial layers that fit the element, 320 wide when
   * it is small, all three (1280 wide) when it is large, and the picture keeps decoding.
   */
  @org.junit.jupiter.api.Test
  void adaptiveStreamPicksTheSpatialLayerOfScalableVp9() throws Exception {
    try (OspreyServer server = devServer()) {
      String ws = "ws://127.0.0.1:" + server.httpAddresses().get(0).getPort();
      Struct report = ProtoJson.parseObject(NodeScripts.run("rtc/adaptive.mjs", 120, ws, "devkey", "secret", "svc", "vp9"));
      System.out.println("adaptive stream (VP9 SVC) report: " + ProtoJson.compact(report));
      Map<String, Value> r = report.getFieldsMap();
      assertThat(r).as("%s", report).doesNotContainKey("error");
      Map<String, Value> small = r.get("small").getStructValue().getFieldsMap();
      Map<String, Value> large = r.get("large").getStructValue().getFieldsMap();
      Map<String, Value> after = r.get("after").getStructValue().getFieldsMap();
      assertThat(small.get("mimeType").getStringValue()).as("%s", report).isEqualToIgnoringCase("video/VP9");
      assertThat(small.get("frameWidth").getNumberValue()).as("small element, base layer: %s", report).isBetween(1.0, 320.0);
      assertThat(large.get("frameWidth").getNumberValue()).as("large element, every layer: %s", report).isEqualTo(1280.0);
      assertThat(after.get("framesDecoded").getNumberValue()).as("no frozen picture: %s", report)
          .isGreaterThan(large.get("framesDecoded").getNumberValue());
    }
  }

  /**
   * Downstream congestion control: the server may send only 600 kbit/s. The subscriber's
   * transport-wide feedback drives the estimate, the allocator gives it a layer that fits (at least
   * 8 of the last 10 seconds), and the picture keeps decoding instead of drowning in loss.
   */
  @org.junit.jupiter.api.Test
  void aSubscriberBehindANarrowLinkGetsALayerThatFits() throws Exception {
    try (OspreyServer server = devServer()) {
      server.media().simulateEgressLimit(600_000);
      String ws = "ws://127.0.0.1:" + server.httpAddresses().get(0).getPort();
      Struct report = ProtoJson.parseObject(NodeScripts.run("rtc/bandwidth.mjs", 120, ws, "devkey", "secret", "narrow"));
      System.out.println("bandwidth report: " + ProtoJson.compact(report));
      Map<String, Value> r = report.getFieldsMap();
      assertThat(r).as("%s", report).doesNotContainKey("error");
      List<Value> samples = r.get("samples").getListValue().getValuesList();
      Map<String, Value> last = samples.get(samples.size() - 1).getStructValue().getFieldsMap();
      Map<String, Value> fiveBefore = samples.get(samples.size() - 6).getStructValue().getFieldsMap();
      // the estimate overshoots a policed link now and then: a raise to the top layer is tried, fails
      // and is held off for twice as long each time, so the subscriber spends most of its time below
      long below = samples.subList(samples.size() - 10, samples.size()).stream()
          .mapToDouble(v -> v.getStructValue().getFieldsMap().get("frameWidth").getNumberValue())
          .filter(w -> w >= 1 && w <= 640).count();
      assertThat(below).as("seconds of the last 10 on a layer below 720p: %s", report).isGreaterThanOrEqualTo(8);
      assertThat(last.get("framesDecoded").getNumberValue() - fiveBefore.get("framesDecoded").getNumberValue())
          .as("still decoding over the last 5 s: %s", report).isGreaterThan(50.0);
    }
  }

  /**
   * ... and back: after 25 s at 600 kbit/s the limit goes. Probing finds the room again (padding
   * on the subscriber's RTX stream), the estimate climbs, and the subscriber is switched back up to
   * the top layer while the picture keeps decoding.
   */
  @org.junit.jupiter.api.Test
  void aSubscriberWhoseLinkWidensAgainIsRestoredToTheTopLayer() throws Exception {
    try (OspreyServer server = devServer()) {
      server.media().simulateEgressLimit(600_000);
      java.util.concurrent.atomic.AtomicLong liftedAt = new java.util.concurrent.atomic.AtomicLong();
      Thread lift = Thread.ofVirtual().start(() -> {
        try {
          Thread.sleep(25_000);
          server.media().simulateEgressLimit(0);
          liftedAt.set(System.currentTimeMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      String ws = "ws://127.0.0.1:" + server.httpAddresses().get(0).getPort();
      Struct report = ProtoJson.parseObject(NodeScripts.run("rtc/bandwidth.mjs", 150, ws, "devkey", "secret", "widens", "60"));
      lift.join();
      System.out.println("bandwidth report: " + ProtoJson.compact(report));
      Map<String, Value> r = report.getFieldsMap();
      assertThat(r).as("%s", report).doesNotContainKey("error");
      List<Map<String, Value>> samples = r.get("samples").getListValue().getValuesList().stream()
          .map(v -> v.getStructValue().getFieldsMap()).toList();
      List<Map<String, Value>> before = samples.stream()
          .filter(s -> s.get("at").getNumberValue() < liftedAt.get()).toList();
      assertThat(before).as("samples while narrow: %s", report).hasSizeGreaterThan(10);
      long below = before.subList(before.size() - 10, before.size()).stream()
          .mapToDouble(s -> s.get("frameWidth").getNumberValue()).filter(w -> w >= 1 && w <= 640).count();
      assertThat(below).as("seconds of the last 10 before the link widened held below 720p: %s", report)
          .isGreaterThanOrEqualTo(8);
      Map<String, Value> last = samples.get(samples.size() - 1);
      assertThat(last.get("frameWidth").getNumberValue()).as("back at the top layer: %s", report).isEqualTo(1280.0);
      assertThat(last.get("framesDecoded").getNumberValue() - samples.get(samples.size() - 6).get("framesDecoded")
          .getNumberValue()).as("still decoding over the last 5 s: %s", report).isGreaterThan(50.0);
      int restored = samples.size();
      while (restored > 0 && samples.get(restored - 1).get("frameWidth").getNumberValue() == 1280.0
          && samples.get(restored - 1).get("at").getNumberValue() > liftedAt.get()) {
        restored--; // back to the first sample of the final run at the top layer
      }
      System.err.println("measured: top layer for good " + (long) (samples.get(restored).get("at").getNumberValue()
          - liftedAt.get()) + " ms after the link widened");
    }
  }

  /** {@code bin/osprey-server --dev} on loopback, on free ports. */
  private static OspreyServer devServer() throws Exception {
    ServerOptions o = new ServerOptions();
    new CommandLine(o).parseArgs("--dev", "--bind", "127.0.0.1", "--config-body", "port: 0\nrtc:\n  udp_port: 0\n  tcp_port: 0\n");
    return OspreyServer.start(new ConfigLoader(k -> null).load(o).config(), InstantSource.system());
  }

  private void run(String path, boolean simulcast, double loss, String codec) throws Exception {
    int frames = loss > 0 ? 150 : 10;
    List<String> webhooks = new CopyOnWriteArrayList<>();
    List<String> videoMimes = new CopyOnWriteArrayList<>();
    HttpServer hooks = webhookSink(webhooks, videoMimes);
    ServerOptions o = serverOptionsWithWebhooks(hooks);
    try (OspreyServer server = OspreyServer.start(new ConfigLoader(k -> null).load(o).config(), InstantSource.system())) {
      server.media().simulateLoss(loss);
      String ws = "ws://127.0.0.1:" + server.httpAddresses().get(0).getPort();
      Struct report = ProtoJson.parseObject(NodeScripts.run("rtc/room.mjs", 150, ws, "devkey", "secret", "browsers",
          simulcast ? "simulcast" : "single", Integer.toString(frames), path, codec));
      Map<String, Value> r = report.getFieldsMap();
      System.out.println("livekit-client report: " + ProtoJson.compact(report));
      assertThat(r).as("%s", report).doesNotContainKey("error");

      Map<String, Value> alice = page(r, "alice");
      Map<String, Value> bob = page(r, "bob");
      assertThat(strings(alice, "signalPaths")).as("signalling path").containsOnly(path.equals("v1") ? "/rtc/v1" : "/rtc");
      assertThat(strings(alice, "participants")).contains("bob");
      assertThat(strings(bob, "participants")).contains("alice");
      Map<String, Value> stats = r.get("stats").getStructValue().getFieldsMap();
      for (String name : List.of("alice", "bob")) {
        Map<String, Value> s = stats.get(name).getStructValue().getFieldsMap();
        assertThat(s.get("video").getNumberValue()).as("%s decodes video: %s", name, report).isGreaterThan(frames);
        assertThat(s.get("audio").getNumberValue()).as("%s receives audio: %s", name, report).isGreaterThan(48000);
      }
      Map<String, Value> toBob = bob.get("data").getListValue().getValues(0).getStructValue().getFieldsMap();
      assertThat(toBob.get("text").getStringValue()).isEqualTo("hello from alice");
      assertThat(toBob.get("from").getStringValue()).isEqualTo("alice");
      assertThat(toBob.get("topic").getStringValue()).isEqualTo("chat");
      assertThat(bob.get("data").getListValue().getValuesList()).as("data from the server API: %s", report)
          .anySatisfy(d -> assertThat(d.getStructValue().getFieldsMap().get("topic").getStringValue()).isEqualTo("server"));
      assertThat(r.get("listed").getListValue().getValuesList()).as("%s", report).hasSize(2);
      assertThat(bob.get("disconnectReason").getNumberValue()).as("bob removed by the API")
          .isEqualTo(io.osprey.protocol.livekit.LivekitModels.DisconnectReason.PARTICIPANT_REMOVED_VALUE);
      if (loss == 0) { // a lossy message is allowed to be lost when the network loses packets
        Map<String, Value> toAlice = alice.get("data").getListValue().getValues(0).getStructValue().getFieldsMap();
        assertThat(toAlice.get("text").getStringValue()).isEqualTo("lossy from bob");
        assertThat(toAlice.get("from").getStringValue()).isEqualTo("bob");
      }
      assertThat(bob.get("mutes").getListValue().getValuesList()).as("%s", report).isNotEmpty();
      assertThat(alice.get("unpublished").getListValue().getValuesList()).as("bob's camera goes: %s", report)
          .anySatisfy(u -> assertThat(u.getStructValue().getFieldsMap().get("kind").getStringValue()).isEqualTo("video"));
      assertThat(strings(bob, "disconnected")).contains("alice");
      assertThat(alice.get("quality").getListValue().getValuesList()).as("connection quality: %s", report)
          .anySatisfy(q -> assertThat(q.getStructValue().getFieldsMap().get("quality").getStringValue())
              .isIn("excellent", "good", "poor"));
      assertThat(bob.get("speakers").getListValue().getValuesList()).as("bob hears alice speak: %s", report)
          .anySatisfy(list -> assertThat(list.getListValue().getValuesList()).extracting(Value::getStringValue)
              .contains("alice"));

      if (loss > 0) {
        assertThat(server.media().retransmissions()).as("packets resent on subscribers' NACKs").isPositive();
        assertThat(server.media().nacksToPublishers()).as("NACKs sent to publishers").isPositive();
        assertThat(stats.values()).as("the browsers got resends as RTX: %s", report).anySatisfy(s ->
            assertThat(s.getStructValue().getFieldsMap().get("videoRetransmitted").getNumberValue()).isPositive());
      }
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (!webhooks.contains("participant_left alice") && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertThat(webhooks).as("webhooks").contains("room_started", "participant_joined alice", "participant_joined bob",
          "track_published alice", "track_published bob", "track_unpublished bob", "participant_left alice");
      assertThat(videoMimes).as("the codec the client asked for").containsOnly("video/" + codec.toUpperCase(java.util.Locale.ROOT));
    } finally {
      hooks.stop(0);
    }
  }

  /**
   * A started webhook receiver: each event as "event identity" into {@code webhooks}, and the MIME
   * type of each published video track into {@code videoMimes}.
   */
  private static HttpServer webhookSink(List<String> webhooks, List<String> videoMimes) throws java.io.IOException {
    HttpServer hooks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    hooks.createContext("/", exchange -> {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      try {
        Map<String, Value> event = ProtoJson.parseObject(body).getFieldsMap();
        String who = event.containsKey("participant")
            ? " " + event.get("participant").getStructValue().getFieldsMap().get("identity").getStringValue() : "";
        webhooks.add(event.get("event").getStringValue() + who);
        if (event.get("event").getStringValue().equals("track_published")) {
          Map<String, Value> track = event.get("track").getStructValue().getFieldsMap();
          Value mime = track.containsKey("mimeType") ? track.get("mimeType") : track.get("mime_type");
          if (mime != null && mime.getStringValue().startsWith("video/")) {
            videoMimes.add(mime.getStringValue());
          }
        }
      } catch (Exception e) {
        webhooks.add("unparseable " + body);
      }
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    hooks.start();
    return hooks;
  }

  /** Dev-mode options on free ports, sending webhooks to {@code hooks}. */
  private static ServerOptions serverOptionsWithWebhooks(HttpServer hooks) {
    ServerOptions o = new ServerOptions();
    new CommandLine(o).parseArgs("--dev", "--bind", "127.0.0.1", "--config-body",
        "port: 0\nrtc:\n  udp_port: 0\n  tcp_port: 0\nwebhook:\n  api_key: devkey\n  urls: [\"http://127.0.0.1:"
            + hooks.getAddress().getPort() + "/\"]\n");
    return o;
  }

  private static Map<String, Value> page(Map<String, Value> report, String name) {
    return report.get("pages").getStructValue().getFieldsMap().get(name).getStructValue().getFieldsMap();
  }

  private static List<String> strings(Map<String, Value> page, String key) {
    return page.get(key).getListValue().getValuesList().stream().map(Value::getStringValue).toList();
  }
}
