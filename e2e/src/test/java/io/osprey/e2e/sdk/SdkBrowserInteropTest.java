package io.osprey.e2e.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.osprey.e2e.NodeScripts;
import io.osprey.protocol.json.ProtoJson;
import io.osprey.protocol.livekit.LivekitModels.TrackType;
import io.osprey.sdk.room.LocalTrack;
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
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The Osprey SDK against livekit-client in headless Chromium, through an Osprey room: the SDK
 * publishes a VP8 IVF file and an Ogg Opus file (looping) and the page must decode the video and
 * receive the audio; the page then publishes its fake camera and microphone and the SDK records
 * them, and ffprobe must read the recordings with the right codec, every recorded frame and a
 * duration that matches how long the page published.
 */
class SdkBrowserInteropTest {

  @Test
  void chromiumDecodesWhatTheSdkPublishesAndTheSdkRecordsChromium(@TempDir Path dir) throws Exception {
    ServerOptions o = new ServerOptions();
    new CommandLine(o).parseArgs("--dev", "--bind", "127.0.0.1", "--config-body", "port: 0\nrtc:\n  udp_port: 0\n  tcp_port: 0\n");
    Map<TrackType, TrackRecorder> recorders = new ConcurrentHashMap<>();
    Map<TrackType, RemoteTrack> tracks = new ConcurrentHashMap<>();
    RoomListener recordWeb = new RoomListener() {
      @Override
      public void onTrackSubscribed(RemoteTrack track, RemoteTrackPublication pub, RemoteParticipant p) {
        try {
          tracks.put(track.kind(), track);
          recorders.put(track.kind(), track.record(dir.resolve(track.kind() == TrackType.VIDEO ? "web.ivf" : "web.ogg")));
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
    };
    try (OspreyServer server = OspreyServer.start(new ConfigLoader(k -> null).load(o).config(), InstantSource.system())) {
      String ws = "ws://127.0.0.1:" + server.httpAddresses().get(0).getPort();
      try (Room sdk = Room.connect(ws, "devkey", "secret", "interop", "sdk", RoomOptions.defaults(), recordWeb)) {
        LocalTrack video = LocalTrack.fromFile(MediaFixtures.vp8Ivf(), LocalTrack.Options.defaults().withLoop(true));
        LocalTrack audio = LocalTrack.fromFile(MediaFixtures.opusOgg(), LocalTrack.Options.defaults().withLoop(true));
        sdk.localParticipant().publishTrack(video).get(10, TimeUnit.SECONDS);
        sdk.localParticipant().publishTrack(audio).get(10, TimeUnit.SECONDS);

        Struct report = ProtoJson.parseObject(NodeScripts.run("rtc/sdk.mjs", 120, ws, "devkey", "secret", "interop", "6000"));
        System.out.println("sdk interop report: " + ProtoJson.compact(report));
        Map<String, Value> r = report.getFieldsMap();
        assertThat(r).as("%s", report).doesNotContainKey("error");
        Map<String, Value> fromSdk = r.get("fromSdk").getStructValue().getFieldsMap();
        Map<String, Value> v = fromSdk.get("video").getStructValue().getFieldsMap();
        Map<String, Value> a = fromSdk.get("audio").getStructValue().getFieldsMap();
        assertThat(v.get("framesDecoded").getNumberValue()).as("the page decodes the SDK's VP8: %s", report).isGreaterThan(60);
        assertThat(v.get("frameWidth").getNumberValue()).isEqualTo(640);
        assertThat(a.get("samples").getNumberValue()).as("and receives its Opus: %s", report).isGreaterThan(96000);

        Thread.sleep(1000); // what was in flight when the page left
        recorders.values().forEach(TrackRecorder::close);
        double publishedSeconds = r.get("publishedMs").getNumberValue() / 1000;

        String probeVideo = MediaFixtures.ffprobe(dir.resolve("web.ivf"), "-count_frames", "-show_streams", "-show_format");
        assertThat(probeVideo).contains("\"codec_name\": \"vp8\"");
        int frames = Integer.parseInt(probeVideo.replaceAll("(?s).*\"nb_read_frames\": \"(\\d+)\".*", "$1"));
        assertThat(frames).as("every recorded frame reads back: %s", probeVideo).isEqualTo(recorders.get(TrackType.VIDEO).frames());
        assertThat(frames).as("about 30 fps for %.1f s: %s", publishedSeconds, probeVideo)
            .isGreaterThan((int) (publishedSeconds * 15));
        double videoSeconds = Double.parseDouble(probeVideo.replaceAll("(?s).*\"format\".*?\"duration\": \"([0-9.]+)\".*", "$1"));
        assertThat(videoSeconds).as("%s", probeVideo).isBetween(publishedSeconds - 2, publishedSeconds + 0.5);

        String probeAudio = MediaFixtures.ffprobe(dir.resolve("web.ogg"), "-show_format", "-show_streams");
        assertThat(probeAudio).contains("\"codec_name\": \"opus\"");
        double audioSeconds = Double.parseDouble(probeAudio.replaceAll("(?s).*\"format\".*?\"duration\": \"([0-9.]+)\".*", "$1"));
        assertThat(audioSeconds).as("%s", probeAudio).isBetween(publishedSeconds - 1.5, publishedSeconds + 0.5);
        assertThat(tracks.get(TrackType.AUDIO).packetsLost()).isZero();
      }
    }
  }
}
