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
