package io.osprey.sdk.media;

import io.osprey.testkit.MediaFixtures;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.osprey.sdk.media.h264.AnnexBReader;
import io.osprey.sdk.media.ivf.IvfReader;
import io.osprey.sdk.media.rtp.RtpDepacketizer;
import io.osprey.sdk.media.rtp.RtpPacketizer;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class PacketizerTest {
  private static final int MAX = 1100;

  /** Packetizes every sample, depacketizes in order, and expects the same frames back. */
  private static int roundTrip(SampleSource source, java.util.function.UnaryOperator<byte[]> expected)
      throws IOException {
    RtpPacketizer packetizer = RtpPacketizer.forMimeType(source.mimeType(), MAX, 640, 360);
    RtpDepacketizer depacketizer = RtpDepacketizer.forMimeType(source.mimeType());
    int seq = 65000;
    int frames = 0;
    for (MediaSample s; (s = source.next()) != null; frames++) {
      List<byte[]> payloads = packetizer.packetize(s.data(), s.keyFrame());
      byte[] out = null;
      for (int i = 0; i < payloads.size(); i++) {
        assertThat(payloads.get(i).length).isLessThanOrEqualTo(MAX);
        byte[] done = depacketizer.push(payloads.get(i), seq++ & 0xffff, i == payloads.size() - 1);
        if (done != null) {
          assertThat(i).isEqualTo(payloads.size() - 1);
          out = done;
        }
      }
      assertThat(out).isEqualTo(expected.apply(s.data()));
    }
    return frames;
  }

  @Test
  void vp8FramesSurviveRtpAndBack() throws IOException {
    try (IvfReader r = IvfReader.open(MediaFixtures.vp8Ivf())) {
      assertThat(roundTrip(r, f -> f)).isEqualTo(150);
    }
  }

  @Test
  void h264AccessUnitsSurviveStapAAndFuA() throws IOException {
    try (AnnexBReader r = AnnexBReader.open(MediaFixtures.h264AnnexB(), 30, 1)) {
      assertThat(roundTrip(r, f -> f)).isEqualTo(150);
    }
  }

  @Test
  void vp9FramesSurviveRtpAndBack() throws IOException {
    try (IvfReader r = IvfReader.open(MediaFixtures.vp9Ivf())) {
      assertThat(roundTrip(r, f -> f)).isEqualTo(150);
    }
  }

  /** The file's temporal units hold a temporal delimiter and OBUs with size fields: exactly what comes back. */
  @Test
  void av1TemporalUnitsSurviveRtpAndBack() throws IOException {
    try (IvfReader r = IvfReader.open(MediaFixtures.av1Ivf())) {
      assertThat(roundTrip(r, f -> f)).isEqualTo(150);
    }
  }

  @Test
  void keyFramesDeclareTheirSize() throws IOException {
    for (java.nio.file.Path file : List.of(MediaFixtures.vp8Ivf(), MediaFixtures.vp9Ivf(), MediaFixtures.av1Ivf())) {
      try (IvfReader r = IvfReader.open(file)) {
        MediaSample first = r.next();
        assertThat(first.keyFrame()).isTrue();
        assertThat(FrameSize.of(r.mimeType(), first.data())).as(r.mimeType()).contains(new FrameSize(640, 360));
        assertThat(FrameSize.of(r.mimeType(), r.next().data())).as("a delta frame declares none").isEmpty();
      }
    }
    assertThat(FrameSize.of("video/VP9", new byte[] {(byte) 0x82, 0x49})).as("cut short").isEmpty();
  }

  /**
   * A VP9 picture of two spatial layers (SVC, flexible mode, as Chromium sends it): the layer
   * frames back to back, then a superframe index giving each one's size.
   */
  @Test
  void vp9SpatialLayersBecomeASuperframe() throws MediaFormatException {
    RtpDepacketizer d = RtpDepacketizer.forMimeType("video/VP9");
    byte[] base = new byte[300];
    byte[] upper = new byte[70_000]; // sizes needing 3 bytes each in the index
    java.util.Arrays.fill(base, (byte) 1);
    java.util.Arrays.fill(upper, (byte) 2);
    // I, L, F, B (+E): picture id 5; layer byte: T=0 U=0 S=sid D
    assertThat(d.push(vp9Payload(0x08 | 0x04, 0, base), 10, false)).isNull();
    assertThat(d.push(vp9Payload(0x08, 1, java.util.Arrays.copyOf(upper, 40_000)), 11, false)).isNull();
    byte[] picture = d.push(vp9Payload(0x04, 1, java.util.Arrays.copyOfRange(upper, 40_000, 70_000)), 12, true);
    int index = 2 + 3 * 2;
    assertThat(picture).hasSize(300 + 70_000 + index);
    assertThat(java.util.Arrays.copyOf(picture, 300)).isEqualTo(base);
    assertThat(java.util.Arrays.copyOfRange(picture, 300, 70_300)).isEqualTo(upper);
    int marker = 0xc0 | (3 - 1) << 3 | (2 - 1);
    assertThat(picture[70_300] & 0xff).isEqualTo(marker);
    assertThat(picture[picture.length - 1] & 0xff).isEqualTo(marker);
    assertThat((picture[70_301] & 0xff) | (picture[70_302] & 0xff) << 8 | (picture[70_303] & 0xff) << 16).isEqualTo(300);
    assertThat((picture[70_304] & 0xff) | (picture[70_305] & 0xff) << 8 | (picture[70_306] & 0xff) << 16)
        .isEqualTo(70_000);
  }

  private static byte[] vp9Payload(int beginEnd, int spatialLayer, byte[] data) {
    byte[] p = new byte[3 + data.length];
    p[0] = (byte) (0x80 | 0x20 | 0x10 | beginEnd); // I, L, F
    p[1] = 5;                                      // 7-bit picture id
    p[2] = (byte) (spatialLayer << 1);
    System.arraycopy(data, 0, p, 3, data.length);
    return p;
  }

  /** An OBU split over payloads (Z/Y) and a payload that counts its elements (W=2): whole OBUs with size fields. */
  @Test
  void av1ObusAreJoinedAcrossPayloadsAndGetTheirSizeFields() throws MediaFormatException {
    RtpDepacketizer d = RtpDepacketizer.forMimeType("video/AV1");
    // payload 1: W=2, element 1 = sequence header (0x08, 1, 2), element 2 (no length) = first half of a frame OBU
    byte[] p1 = {0x20 | 0x40, 3, 0x08, 1, 2, 0x30, 9, 9};
    // payload 2: Z, W=1: the rest of the frame OBU
    byte[] p2 = {(byte) (0x80 | 0x10), 9, 9, 9};
    assertThat(d.push(p1, 100, false)).isNull();
    byte[] tu = d.push(p2, 101, true);
    assertThat(tu).containsExactly(0x12, 0, 0x0a, 2, 1, 2, 0x32, 5, 9, 9, 9, 9, 9);
    assertThat(io.osprey.sdk.media.KeyFrames.isKeyFrame("video/AV1", tu)).isTrue();
    RtpDepacketizer fresh = RtpDepacketizer.forMimeType("video/AV1");
    assertThat(fresh.push(new byte[] {(byte) 0x80, 1, 0x30}, 1, true)).as("mid-unit: waits for a start").isNull();
    assertThat(fresh.push(new byte[] {0x10, 0x30, 7}, 2, false)).isNull(); // a whole OBU, no continuation
    assertThatThrownBy(() -> fresh.push(new byte[] {(byte) 0x90, 0x30}, 3, true))
        .isInstanceOf(MediaFormatException.class).hasMessageContaining("continuation");
    assertThatThrownBy(() -> fresh.push(new byte[] {0x00, 9, 0x30}, 4, true))
        .isInstanceOf(MediaFormatException.class).hasMessageContaining("longer than the payload");
  }

  @Test
  void aGapAbandonsTheFrameAndResumesAtTheNextStart() throws IOException {
    RtpPacketizer packetizer = RtpPacketizer.forMimeType("video/VP8", 100, 0, 0);
    RtpDepacketizer depacketizer = RtpDepacketizer.forMimeType("video/VP8");
    byte[] frame1 = new byte[250];
    byte[] frame2 = new byte[150];
    java.util.Arrays.fill(frame2, (byte) 7);
    List<byte[]> p1 = packetizer.packetize(frame1, true);
    List<byte[]> p2 = packetizer.packetize(frame2, false);
    assertThat(depacketizer.push(p1.get(0), 1, false)).isNull();
    // packet 2 lost
    assertThat(depacketizer.push(p1.get(2), 3, true)).isNull();
    assertThat(depacketizer.push(p2.get(0), 4, false)).isNull();
    assertThat(depacketizer.push(p2.get(1), 5, true)).isEqualTo(frame2);
  }

  @Test
  void vp9MarksFrameBoundariesAndKeyFrames() {
    List<byte[]> payloads = RtpPacketizer.forMimeType("video/VP9", 500, 640, 360).packetize(new byte[1200], true);
    assertThat(payloads).hasSize(3);
    assertThat(payloads.get(0)[0] & 0x0e).isEqualTo(0x0a); // B and V on the first, no E
    assertThat(payloads.get(0)[0] & 0x40).isZero();       // key frame: not inter-predicted
    assertThat(payloads.get(2)[0] & 0x04).isEqualTo(0x04); // E on the last
  }

  @Test
  void av1DropsTemporalDelimitersAndStripsSizeFields() {
    // temporal delimiter (type 2, size 0), sequence header (type 1, 3 bytes), frame (type 6, 2000 bytes)
    byte[] frame = new byte[2000];
    java.io.ByteArrayOutputStream tu = new java.io.ByteArrayOutputStream();
    tu.write(0x12);
    tu.write(0);
    tu.write(0x0a);
    tu.write(3);
    tu.writeBytes(new byte[] {1, 2, 3});
    tu.write(0x32);
    tu.write(0xd0); // 2000 = 0x7d0 in LEB128: d0 0f
    tu.write(0x0f);
    tu.writeBytes(frame);
    List<byte[]> payloads = RtpPacketizer.forMimeType("video/AV1", 1000, 0, 0).packetize(tu.toByteArray(), true);
    assertThat(payloads).hasSize(3);
    assertThat(payloads.get(0)[0] & 0xff).isEqualTo(0x48); // N and Y on the first
    assertThat(payloads.get(1)[0] & 0xff).isEqualTo(0xc0); // Z and Y in the middle
    assertThat(payloads.get(2)[0] & 0xff).isEqualTo(0x80); // Z on the last
    assertThat(payloads.get(0)[1]).isEqualTo((byte) 4);    // the sequence header element: 4 bytes
    assertThat(payloads.get(0)[2]).isEqualTo((byte) 0x08); // its header without the size flag
    int total = payloads.stream().mapToInt(p -> p.length).sum();
    assertThat(total).isLessThan(2000 + 4 + 20);
  }

  @Test
  void malformedH264PayloadsGetATypedError() {
    RtpDepacketizer d = RtpDepacketizer.forMimeType("video/H264");
    assertThatThrownBy(() -> d.push(new byte[] {24, 0, 50, 1}, 1, true)).isInstanceOf(MediaFormatException.class);
    assertThatThrownBy(() -> d.push(new byte[] {0}, 2, true)).isInstanceOf(MediaFormatException.class);
  }
}
