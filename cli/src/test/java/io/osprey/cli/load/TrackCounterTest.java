package io.osprey.cli.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.osprey.sdk.media.MediaSample;
import io.osprey.sdk.media.SyntheticSource;
import io.osprey.sdk.media.rtp.RtpPacketizer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The load test's counting on packets made by the SDK's own synthetic source and packetizers: the
 * probe is found in each frame's first packet behind the VP8 payload descriptor (RFC 7741 §4.2)
 * or at the start of an Opus payload, and sequence gaps count as loss.
 */
class TrackCounterTest {

  @Test
  void readsTheProbeFromEachVp8FramesFirstPacketAndCountsGaps() {
    LoadMeter meter = new LoadMeter();
    TrackCounter track = meter.subscriber(0).track(TrackCounter.Payload.VP8);
    SyntheticSource source = SyntheticSource.video(1_700_000, 30, 60); // ~7 packets a frame
    RtpPacketizer vp8 = RtpPacketizer.forMimeType("video/VP8", 1160, 1280, 720);
    int seq = 65530; // wraps
    int sent = 0;
    for (int frame = 0; frame < 3; frame++) {
      MediaSample sample = source.next();
      long sentAt = 1_000_000_000L + frame * 33_000_000L;
      source.beforeSend(sample, sentAt);
      List<byte[]> payloads = vp8.packetize(sample.data(), sample.keyFrame());
      for (int i = 0; i < payloads.size(); i++) {
        byte[] p = rtp(seq, payloads.get(i));
        seq = (seq + 1) & 0xffff;
        if (frame == 1 && i == 2) {
          continue; // lost on the way
        }
        track.onRtp(p, 0, p.length, sentAt + 2_000_000L); // each frame arrives 2 ms after it was sent
        sent++;
      }
    }
    assertThat(track.packets()).isEqualTo(sent);
    assertThat(track.lost()).isEqualTo(1);
    assertThat(meter.totals().tracksReceived()).isEqualTo(1);
    assertThat(meter.subscribersReceiving()).isEqualTo(1);
    assertThat(meter.latencyMs(0.5)).isBetween(2.0, 2.1); // three frames timed, all at 2 ms
    assertThat(meter.latencyMs(0.99)).isBetween(2.0, 2.1);
  }

  @Test
  void readsTheProbeAtTheStartOfEachOpusPacket() {
    LoadMeter meter = new LoadMeter();
    TrackCounter track = meter.subscriber(0).track(TrackCounter.Payload.WHOLE);
    SyntheticSource source = SyntheticSource.audio(32_000);
    for (int n = 0; n < 50; n++) {
      MediaSample sample = source.next();
      source.beforeSend(sample, 5_000_000_000L + n * 20_000_000L);
      byte[] p = rtp(n, sample.data());
      track.onRtp(p, 0, p.length, 5_000_000_000L + n * 20_000_000L + 700_000L);
    }
    assertThat(track.packets()).isEqualTo(50);
    assertThat(track.lost()).isZero();
    assertThat(meter.latencyMs(0.5)).isBetween(0.6, 0.8);
  }

  @Test
  void countsButTimesNothingWhenThePayloadIsNotProbed() {
    LoadMeter meter = new LoadMeter();
    TrackCounter track = meter.subscriber(0).track(TrackCounter.Payload.forMimeType("video/H264"));
    byte[] p = rtp(1, new byte[100]);
    track.onRtp(p, 0, p.length, 1);
    assertThat(track.packets()).isEqualTo(1);
    assertThat(meter.latencyMs(0.5)).isNaN();
  }

  private static byte[] rtp(int seq, byte[] payload) {
    byte[] p = new byte[12 + payload.length];
    p[0] = (byte) 0x80;
    p[1] = 96;
    p[2] = (byte) (seq >> 8);
    p[3] = (byte) seq;
    p[11] = 1;
    System.arraycopy(payload, 0, p, 12, payload.length);
    return p;
  }
}
