package io.osprey.transport.srtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class SrtpContextTest {
  private static final Random RANDOM = new Random(7);

  private static byte[] random(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  private static SrtpContext[] pair(SrtpProfile p, boolean replay) {
    byte[] key = random(p.keyLength());
    byte[] salt = random(p.saltLength());
    return new SrtpContext[] {new SrtpContext(p, key, salt, replay), new SrtpContext(p, key, salt, replay)};
  }

  /** An RTP packet with a one-byte header extension and a recognisable payload, with room for a tag. */
  private static byte[] rtp(int seq, int ssrc, int payload) {
    byte[] p = new byte[12 + 8 + payload + 16];
    p[0] = (byte) 0x90; // V=2, X=1
    p[1] = 96;
    p[2] = (byte) (seq >> 8);
    p[3] = (byte) seq;
    p[8] = (byte) (ssrc >> 24);
    p[9] = (byte) (ssrc >> 16);
    p[10] = (byte) (ssrc >> 8);
    p[11] = (byte) ssrc;
    p[12] = (byte) 0xBE;
    p[13] = (byte) 0xDE;
    p[15] = 1; // one 32-bit word of extensions
    p[16] = 0x10; // id 1, length 1
    p[17] = 42;
    for (int i = 0; i < payload; i++) {
      p[20 + i] = (byte) (i * 7 + seq);
    }
    return p;
  }

  private static int plainLength(byte[] packet) {
    return packet.length - 16;
  }

  @ParameterizedTest
  @EnumSource(SrtpProfile.class)
  void protectsAndUnprotectsRtpLeavingTheHeaderReadable(SrtpProfile profile) throws SrtpException {
    SrtpContext[] c = pair(profile, false);
    byte[] packet = rtp(1000, 0x11223344, 1160);
    byte[] original = Arrays.copyOf(packet, plainLength(packet));
    int len = c[0].protectRtp(packet, 0, plainLength(packet));
    assertThat(len).isEqualTo(original.length + profile.tagLength());
    assertThat(Arrays.copyOf(packet, 20)).isEqualTo(Arrays.copyOf(original, 20)); // header and extension in clear
    assertThat(Arrays.copyOfRange(packet, 20, 60)).isNotEqualTo(Arrays.copyOfRange(original, 20, 60));
    int plain = c[1].unprotectRtp(packet, 0, len);
    assertThat(Arrays.copyOf(packet, plain)).isEqualTo(original);
  }

  @ParameterizedTest
  @EnumSource(SrtpProfile.class)
  void rejectsTamperedPackets(SrtpProfile profile) throws SrtpException {
    SrtpContext[] c = pair(profile, false);
    byte[] packet = rtp(5, 1, 100);
    int len = c[0].protectRtp(packet, 0, plainLength(packet));
    packet[30] ^= 1;
    assertThatThrownBy(() -> c[1].unprotectRtp(packet, 0, len)).isSameAs(SrtpException.AUTHENTICATION_FAILED);
    byte[] other = rtp(5, 1, 100);
    int otherLen = pair(profile, false)[0].protectRtp(other, 0, plainLength(other));
    assertThatThrownBy(() -> c[1].unprotectRtp(other, 0, otherLen)).isSameAs(SrtpException.AUTHENTICATION_FAILED);
  }

  @ParameterizedTest
  @EnumSource(SrtpProfile.class)
  void followsTheRolloverCounterAcrossTheWrapEvenWhenReordered(SrtpProfile profile) throws SrtpException {
    SrtpContext[] c = pair(profile, false);
    int[] sent = {65533, 65534, 65535, 0, 1, 2, 3};
    byte[][] wire = new byte[sent.length][];
    int[] lens = new int[sent.length];
    for (int i = 0; i < sent.length; i++) {
      wire[i] = rtp(sent[i], 9, 50);
      lens[i] = c[0].protectRtp(wire[i], 0, plainLength(wire[i]));
    }
    // arrival order: 65533, 65535, 0, 65534 (late, before the wrap), 2, 1, 3
    for (int i : new int[] {0, 2, 3, 1, 5, 4, 6}) {
      int plain = c[1].unprotectRtp(wire[i], 0, lens[i]);
      assertThat(plain).isEqualTo(plainLength(rtp(0, 9, 50)));
      assertThat(wire[i][20]).isEqualTo(rtp(sent[i], 9, 50)[20]);
    }
  }

  @ParameterizedTest
  @EnumSource(SrtpProfile.class)
  void protectsAndUnprotectsRtcp(SrtpProfile profile) throws SrtpException {
    SrtpContext[] c = pair(profile, false);
    byte[] rtcp = new byte[28 + profile.rtcpOverhead()];
    rtcp[0] = (byte) 0x80;
    rtcp[1] = (byte) 200;
    rtcp[3] = 6;
    rtcp[7] = 1;
    for (int i = 8; i < 28; i++) {
      rtcp[i] = (byte) i;
    }
    byte[] original = Arrays.copyOf(rtcp, 28);
    int len = c[0].protectRtcp(rtcp, 0, 28);
    assertThat(len).isEqualTo(28 + profile.rtcpOverhead());
    int plain = c[1].unprotectRtcp(rtcp, 0, len);
    assertThat(Arrays.copyOf(rtcp, plain)).isEqualTo(original);
    byte[] tampered = Arrays.copyOf(rtcp, len);
    int again = c[0].protectRtcp(Arrays.copyOf(original, len), 0, 28);
    assertThat(again).isEqualTo(len);
    tampered[10] ^= 1;
    assertThatThrownBy(() -> c[1].unprotectRtcp(tampered, 0, len)).isInstanceOf(SrtpException.class);
  }

  @Test
  void dropsReplaysOnlyWhenReplayProtectionIsOn() throws SrtpException {
    SrtpProfile p = SrtpProfile.AES_CM_128_HMAC_SHA1_80;
    byte[] key = random(16);
    byte[] salt = random(14);
    SrtpContext sender = new SrtpContext(p, key, salt, false);
    byte[] packet = rtp(77, 3, 40);
    int len = sender.protectRtp(packet, 0, plainLength(packet));

    SrtpContext guarded = new SrtpContext(p, key, salt, true);
    guarded.unprotectRtp(Arrays.copyOf(packet, len + 16), 0, len);
    assertThatThrownBy(() -> guarded.unprotectRtp(Arrays.copyOf(packet, len), 0, len)).isSameAs(SrtpException.REPLAYED);

    SrtpContext open = new SrtpContext(p, key, salt, false); // LiveKit's default
    open.unprotectRtp(Arrays.copyOf(packet, len), 0, len);
    open.unprotectRtp(Arrays.copyOf(packet, len), 0, len);
  }

  @Test
  void rejectsMalformedPackets() {
    SrtpContext c = pair(SrtpProfile.AES_CM_128_HMAC_SHA1_80, false)[1];
    assertThatThrownBy(() -> c.unprotectRtp(new byte[10], 0, 10)).isSameAs(SrtpException.MALFORMED);
    byte[] overrun = rtp(1, 1, 10);
    overrun[0] = (byte) 0x8f; // 15 CSRCs that are not there
    assertThatThrownBy(() -> c.unprotectRtp(overrun, 0, 40)).isSameAs(SrtpException.MALFORMED);
    byte[] notV2 = rtp(1, 1, 10);
    notV2[0] = 0x10;
    assertThatThrownBy(() -> c.unprotectRtp(notV2, 0, notV2.length)).isSameAs(SrtpException.MALFORMED);
    assertThatThrownBy(() -> c.unprotectRtcp(new byte[12], 0, 12)).isSameAs(SrtpException.MALFORMED);
    byte[] noRoom = new byte[30];
    noRoom[0] = (byte) 0x80;
    assertThatThrownBy(() -> c.protectRtp(noRoom, 0, 30)).isSameAs(SrtpException.MALFORMED);
  }
}
