package io.osprey.wire.rtcp;

import java.io.ByteArrayOutputStream;

/** Builds one packet: header with count/FMT and type, then 32-bit aligned fields. */
final class RtcpWriter {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final int count;
  private final int type;

  RtcpWriter(int type, int count) {
    this.type = type;
    this.count = count;
    out.writeBytes(new byte[4]);
  }

  RtcpWriter int16(int v) {
    out.write(v >> 8);
    out.write(v);
    return this;
  }

  RtcpWriter int32(long v) {
    out.write((int) (v >> 24));
    out.write((int) (v >> 16));
    out.write((int) (v >> 8));
    out.write((int) v);
    return this;
  }

  RtcpWriter int64(long v) {
    return int32(v >>> 32).int32(v);
  }

  RtcpWriter bytes(byte[] v) {
    out.writeBytes(v);
    return this;
  }

  RtcpWriter block(RtcpPacket.ReportBlock rb) {
    return int32(rb.ssrc()).int32(((long) rb.fractionLost() << 24) | (rb.cumulativeLost() & 0xffffff))
        .int32(rb.extendedHighestSequence()).int32(rb.jitter()).int32(rb.lastSenderReport())
        .int32(rb.delaySinceLastSenderReport());
  }

  byte[] done() {
    while (out.size() % 4 != 0) {
      out.write(0);
    }
    byte[] b = out.toByteArray();
    b[0] = (byte) (0x80 | (count & 0x1f));
    b[1] = (byte) type;
    int words = b.length / 4 - 1;
    b[2] = (byte) (words >> 8);
    b[3] = (byte) words;
    return b;
  }
}
