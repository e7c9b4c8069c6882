package io.osprey.wire.rtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.osprey.wire.WireFormatException;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class RtpPacketTest {
  // V=2 X=1 M=1 PT=96 seq=0x1234 ts=0x11223344 ssrc=0xAABBCCDD; one-byte extensions: id 4 = "0" (mid), id 1 = 3 bytes
  private static final byte[] ONE_BYTE = HexFormat.of().parseHex(
      "90e01234" + "11223344" + "aabbccdd" + "bede0002" + "4030" + "12" + "abcdef" + "0000" + "cafebabe");

  @Test
  void readsTheHeaderAndFindsOneByteExtensions() throws WireFormatException {
    RtpPacket p = new RtpPacket().wrap(ONE_BYTE, 0, ONE_BYTE.length);
    assertThat(p.marker()).isTrue();
    assertThat(p.payloadType()).isEqualTo(96);
    assertThat(p.sequenceNumber()).isEqualTo(0x1234);
    assertThat(p.timestamp()).isEqualTo(0x11223344L);
    assertThat(p.ssrc()).isEqualTo(0xAABBCCDDL);
    assertThat(p.headerLength()).isEqualTo(24);
    assertThat(p.payloadLength()).isEqualTo(4);
    long mid = p.findExtension(4);
    assertThat(mid & 0xffff).isEqualTo(1);
    assertThat(ONE_BYTE[(int) (mid >> 16)]).isEqualTo((byte) '0');
    long other = p.findExtension(1);
    assertThat(other & 0xffff).isEqualTo(3);
    assertThat(p.findExtension(7)).isEqualTo(RtpPacket.NOT_FOUND);
  }

  @Test
  void findsTwoByteExtensions() throws WireFormatException {
    byte[] b = HexFormat.of().parseHex("90600001" + "00000000" + "00000001" + "10000002" + "0a03" + "616263" + "000000" + "ff");
    RtpPacket p = new RtpPacket().wrap(b, 0, b.length);
    long e = p.findExtension(10);
    assertThat(e & 0xffff).isEqualTo(3);
    assertThat(new String(b, (int) (e >> 16), 3)).isEqualTo("abc");
  }

  @Test
  void rewritesTheFieldsAnSfuChangesInPlace() throws WireFormatException {
    byte[] b = ONE_BYTE.clone();
    RtpPacket p = new RtpPacket().wrap(b, 0, b.length);
    p.setSequenceNumber(65535);
    p.setTimestamp(0xFFFFFFFFL);
    p.setSsrc(42);
    p.setPayloadType(100);
    p.setMarker(false);
    RtpPacket again = new RtpPacket().wrap(b, 0, b.length);
    assertThat(again.sequenceNumber()).isEqualTo(65535);
    assertThat(again.timestamp()).isEqualTo(0xFFFFFFFFL);
    assertThat(again.ssrc()).isEqualTo(42);
    assertThat(again.payloadType()).isEqualTo(100);
    assertThat(again.marker()).isFalse();
    assertThat(again.findExtension(4)).isEqualTo(p.findExtension(4));
  }

  @Test
  void rejectsMalformedHeadersAndPaddingLongerThanThePacket() {
    RtpPacket p = new RtpPacket();
    assertThatThrownBy(() -> p.wrap(new byte[11], 0, 11)).hasMessageContaining("shorter than 12");
    byte[] v1 = ONE_BYTE.clone();
    v1[0] = 0x50;
    assertThatThrownBy(() -> p.wrap(v1, 0, v1.length)).hasMessageContaining("version");
    byte[] csrc = ONE_BYTE.clone();
    csrc[0] = (byte) 0x9f;
    assertThatThrownBy(() -> p.wrap(csrc, 0, csrc.length)).hasMessageContaining("CSRC");
    byte[] ext = ONE_BYTE.clone();
    ext[15] = 50;
    assertThatThrownBy(() -> p.wrap(ext, 0, ext.length)).hasMessageContaining("extension");
    byte[] padding = ONE_BYTE.clone();
    padding[0] = (byte) 0xb0; // P bit
    padding[padding.length - 1] = (byte) 200; // CVE-2025-49140 class
    assertThatThrownBy(() -> p.wrap(padding, 0, padding.length)).hasMessageContaining("padding");
    padding[padding.length - 1] = 0;
    assertThatThrownBy(() -> p.wrap(padding, 0, padding.length)).hasMessageContaining("padding");
  }
}
