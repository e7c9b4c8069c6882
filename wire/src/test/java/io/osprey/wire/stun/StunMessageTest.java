package io.osprey.wire.stun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class StunMessageTest {
  private static final byte[] TX = new byte[12];
  private static final byte[] KEY = "pass".getBytes(StandardCharsets.UTF_8);

  private static String failure(byte[] msg) {
    try {
      StunMessage.parse(msg, 0, msg.length);
      return "parsed";
    } catch (StunFormatException e) {
      return e.getMessage();
    }
  }

  @Test
  void encodesEveryClassAndMethodIntoTheTypeAndBack() {
    for (StunClass c : StunClass.values()) {
      for (int method : new int[] {0x001, 0x003, 0x0ff, 0xfff}) {
        int type = c.type(method);
        assertThat(StunClass.fromType(type)).isEqualTo(c);
        assertThat(StunClass.methodOf(type)).isEqualTo(method);
      }
    }
    assertThat(StunClass.SUCCESS_RESPONSE.type(StunAttributes.BINDING)).isEqualTo(0x0101);
    assertThat(StunClass.ERROR_RESPONSE.type(StunAttributes.BINDING)).isEqualTo(0x0111);
  }

  @Test
  void roundTripsAnIceCheckWithUseCandidateAndAnErrorResponse() throws Exception {
    byte[] check = new StunMessageBuilder(StunClass.REQUEST, StunAttributes.BINDING, TX).username("a:b").priority(7)
        .iceControlling(42).useCandidate().build(KEY, true);
    StunMessage m = StunMessage.parse(check, 0, check.length);
    assertThat(m.has(StunAttributes.USE_CANDIDATE)).isTrue();
    assertThat(m.tieBreaker(StunAttributes.ICE_CONTROLLING)).isEqualTo(42);
    assertThat(m.verifyIntegrity(KEY)).isTrue();
    assertThat(m.verifyFingerprint()).isTrue();

    byte[] error = new StunMessageBuilder(StunClass.ERROR_RESPONSE, StunAttributes.BINDING, TX)
        .errorCode(487, "Role Conflict").build(true);
    StunMessage e = StunMessage.parse(error, 0, error.length);
    assertThat(e.errorCode()).isEqualTo(new StunMessage.ErrorCode(487, "Role Conflict"));
    assertThat(e.hasIntegrity()).isFalse();
  }

  @Test
  void detectsTamperingThroughIntegrityAndFingerprint() throws Exception {
    byte[] msg = new StunMessageBuilder(StunClass.REQUEST, StunAttributes.BINDING, TX).username("a:b").build(KEY, true);
    msg[25] ^= 1; // inside USERNAME
    StunMessage m = StunMessage.parse(msg, 0, msg.length);
    assertThat(m.verifyIntegrity(KEY)).isFalse();
    assertThat(m.verifyFingerprint()).isFalse();
  }

  @Test
  void rejectsEveryKindOfMalformedMessage() {
    byte[] good = new StunMessageBuilder(StunClass.REQUEST, StunAttributes.BINDING, TX).username("a:b").build(KEY, true);
    assertThat(failure(Arrays.copyOf(good, 19))).contains("shorter than its 20-byte header");
    byte[] badBits = good.clone();
    badBits[0] = (byte) 0x80;
    assertThat(failure(badBits)).contains("two zero bits");
    byte[] badCookie = good.clone();
    badCookie[5] = 0;
    assertThat(failure(badCookie)).contains("magic cookie");
    byte[] oddLength = good.clone();
    oddLength[3] += 1;
    assertThat(failure(oddLength)).contains("not a multiple of 4");
    assertThat(failure(Arrays.copyOf(good, good.length - 4))).contains("does not match");
    byte[] overrun = good.clone();
    overrun[23] = (byte) 0xff; // USERNAME claims 255 bytes
    assertThat(failure(overrun)).contains("overruns");
    byte[] afterFingerprint = Arrays.copyOf(good, good.length + 4);
    afterFingerprint[3] += 4;
    afterFingerprint[good.length] = 0x00;
    afterFingerprint[good.length + 1] = 0x06;
    assertThat(failure(afterFingerprint)).contains("after FINGERPRINT");
    byte[] shortIntegrity = new StunMessageBuilder(StunClass.REQUEST, 1, TX)
        .attribute(StunAttributes.MESSAGE_INTEGRITY, new byte[8]).build(false);
    assertThat(failure(shortIntegrity)).contains("MESSAGE-INTEGRITY must be 20 bytes");
  }

  @Test
  void rejectsMalformedAttributeValuesWithTypedErrors() throws Exception {
    byte[] shortError = new StunMessageBuilder(StunClass.ERROR_RESPONSE, 1, TX)
        .attribute(StunAttributes.ERROR_CODE, new byte[2]).build(false);
    StunMessage e = StunMessage.parse(shortError, 0, shortError.length);
    assertThatThrownBy(e::errorCode).isInstanceOf(StunFormatException.class).hasMessageContaining("shorter than 4");
    byte[] badClass = new StunMessageBuilder(StunClass.ERROR_RESPONSE, 1, TX)
        .attribute(StunAttributes.ERROR_CODE, new byte[] {0, 0, 1, 0}).build(false);
    assertThatThrownBy(() -> StunMessage.parse(badClass, 0, badClass.length).errorCode())
        .isInstanceOf(StunFormatException.class).hasMessageContaining("outside 300-699");
    byte[] badFamily = new StunMessageBuilder(StunClass.SUCCESS_RESPONSE, 1, TX)
        .attribute(StunAttributes.XOR_MAPPED_ADDRESS, new byte[] {0, 9, 0, 0, 1, 2, 3, 4}).build(false);
    assertThatThrownBy(() -> StunMessage.parse(badFamily, 0, badFamily.length).xorMappedAddress())
        .isInstanceOf(StunFormatException.class).hasMessageContaining("family 9");
    byte[] badPriority = new StunMessageBuilder(StunClass.REQUEST, 1, TX)
        .attribute(StunAttributes.PRIORITY, new byte[3]).build(false);
    assertThatThrownBy(() -> StunMessage.parse(badPriority, 0, badPriority.length).priority())
        .isInstanceOf(StunFormatException.class);
  }

  @Test
  void ignoresAttributesAfterMessageIntegrityButFingerprint() throws Exception {
    byte[] msg = new StunMessageBuilder(StunClass.REQUEST, 1, TX).username("a:b").build(KEY, false);
    byte[] extended = Arrays.copyOf(msg, msg.length + 8);
    extended[3] += 8;
    extended[msg.length + 1] = 0x24; // PRIORITY after MESSAGE-INTEGRITY
    extended[msg.length + 3] = 4;
    StunMessage m = StunMessage.parse(extended, 0, extended.length);
    assertThat(m.has(StunAttributes.PRIORITY)).isFalse();
  }
}
