package io.osprey.wire.rtcp;

import io.osprey.wire.WireFormatException;
import java.util.ArrayList;
import java.util.List;

/** Bounds-checked big-endian reads inside one packet. */
final class RtcpReader {
  private final byte[] b;
  private int pos;
  private final int end;

  RtcpReader(byte[] b, int pos, int end) {
    this.b = b;
    this.pos = pos;
    this.end = end;
  }

  int remaining() {
    return end - pos;
  }

  private void need(int n) throws WireFormatException {
    if (end - pos < n) {
      throw new WireFormatException("RTCP packet too short for its fields");
    }
  }

  int int8() throws WireFormatException {
    need(1);
    return b[pos++] & 0xff;
  }

  int int16() throws WireFormatException {
    need(2);
    int v = (b[pos] & 0xff) << 8 | (b[pos + 1] & 0xff);
    pos += 2;
    return v;
  }

  long int32() throws WireFormatException {
    need(4);
    long v = ((b[pos] & 0xffL) << 24) | ((b[pos + 1] & 0xff) << 16) | ((b[pos + 2] & 0xff) << 8) | (b[pos + 3] & 0xff);
    pos += 4;
    return v;
  }

  long int64() throws WireFormatException {
    return (int32() << 32) | int32();
  }

  List<RtcpPacket.ReportBlock> blocks(int count) throws WireFormatException {
    List<RtcpPacket.ReportBlock> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      long ssrc = int32();
      long word = int32();
      int fraction = (int) (word >>> 24);
      int lost = (int) (word & 0xffffff);
      if ((lost & 0x800000) != 0) {
        lost |= 0xff000000; // signed 24-bit
      }
      out.add(new RtcpPacket.ReportBlock(ssrc, fraction, lost, int32(), int32(), int32(), int32()));
    }
    return out;
  }
}

