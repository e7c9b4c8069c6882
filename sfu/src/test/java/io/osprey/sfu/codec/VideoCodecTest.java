package io.osprey.sfu.codec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class VideoCodecTest {
  private static byte[] b(int... v) {
    byte[] out = new byte[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (byte) v[i];
    }
    return out;
  }

  @Test
  void vp8KeyFrameIsTheStartOfPartitionZeroWithThePBitClear() {
    // X=1 S=1 PID=0; I=1 L=1 T=1; 15-bit picture id; TL0PICIDX; TID; then the VP8 header, P=0
    assertThat(VideoCodec.VP8.isKeyFrame(b(0x90, 0xe0, 0x80, 0x01, 0x05, 0x20, 0x10), 0, 7)).isTrue();
    assertThat(VideoCodec.VP8.isKeyFrame(b(0x90, 0xe0, 0x80, 0x01, 0x05, 0x20, 0x11), 0, 7)).isFalse(); // P=1
    assertThat(VideoCodec.VP8.isKeyFrame(b(0x80, 0xe0, 0x80, 0x01, 0x05, 0x20, 0x10), 0, 7)).isFalse(); // S=0
    assertThat(VideoCodec.VP8.isKeyFrame(b(0x10, 0x10), 0, 2)).isTrue(); // no extension
    assertThat(VideoCodec.VP8.isKeyFrame(b(0x90, 0x80), 0, 2)).isFalse(); // cut short
  }

  @Test
  void h264KeyFramesAreIdrOrSpsInAnyPacketisation() {
    assertThat(VideoCodec.H264.isKeyFrame(b(0x65, 0), 0, 2)).isTrue(); // IDR
    assertThat(VideoCodec.H264.isKeyFrame(b(0x41, 0), 0, 2)).isFalse(); // non-IDR slice
    assertThat(VideoCodec.H264.isKeyFrame(b(0x78, 0, 2, 0x67, 0, 0, 2, 0x68, 0), 0, 9)).isTrue(); // STAP-A SPS+PPS
    assertThat(VideoCodec.H264.isKeyFrame(b(0x7c, 0x85, 0), 0, 3)).isTrue(); // FU-A start of IDR
    assertThat(VideoCodec.H264.isKeyFrame(b(0x7c, 0x05, 0), 0, 3)).isFalse(); // FU-A middle
  }

  @Test
  void vp9AndAv1() {
    assertThat(VideoCodec.VP9.isKeyFrame(b(0x08), 0, 1)).isTrue(); // B=1, P=0
    assertThat(VideoCodec.VP9.isKeyFrame(b(0x48), 0, 1)).isFalse(); // inter-predicted
    assertThat(VideoCodec.VP9.isKeyFrame(b(0x28, 0x02), 0, 2)).isFalse(); // L: spatial id 1
    assertThat(VideoCodec.AV1.isKeyFrame(b(0x18), 0, 1)).isTrue(); // N=1
    assertThat(VideoCodec.AV1.isKeyFrame(b(0x10), 0, 1)).isFalse();
    assertThat(VideoCodec.of("vp8")).isEqualTo(VideoCodec.VP8);
    assertThat(VideoCodec.of("opus")).isEqualTo(VideoCodec.OTHER);
  }
}
