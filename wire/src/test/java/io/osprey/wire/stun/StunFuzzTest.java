package io.osprey.wire.stun;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/** STUN arrives from anyone who can reach the UDP port: only StunFormatException may escape. */
class StunFuzzTest {
  private static final byte[] KEY = "VOkJxbRl1RmTxUk/WvJxBt".getBytes(StandardCharsets.UTF_8);

  @FuzzTest(maxDuration = "10s")
  void fuzz(byte[] data) {
    try {
      StunMessage m = StunMessage.parse(data, 0, data.length);
      m.verifyIntegrity(KEY);
      m.verifyFingerprint();
      m.username();
      m.priority();
      m.xorMappedAddress();
      m.errorCode();
      if (m.has(StunAttributes.ICE_CONTROLLING)) {
        m.tieBreaker(StunAttributes.ICE_CONTROLLING);
      }
    } catch (StunFormatException expected) {
      // the one allowed failure
    }
  }
}
