package io.osprey.transport.srtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.osprey.testkit.Allocations;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Issue 3: protecting and unprotecting a packet allocates nothing once warm, for every profile. */
class SrtpAllocationTest {
  private static SrtpContext[] pair(SrtpProfile profile) {
    Random random = new Random(5);
    byte[] key = new byte[profile.keyLength()];
    byte[] salt = new byte[profile.saltLength()];
    random.nextBytes(key);
    random.nextBytes(salt);
    return new SrtpContext[] {new SrtpContext(profile, key, salt, true), new SrtpContext(profile, key, salt, true)};
  }

  @ParameterizedTest
  @EnumSource(SrtpProfile.class)
  void protectsAndUnprotectsRtpWithoutAllocating(SrtpProfile profile) throws Exception {
    SrtpContext[] c = pair(profile);
    byte[] packet = new byte[1200 + 16];
    int[] seq = {0};
    long bytes = Allocations.bytesAllocated(20_000, 10_000, () -> {
      packet[0] = (byte) 0x80;
      packet[1] = 96;
      packet[2] = (byte) (seq[0] >> 8);
      packet[3] = (byte) seq[0];
      packet[11] = 7;
      seq[0]++;
      int len = c[0].protectRtp(packet, 0, 1200);
      if (c[1].unprotectRtp(packet, 0, len) != 1200) {
        throw new AssertionError("round trip");
      }
    });
    assertThat(bytes).isZero();
  }

  @ParameterizedTest
  @EnumSource(SrtpProfile.class)
  void protectsAndUnprotectsRtcpWithoutAllocating(SrtpProfile profile) throws Exception {
    SrtpContext[] c = pair(profile);
    byte[] packet = new byte[200 + profile.rtcpOverhead()];
    long bytes = Allocations.bytesAllocated(20_000, 10_000, () -> {
      packet[0] = (byte) 0x81;
      packet[1] = (byte) 201;
      packet[3] = 49;
      packet[7] = 9;
      int len = c[0].protectRtcp(packet, 0, 200);
      if (c[1].unprotectRtcp(packet, 0, len) != 200) {
        throw new AssertionError("round trip");
      }
    });
    assertThat(bytes).isZero();
  }
}
