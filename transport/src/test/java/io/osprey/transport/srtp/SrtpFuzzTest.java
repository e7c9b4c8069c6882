package io.osprey.transport.srtp;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/** SRTP/SRTCP from the network: unprotect may only fail with SrtpException. */
class SrtpFuzzTest {
  private static final byte[] KEY = new byte[16];
  private static final byte[] SALT_CM = new byte[14];
  private static final byte[] SALT_GCM = new byte[12];
  private static final SrtpContext CM = new SrtpContext(SrtpProfile.AES_CM_128_HMAC_SHA1_80, KEY, SALT_CM, true);
  private static final SrtpContext GCM = new SrtpContext(SrtpProfile.AEAD_AES_128_GCM, KEY, SALT_GCM, true);

  @FuzzTest(maxDuration = "10s")
  void fuzz(FuzzedDataProvider data) {
    SrtpContext c = data.consumeBoolean() ? CM : GCM;
    boolean rtcp = data.consumeBoolean();
    byte[] packet = data.consumeRemainingAsBytes();
    try {
      if (rtcp) {
        c.unprotectRtcp(packet, 0, packet.length);
      } else {
        c.unprotectRtp(packet, 0, packet.length);
      }
    } catch (SrtpException expected) {
      // the one allowed failure
    }
  }
}
