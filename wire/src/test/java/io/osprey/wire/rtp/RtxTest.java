package io.osprey.wire.rtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.osprey.wire.WireFormatException;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class RtxTest {
  // V=2 X=1 M=1 PT=96 seq=0x1234 ts=0x11223344 ssrc=0xAABBCCDD; extension id 3 (transport-cc) = 0x0102; payload cafebabe
  private static final String PRIMARY = "90e01234" + "11223344" + "aabbccdd" + "bede0001" + "31010200" + "cafebabe";

  @Test
  void wrapsAPacketBehindItsOriginalSequenceNumberOnTheRepairStream() throws WireFormatException {
    byte[] buf = Arrays.copyOf(HexFormat.of().parseHex(PRIMARY), 64);
    int n = Rtx.wrap(buf, 0, 24, 20, 97, 0x0007, 0x01020304L);

    assertThat(n).isEqualTo(26);
    RtpPacket rtx = new RtpPacket().wrap(buf, 0, n);
    assertThat(rtx.payloadType()).isEqualTo(97);
    assertThat(rtx.marker()).as("kept").isTrue();
    assertThat(rtx.sequenceNumber()).isEqualTo(7);
    assertThat(rtx.timestamp()).as("kept").isEqualTo(0x11223344L);
    assertThat(rtx.ssrc()).isEqualTo(0x01020304L);
    assertThat(rtx.findExtension(3) & 0xffff).as("extensions kept").isEqualTo(2);
    assertThat(HexFormat.of().formatHex(buf, rtx.payloadOffset(), n)).isEqualTo("1234" + "cafebabe");
  }

  @Test
  void unwrappingGivesBackTheOriginalPacketByteForByte() throws WireFormatException {
    byte[] original = HexFormat.of().parseHex(PRIMARY);
    byte[] buf = Arrays.copyOf(original, 64);
    int n = Rtx.wrap(buf, 0, original.length, 20, 97, 0xffff, 0x01020304L);

    int back = Rtx.unwrap(new RtpPacket().wrap(buf, 0, n), 96, 0xAABBCCDDL);

    assertThat(Arrays.copyOf(buf, back)).isEqualTo(original);
  }

  @Test
  void paddingStaysAtTheEndOfTheRetransmission() throws WireFormatException {
    // P=1, no extension, payload abcd, 3 bytes of padding
    byte[] original = HexFormat.of().parseHex("a0600010" + "00000001" + "00000002" + "abcd" + "000003");
    byte[] buf = Arrays.copyOf(original, 32);
    int n = Rtx.wrap(buf, 0, original.length, 12, 97, 1, 9);

    RtpPacket rtx = new RtpPacket().wrap(buf, 0, n);
    assertThat(rtx.paddingLength()).isEqualTo(3);
    assertThat(HexFormat.of().formatHex(buf, rtx.payloadOffset(), rtx.payloadOffset() + rtx.payloadLength())).isEqualTo("0010abcd");
    assertThat(Arrays.copyOf(buf, Rtx.unwrap(rtx, 96, 2))).isEqualTo(original);
  }

  @Test
  void refusesWhatCannotBeARetransmission() throws WireFormatException {
    byte[] empty = HexFormat.of().parseHex("80610001" + "00000001" + "00000002" + "ab");
    assertThatThrownBy(() -> Rtx.unwrap(new RtpPacket().wrap(empty, 0, empty.length), 96, 1))
        .isInstanceOf(WireFormatException.class).hasMessageContaining("no original sequence number");
    byte[] full = HexFormat.of().parseHex(PRIMARY);
    assertThatThrownBy(() -> Rtx.wrap(full, 0, full.length, 20, 97, 1, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no room");
  }
}
