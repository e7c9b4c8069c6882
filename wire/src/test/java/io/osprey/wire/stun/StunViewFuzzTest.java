package io.osprey.wire.stun;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.osprey.wire.crypto.HmacSha1;
import java.nio.charset.StandardCharsets;

/**
 * The in-place reader takes the same untrusted datagrams as StunMessage: only StunFormatException
 * may escape, and it must accept exactly what StunMessage accepts, with the same verdicts.
 */
class StunViewFuzzTest {
  private static final byte[] PASSWORD = "VOkJxbRl1RmTxUk/WvJxBt".getBytes(StandardCharsets.UTF_8);
  private static final HmacSha1 KEY = new HmacSha1(PASSWORD);
  private static final byte[] USERNAME = "evtj:h6vY".getBytes(StandardCharsets.UTF_8);
  private static final StunView VIEW = new StunView();

  @FuzzTest(maxDuration = "10s")
  void fuzz(byte[] data) {
    StunMessage parsed;
    try {
      parsed = StunMessage.parse(data, 0, data.length);
    } catch (StunFormatException e) {
      parsed = null;
    }
    StunView m;
    try {
      m = VIEW.wrap(data, 0, data.length);
    } catch (StunFormatException expected) {
      if (parsed != null) {
        throw new AssertionError("StunView rejects what StunMessage accepts", expected);
      }
      return;
    }
    if (parsed == null) {
      throw new AssertionError("StunView accepts what StunMessage rejects");
    }
    boolean integrity = m.verifyIntegrity(KEY);
    if (integrity != parsed.verifyIntegrity(PASSWORD) || m.verifyFingerprint() != parsed.verifyFingerprint()
        || m.has(StunAttributes.USE_CANDIDATE) != parsed.has(StunAttributes.USE_CANDIDATE)
        || m.stunClass() != parsed.stunClass()) {
      throw new AssertionError("StunView and StunMessage disagree");
    }
    m.usernameEquals(USERNAME);
    m.usernameStartsWith(USERNAME);
    m.hasTransactionId(new byte[12]);
  }
}
