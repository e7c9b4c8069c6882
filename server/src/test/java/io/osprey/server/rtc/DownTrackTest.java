package io.osprey.server.rtc;

import static org.assertj.core.api.Assertions.assertThat;

import io.osprey.protocol.livekit.LivekitModels.TrackInfo;
import io.osprey.protocol.livekit.LivekitModels.TrackType;
import io.osprey.protocol.livekit.LivekitModels.VideoLayer;
import io.osprey.protocol.livekit.LivekitModels.VideoQuality;
import io.osprey.sfu.layer.SimulcastSelector;
import io.osprey.transport.session.RtpCodec;
import io.osprey.transport.session.SendSection;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which simulcast layer a subscriber aims at: its wishes, what the publisher sends, and dynacast demand. */
class DownTrackTest {
  private static final long S = 1_000_000_000L;
  private static final RtpCodec VP8 = new RtpCodec(96, "VP8", 90000, 0, "", List.of("nack", "nack pli"));

  private static PublishedTrack simulcastTrack() {
    TrackInfo info = TrackInfo.newBuilder().setSid("TR_video").setType(TrackType.VIDEO)
        .addLayers(VideoLayer.newBuilder().setQuality(VideoQuality.LOW).setWidth(320).setHeight(180))
        .addLayers(VideoLayer.newBuilder().setQuality(VideoQuality.MEDIUM).setWidth(640).setHeight(360))
        .addLayers(VideoLayer.newBuilder().setQuality(VideoQuality.HIGH).setWidth(1280).setHeight(720))
        .build();
    PublishedTrack t = new PublishedTrack(null, "1", VP8, info, List.of("q", "h", "f"), 64);
    t.bind(11, "q");
    t.bind(12, "h");
    t.bind(13, "f");
    return t;
  }

  private static DownTrack downTrack(PublishedTrack t, long ssrc) {
    DownTrack d = new DownTrack(t, null, new SendSection("2", "video", VP8, ssrc, "PA_x|TR_video", "TR_video", true));
    t.downTracks.add(d);
    return d;
  }

  @Test
  void aSizeAsksForTheSmallestLayerThatCoversIt() {
    PublishedTrack t = simulcastTrack();
    DownTrack d = downTrack(t, 1);
    assertThat(d.wanted()).as("by default the best").isEqualTo(2);
    d.settings(false, 160, 90, VideoQuality.HIGH);
    assertThat(d.wanted()).isEqualTo(0);
    d.settings(false, 500, 300, VideoQuality.HIGH);
    assertThat(d.wanted()).isEqualTo(1);
    d.settings(false, 1280, 720, VideoQuality.HIGH);
    assertThat(d.wanted()).isEqualTo(2);
    d.settings(false, 1920, 1080, VideoQuality.HIGH);
    assertThat(d.wanted()).as("bigger than any layer: the top one").isEqualTo(2);
    d.settings(false, 0, 0, VideoQuality.MEDIUM);
    assertThat(d.wanted()).as("no size: the quality").isEqualTo(1);
    d.settings(true, 0, 0, VideoQuality.HIGH);
    assertThat(d.wanted()).isEqualTo(-1);
    assertThat(d.forwarder.targetLayer()).isEqualTo(SimulcastSelector.NONE);
  }

  @Test
  void aimsOnlyAtLayersThePublisherSends() {
    PublishedTrack t = simulcastTrack();
    DownTrack d = downTrack(t, 1);
    long now = 10 * S;
    t.received(0, 1000, now);
    d.retarget(now);
    assertThat(d.forwarder.targetLayer()).as("only q flows").isEqualTo(0);
    t.received(2, 1000, now + S / 10);
    d.retarget(now + S / 10);
    assertThat(d.forwarder.targetLayer()).isEqualTo(2);
    t.received(0, 1000, now + 2 * S);
    d.retarget(now + 2 * S);
    assertThat(d.forwarder.targetLayer()).as("f stopped (dynacast or bandwidth) more than 1 s ago").isEqualTo(0);
  }

  @Test
  void demandIsTheHighestLayerAnyoneWants() {
    PublishedTrack t = simulcastTrack();
    assertThat(t.demand()).as("nobody watches").isEqualTo(-1);
    DownTrack small = downTrack(t, 1);
    DownTrack large = downTrack(t, 2);
    small.settings(false, 160, 90, VideoQuality.HIGH);
    assertThat(t.demand()).isEqualTo(2);
    large.settings(true, 0, 0, VideoQuality.HIGH);
    assertThat(t.demand()).as("a paused subscriber wants nothing").isEqualTo(0);
  }

  @Test
  void aCutHoldsOffRaisesAndOnlyAFailedRaiseLengthensTheWait() {
    DownTrack d = downTrack(simulcastTrack(), 1);
    long t = 100 * S;
    d.allocate(2, t);
    d.allocate(1, t + 10 * S);
    d.allocate(2, t + 14 * S);
    assertThat(d.allocatedLayer()).as("5 s after a cut").isEqualTo(1);
    d.allocate(2, t + 15 * S);
    assertThat(d.allocatedLayer()).isEqualTo(2);

    d.allocate(1, t + 16 * S); // the raise failed: the wait doubles to 10 s
    d.allocate(0, t + 17 * S); // further cuts are not failed raises: 10 s from the last one
    d.allocate(2, t + 26 * S);
    assertThat(d.allocatedLayer()).isEqualTo(0);
    d.allocate(2, t + 27 * S);
    assertThat(d.allocatedLayer()).as("10 s, not 40, after one failed raise").isEqualTo(2);

    d.allocate(1, t + 40 * S); // that raise held 13 s: the wait is back to 5 s
    d.allocate(2, t + 45 * S);
    assertThat(d.allocatedLayer()).isEqualTo(2);
  }

  @Test
  void aSuccessfulProbeLiftsTheHoldOff() {
    DownTrack d = downTrack(simulcastTrack(), 1);
    long t = 100 * S;
    d.allocate(2, t);
    d.allocate(1, t + 1 * S);
    d.allocate(2, t + 2 * S);
    assertThat(d.allocatedLayer()).as("held off").isEqualTo(1);
    d.probeSucceeded(t + 3 * S);
    d.allocate(2, t + 3 * S);
    assertThat(d.allocatedLayer()).isEqualTo(2);
  }
}
