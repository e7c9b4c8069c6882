package io.osprey.wire.rtp;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.osprey.wire.WireFormatException;

/** RTP from the network: only WireFormatException may escape; extension lookups stay in bounds. */
class RtpFuzzTest {
  private static final RtpPacket VIEW = new RtpPacket();

  @FuzzTest(maxDuration = "10s")
  void fuzz(byte[] data) {
    try {
      VIEW.wrap(data, 0, data.length);
    } catch (WireFormatException expected) {
      return;
    }
    for (int id = 1; id < 16; id++) {
      long e = VIEW.findExtension(id);
      if (e != RtpPacket.NOT_FOUND && (e >> 16) + (e & 0xffff) > data.length) {
        throw new AssertionError("extension outside the packet");
      }
    }
    if (VIEW.payloadLength() < 0) {
      throw new AssertionError("negative payload length");
    }
  }
}
