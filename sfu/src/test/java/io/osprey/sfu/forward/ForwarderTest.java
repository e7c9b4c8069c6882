package io.osprey.sfu.forward;

import static org.assertj.core.api.Assertions.assertThat;

import io.osprey.sfu.codec.VideoCodec;
import io.osprey.sfu.munge.Sequencer;
import org.junit.jupiter.api.Test;

/** A subscriber's stream stays one continuous RTP stream while the forwarded simulcast layer changes. */
class ForwarderTest {
  private static final long MS = 1_000_000L;

  /** A VP8 packet: 12-byte header, descriptor with 15-bit picture id, then one payload byte. */
  private static byte[] vp8(int seq, long ts, long ssrc, int pictureId, boolean key) {
    byte[] p = new byte[12 + 4 + 1];
    p[0] = (byte) 0x80;
    p[1] = 96;
    p[2] = (byte) (seq >> 8);
    p[3] = (byte) seq;
    p[4] = (byte) (ts >> 24);
    p[5] = (byte) (ts >> 16);
    p[6] = (byte) (ts >> 8);
    p[7] = (byte) ts;
    p[8] = (byte) (ssrc >> 24);
    p[11] = (byte) ssrc;
    p[12] = (byte) 0x90; // X, S, partition 0
    p[13] = (byte) 0x80; // I
    p[14] = (byte) (0x80 | (pictureId >> 8));
    p[15] = (byte) pictureId;
    p[16] = (byte) (key ? 0x00 : 0x01);
    return p;
  }

  private static int seq(byte[] b) {
    return ((b[2] & 0xff) << 8) | (b[3] & 0xff);
  }

  private static long ts(byte[] b) {
    return ((b[4] & 0xffL) << 24) | ((b[5] & 0xff) << 16) | ((b[6] & 0xff) << 8) | (b[7] & 0xff);
  }

  private static int pictureId(byte[] b) {
    return ((b[14] & 0x7f) << 8) | (b[15] & 0xff);
  }

  @Test
  void switchesLayersOnlyAtKeyFramesAndKeepsNumbersContinuous() {
    Forwarder f = new Forwarder(VideoCodec.VP8, 90000, 0xabcdef, 100, 256);
    f.setTargetLayer(0);
    byte[] out = new byte[1500];
    long now = 0;
    // layer 0 starts at seq 1000, layer 2 at seq 50000; both at 30 fps
    for (int i = 0; i < 10; i++, now += 33 * MS) {
      byte[] low = vp8(1000 + i, 3000L * i, 1, 10 + i, i == 0);
      byte[] high = vp8(50000 + i, 900000 + 3000L * i, 3, 7000 + i, false);
      assertThat(f.forward(low, 0, low.length, 12, 1000 + i, 3000L * i, 0, i == 0, out, 0, now)).isEqualTo(low.length);
      assertThat(seq(out)).isEqualTo(1000 + i);
      assertThat(f.forward(high, 0, high.length, 12, 50000 + i, 900000 + 3000L * i, 2, false, out, 0, now))
          .isEqualTo(Forwarder.DROPPED);
    }
    assertThat(out[1] & 0x7f).isEqualTo(100);
    assertThat(((out[8] & 0xffL) << 24 | (out[9] & 0xff) << 16 | (out[10] & 0xff) << 8 | (out[11] & 0xff)))
        .isEqualTo(0xabcdefL);
    long lastTs = ts(out);
    int lastPicture = pictureId(out);

    f.setTargetLayer(2);
    assertThat(f.keyFrameWanted()).isTrue();
    byte[] delta = vp8(50010, 930000, 3, 7010, false);
    assertThat(f.forward(delta, 0, delta.length, 12, 50010, 930000, 2, false, out, 0, now)).isEqualTo(Forwarder.DROPPED);
    now += 33 * MS;
    byte[] key = vp8(50011, 933000, 3, 7011, true);
    assertThat(f.forward(key, 0, key.length, 12, 50011, 933000, 2, true, out, 0, now)).isEqualTo(key.length);
    assertThat(f.currentLayer()).isEqualTo(2);
    assertThat(seq(out)).isEqualTo(1010); // follows the last one sent
    assertThat(ts(out) - lastTs).isEqualTo(66 * 90L); // advances by the wall time elapsed since the last sent (66 ms)
    assertThat(pictureId(out)).isEqualTo(lastPicture + 1);
    byte[] low = vp8(1010, 30000, 1, 20, false);
    assertThat(f.forward(low, 0, low.length, 12, 1010, 30000, 0, false, out, 0, now)).isEqualTo(Forwarder.DROPPED);
  }

  @Test
  void answersNacksWithWhatTheSequenceNumberCarried() {
    Forwarder f = new Forwarder(VideoCodec.OTHER, 48000, 7, 111, 64);
    byte[] out = new byte[1500];
    for (int i = 0; i < 5; i++) {
      byte[] p = vp8(200 + i, 960L * i, 1, 0, true);
      f.forward(p, 0, p.length, 12, 200 + i, 960L * i, 0, true, out, 0, i * 20 * MS);
    }
    int found = f.lookupRetransmission(202, 100 * MS, 10 * MS);
    assertThat(found & 0xffff).isEqualTo(202);
    assertThat(found >>> 16).isZero();
    assertThat(f.lookupRetransmission(202, 105 * MS, 10 * MS)).as("resent too recently").isEqualTo(Sequencer.NONE);
    assertThat(f.lookupRetransmission(999, 100 * MS, 10 * MS)).isEqualTo(Sequencer.NONE);
  }

  /** A VP9 packet carrying one whole layer frame: descriptor with layer indices (P B E, L, non-flexible), one payload byte. */
  private static byte[] vp9(int seq, long ts, int spatialId, boolean inter, boolean marker) {
    byte[] p = new byte[12 + 3 + 1];
    p[0] = (byte) 0x80;
    p[1] = (byte) (96 | (marker ? 0x80 : 0));
    p[2] = (byte) (seq >> 8);
    p[3] = (byte) seq;
    p[4] = (byte) (ts >> 24);
    p[5] = (byte) (ts >> 16);
    p[6] = (byte) (ts >> 8);
    p[7] = (byte) ts;
    p[11] = 7;
    p[12] = (byte) ((inter ? 0x40 : 0) | 0x20 | 0x08 | 0x04); // P, L, B, E
    p[13] = (byte) (spatialId << 1);
    return p;
  }

  /** Forwards one three-layer picture; returns for each spatial layer its outgoing sequence number and marker, or null. */
  private static int[][] picture(Forwarder f, int firstSeq, long ts, boolean key, long now) {
    int[][] out = new int[3][];
    byte[] dst = new byte[1500];
    for (int sid = 0; sid < 3; sid++) {
      byte[] p = vp9(firstSeq + sid, ts, sid, !key, sid == 2);
      int n = f.forward(p, 0, p.length, 12, firstSeq + sid, ts, 0, key && sid == 0, dst, 0, now);
      out[sid] = n < 0 ? null : new int[] {seq(dst), (dst[1] & 0x80) != 0 ? 1 : 0};
    }
    return out;
  }

  @Test
  void forwardsTheSpatialLayersOfAScalableStreamUpToTheTargetWithoutGaps() {
    Forwarder f = new Forwarder(VideoCodec.VP9, 90000, 0xabcdef, 98, 256);
    f.setScalable(true);
    f.setTargetLayer(0);
    f.setTargetSpatialLayer(0);
    int[][] p = picture(f, 100, 0, true, 0);
    assertThat(p[0]).as("the base layer, marked as the picture's end").containsExactly(100, 1);
    assertThat(p[1]).isNull();
    assertThat(p[2]).isNull();
    p = picture(f, 103, 3000, false, 33 * MS);
    assertThat(p[0]).as("no gap for the layers dropped").containsExactly(101, 1);

    f.setTargetSpatialLayer(2);
    p = picture(f, 106, 6000, false, 66 * MS);
    assertThat(f.keyFrameWanted()).as("going up waits for a key picture").isTrue();
    assertThat(p[0]).containsExactly(102, 1);
    assertThat(p[1]).isNull();
    p = picture(f, 109, 9000, true, 99 * MS);
    assertThat(f.currentSpatialLayer()).isEqualTo(2);
    assertThat(f.keyFrameWanted()).isFalse();
    assertThat(p).isDeepEqualTo(new int[][] {{103, 0}, {104, 0}, {105, 1}});

    f.setTargetSpatialLayer(1);
    p = picture(f, 112, 12000, false, 132 * MS);
    assertThat(f.currentSpatialLayer()).as("going down at the next picture").isEqualTo(1);
    assertThat(p[0]).containsExactly(106, 0);
    assertThat(p[1]).as("now the top layer forwarded: it ends the picture").containsExactly(107, 1);
    assertThat(p[2]).isNull();
    p = picture(f, 115, 15000, false, 165 * MS);
    assertThat(p[0]).containsExactly(108, 0);

    int found = f.lookupRetransmission(107, 200 * MS, 0);
    assertThat(found).as("a NACK finds the packet in the stream's one cache").isEqualTo(113);
  }

  @Test
  void aScalableStreamStartsAndResumesAtAKeyPicture() {
    Forwarder f = new Forwarder(VideoCodec.VP9, 90000, 1, 98, 256);
    f.setScalable(true);
    f.setTargetLayer(0);
    f.setTargetSpatialLayer(1);
    int[][] p = picture(f, 10, 0, false, 0);
    assertThat(p).isDeepEqualTo(new int[][] {null, null, null});
    p = picture(f, 13, 3000, true, 33 * MS);
    assertThat(p[0]).containsExactly(13, 0);
    assertThat(p[1]).containsExactly(14, 1);
  }
}
