package io.osprey.wire.rtcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.osprey.wire.WireFormatException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RtcpPacketTest {
  private static List<RtcpPacket> parse(byte[] b) throws WireFormatException {
    List<RtcpPacket> out = new ArrayList<>();
    RtcpPacket.parseCompound(b, 0, b.length, out);
    return out;
  }

  private static byte[] concat(byte[]... parts) {
    java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream();
    for (byte[] p : parts) {
      o.writeBytes(p);
    }
    return o.toByteArray();
  }

  @Test
  void roundTripsACompoundOfEveryModelledType() throws WireFormatException {
    RtcpPacket.ReportBlock block = new RtcpPacket.ReportBlock(7, 25, -3, 70_000, 120, 0x12345678L, 65536);
    List<RtcpPacket> all = List.of(
        new RtcpPacket.SenderReport(1, 0xE1234567_89ABCDEFL, 90000, 100, 120_000, List.of(block)),
        new RtcpPacket.ReceiverReport(2, List.of(block, block)),
        new RtcpPacket.Goodbye(List.of(3L, 4L)),
        new RtcpPacket.GenericNack(5, 6, List.of(100, 101, 116, 117, 200)),
        new RtcpPacket.PictureLossIndication(8, 9),
        new RtcpPacket.FullIntraRequest(10, List.of(new long[] {11, 3})),
        new RtcpPacket.ReceiverEstimatedMaxBitrate(12, 1_500_000 & ~0x3, List.of(13L, 14L)));
    byte[] compound = concat(all.stream().map(RtcpPacket::encode).toArray(byte[][]::new));
    List<RtcpPacket> parsed = parse(compound);
    assertThat(parsed).hasSize(all.size());
    assertThat(parsed.get(0)).isEqualTo(all.get(0));
    assertThat(parsed.get(1)).isEqualTo(all.get(1));
    assertThat(parsed.get(2)).isEqualTo(all.get(2));
    assertThat(((RtcpPacket.GenericNack) parsed.get(3)).lost()).containsExactly(100, 101, 116, 117, 200);
    assertThat(parsed.get(4)).isEqualTo(all.get(4));
    assertThat(((RtcpPacket.FullIntraRequest) parsed.get(5)).entries().get(0)).containsExactly(11, 3);
    RtcpPacket.ReceiverEstimatedMaxBitrate remb = (RtcpPacket.ReceiverEstimatedMaxBitrate) parsed.get(6);
    assertThat(remb.bitrate()).isEqualTo(1_500_000 & ~0x3);
    assertThat(remb.ssrcs()).containsExactly(13L, 14L);
  }

  @Test
  void transportCcFeedbackCarriesArrivalsAndLossesExactly() throws WireFormatException {
    long[] arrivals = new long[40];
    long t = 1_000_000;
    for (int i = 0; i < arrivals.length; i++) {
      t += i == 20 ? 100_000 : (i == 30 ? -5_000 : 1_000); // a large gap and a negative delta
      arrivals[i] = i % 9 == 4 ? -1 : t;
    }
    TransportCc built = TransportCc.of(1, 2, 65530, 7, arrivals, arrivals.length);
    TransportCc parsed = (TransportCc) parse(built.encode()).get(0);
    assertThat(parsed.baseSequence()).isEqualTo(65530);
    assertThat(parsed.feedbackCount()).isEqualTo(7);
    assertThat(parsed.arrivalMicros()).hasSize(40);
    long base = built.referenceTime() * 64_000L;
    for (int i = 0; i < arrivals.length; i++) {
      if (arrivals[i] < 0) {
        assertThat(parsed.arrivalMicros()[i]).isEqualTo(-1);
      } else {
        assertThat(base + parsed.arrivalMicros()[i]).isCloseTo(arrivals[i], org.assertj.core.data.Offset.offset(250L));
      }
    }
  }

  @Test
  void keepsUnknownPacketsWhole() throws WireFormatException {
    byte[] app = {(byte) 0x80, (byte) 204, 0, 2, 0, 0, 0, 1, 'n', 'a', 'm', 'e'};
    RtcpPacket p = parse(app).get(0);
    assertThat(p).isInstanceOf(RtcpPacket.Unknown.class);
    assertThat(p.encode()).isEqualTo(app);
  }

  @Test
  void reportsMalformedPacketsButKeepsTheValidOnesBefore() {
    byte[] good = new RtcpPacket.PictureLossIndication(1, 2).encode();
    byte[] bad = {(byte) 0x80, (byte) 201, 0, 50};
    List<RtcpPacket> into = new ArrayList<>();
    assertThatThrownBy(() -> RtcpPacket.parseCompound(concat(good, bad), 0, good.length + bad.length, into))
        .isInstanceOf(WireFormatException.class).hasMessageContaining("overruns");
    assertThat(into).containsExactly(new RtcpPacket.PictureLossIndication(1, 2));
    byte[] shortSr = {(byte) 0x81, (byte) 200, 0, 1, 0, 0, 0, 1};
    assertThatThrownBy(() -> parse(shortSr)).isInstanceOf(WireFormatException.class).hasMessageContaining("too short");
  }
}
