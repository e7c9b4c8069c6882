package io.osprey.wire.sdp;

import com.code_intelligence.jazzer.junit.FuzzTest;

/** Offers come from any client: only SdpFormatException may escape, and what parses round-trips. */
class SdpFuzzTest {
  @FuzzTest(maxDuration = "10s")
  void fuzz(String text) throws SdpFormatException {
    SessionDescription sdp;
    try {
      sdp = SessionDescription.parse(text);
    } catch (SdpFormatException expected) {
      return;
    }
    String written = sdp.write();
    if (!SessionDescription.parse(written).write().equals(written)) {
      throw new AssertionError("write/parse is not stable");
    }
    for (MediaDescription m : sdp.media()) {
      m.mid();
      m.direction();
      m.payloadType("VP8");
    }
  }
}
