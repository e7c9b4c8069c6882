package io.osprey.wire.rtcp;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.osprey.wire.WireFormatException;
import java.util.ArrayList;
import java.util.List;

/** RTCP from the network (incl. transport-cc): only WireFormatException may escape. */
class RtcpFuzzTest {
  @FuzzTest(maxDuration = "10s")
  void fuzz(byte[] data) {
    List<RtcpPacket> out = new ArrayList<>();
    try {
      RtcpPacket.parseCompound(data, 0, data.length, out);
    } catch (WireFormatException expected) {
      // typed
    }
    for (RtcpPacket p : out) {
      p.encode();
    }
  }
}
