package io.osprey.wire.demux;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PacketKindTest {
  private static PacketKind of(int... bytes) {
    byte[] b = new byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      b[i] = (byte) bytes[i];
    }
    return PacketKind.of(b, 0, b.length);
  }

  @Test
  void classifiesByTheFirstByteAsRfc7983Says() {
    assertThat(of(0x00, 0x01)).isEqualTo(PacketKind.STUN);
    assertThat(of(0x01, 0x01)).isEqualTo(PacketKind.STUN);
    assertThat(of(17)).isEqualTo(PacketKind.ZRTP);
    assertThat(of(22, 0xfe, 0xfd)).isEqualTo(PacketKind.DTLS); // handshake record
    assertThat(of(23)).isEqualTo(PacketKind.DTLS);             // application data
    assertThat(of(64)).isEqualTo(PacketKind.TURN_CHANNEL);
    assertThat(of(200)).isEqualTo(PacketKind.UNKNOWN);
    assertThat(of()).isEqualTo(PacketKind.UNKNOWN);
  }

  @Test
  void tellsRtcpFromRtpByThePacketType() {
    assertThat(of(0x80, 96)).isEqualTo(PacketKind.RTP);          // VP8, no marker
    assertThat(of(0x80, 0x80 | 111)).isEqualTo(PacketKind.RTP);  // Opus with marker: 239
    assertThat(of(0x80, 200)).isEqualTo(PacketKind.RTCP);        // SR
    assertThat(of(0x81, 205)).isEqualTo(PacketKind.RTCP);        // generic NACK
    assertThat(of(0x81, 206)).isEqualTo(PacketKind.RTCP);        // PLI
    assertThat(of(0x80)).isEqualTo(PacketKind.UNKNOWN);
  }
}
