package io.osprey.wire.sctp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

class SctpPacketTest {
  private static int crc32c(byte[] b) {
    CRC32C c = new CRC32C();
    c.update(b);
    return (int) c.getValue();
  }

  @Test
  void crc32cMatchesTheRfc3720Vectors() {
    // RFC 3720 Appendix B.4: 32 bytes of zeros, of ones, incrementing, decrementing.
    byte[] inc = new byte[32];
    byte[] dec = new byte[32];
    for (int i = 0; i < 32; i++) {
      inc[i] = (byte) i;
      dec[i] = (byte) (31 - i);
    }
    byte[] ones = new byte[32];
    java.util.Arrays.fill(ones, (byte) 0xff);
    assertThat(crc32c(new byte[32])).isEqualTo(0x8A9136AA);
    assertThat(crc32c(ones)).isEqualTo(0x62A8AB43);
    assertThat(crc32c(inc)).isEqualTo(0x46DD794E);
    assertThat(crc32c(dec)).isEqualTo(0x113FDB5C);
  }

  @Test
  void roundTripsEveryChunkTheAssociationUses() throws SctpFormatException {
    SctpChunks.Init init = new SctpChunks.Init(0x11223344L, 1 << 20, 65535, 65535, 7,
        List.of(new SctpChunks.Param(SctpChunks.PARAM_FORWARD_TSN_SUPPORTED, new byte[0]),
            new SctpChunks.Param(SctpChunks.PARAM_STATE_COOKIE, new byte[] {1, 2, 3, 4, 5})));
    SctpChunks.Data data = new SctpChunks.Data(true, true, false, 0xFFFFFFFFL, 3, 9, 51, "hi".getBytes());
    SctpChunks.Sack sack = new SctpChunks.Sack(100, 5000, List.of(new int[] {2, 3}, new int[] {6, 6}), List.of(99L));
    SctpPacket packet = new SctpPacket(5000, 5000, 0xCAFEBABEL, List.of(init.chunk(SctpChunk.INIT_ACK), data.chunk(),
        sack.chunk(), new SctpChunk(SctpChunk.HEARTBEAT, 0, new byte[] {0, 1, 0, 6, 9, 9})));
    byte[] wire = packet.encode();
    SctpPacket parsed = SctpPacket.parse(wire, 0, wire.length);
    assertThat(parsed.verificationTag()).isEqualTo(0xCAFEBABEL);
    assertThat(parsed.chunks()).hasSize(4);
    SctpChunks.Init i = SctpChunks.Init.of(parsed.chunks().get(0));
    assertThat(i.initiateTag()).isEqualTo(0x11223344L);
    assertThat(i.param(SctpChunks.PARAM_STATE_COOKIE)).containsExactly(1, 2, 3, 4, 5);
    SctpChunks.Data d = SctpChunks.Data.of(parsed.chunks().get(1));
    assertThat(d.unordered()).isTrue();
    assertThat(d.beginning()).isTrue();
    assertThat(d.ending()).isFalse();
    assertThat(d.tsn()).isEqualTo(0xFFFFFFFFL);
    assertThat(new String(d.payload())).isEqualTo("hi");
    SctpChunks.Sack s = SctpChunks.Sack.of(parsed.chunks().get(2));
    assertThat(s.cumulativeTsnAck()).isEqualTo(100);
    assertThat(s.gaps()).hasSize(2);
    assertThat(s.gaps().get(1)).containsExactly(6, 6);
    assertThat(s.duplicates()).containsExactly(99L);
    assertThat(parsed.chunks().get(3).value()).containsExactly(0, 1, 0, 6, 9, 9);
  }

  @Test
  void rejectsBadChecksumsAndOverrunningChunks() {
    byte[] wire = new SctpPacket(5000, 5000, 1, List.of(new SctpChunk(SctpChunk.COOKIE_ACK, 0, new byte[0]))).encode();
    byte[] corrupted = wire.clone();
    corrupted[5] ^= 1;
    assertThatThrownBy(() -> SctpPacket.parse(corrupted, 0, corrupted.length)).hasMessageContaining("checksum");
    assertThatThrownBy(() -> SctpPacket.parse(wire, 0, 8)).hasMessageContaining("shorter");
    byte[] overrun = wire.clone();
    overrun[15] = 100; // chunk length 100 in a 16-byte packet
    fixChecksum(overrun);
    assertThatThrownBy(() -> SctpPacket.parse(overrun, 0, overrun.length)).hasMessageContaining("overruns");
    byte[] tooShort = wire.clone();
    tooShort[15] = 2;
    fixChecksum(tooShort);
    assertThatThrownBy(() -> SctpPacket.parse(tooShort, 0, tooShort.length)).hasMessageContaining("below 4");
    assertThatThrownBy(() -> SctpChunks.Data.of(new SctpChunk(SctpChunk.DATA, 3, new byte[5])))
        .hasMessageContaining("shorter than 12");
    assertThatThrownBy(() -> SctpChunks.Init.of(new SctpChunk(SctpChunk.INIT, 0, new byte[16])))
        .hasMessageContaining("zero initiate tag");
  }

  private static void fixChecksum(byte[] p) {
    int crc = SctpPacket.checksum(p, 0, p.length);
    p[8] = (byte) crc;
    p[9] = (byte) (crc >> 8);
    p[10] = (byte) (crc >> 16);
    p[11] = (byte) (crc >> 24);
  }
}
