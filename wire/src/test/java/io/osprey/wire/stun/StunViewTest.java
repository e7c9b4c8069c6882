package io.osprey.wire.stun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.osprey.testkit.Allocations;
import io.osprey.wire.crypto.HmacSha1;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The in-place STUN reader: RFC 5769's vectors, the same verdicts as StunMessage, and no allocation. */
class StunViewTest {
  private static final byte[] PASSWORD = "VOkJxbRl1RmTxUk/WvJxBt".getBytes(StandardCharsets.UTF_8);
  private static final byte[] TRANSACTION = HexFormat.of().parseHex("b7e7a701bc34d686fa87dfae");

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void readsAndVerifiesTheSampleRequestOfRfc5769InPlace() throws Exception {
    byte[] datagram = new byte[Rfc5769Test.REQUEST.length + 7];
    System.arraycopy(Rfc5769Test.REQUEST, 0, datagram, 3, Rfc5769Test.REQUEST.length); // not at offset 0
    StunView m = new StunView().wrap(datagram, 3, Rfc5769Test.REQUEST.length);
    assertThat(m.stunClass()).isEqualTo(StunClass.REQUEST);
    assertThat(m.method()).isEqualTo(StunAttributes.BINDING);
    assertThat(m.hasTransactionId(TRANSACTION)).isTrue();
    assertThat(m.transactionId()).isEqualTo(TRANSACTION);
    assertThat(m.usernameEquals(utf8("evtj:h6vY"))).isTrue();
    assertThat(m.usernameEquals(utf8("evtj:h6v"))).isFalse();
    assertThat(m.usernameStartsWith(utf8("evtj:"))).isTrue();
    assertThat(m.usernameStartsWith(utf8("evtk:"))).isFalse();
    assertThat(m.has(StunAttributes.ICE_CONTROLLED)).isTrue();
    assertThat(m.has(StunAttributes.USE_CANDIDATE)).isFalse();
    assertThat(m.has(StunAttributes.FINGERPRINT)).isFalse(); // never counted as an attribute
    assertThat(m.verifyFingerprint()).isTrue();
    assertThat(m.verifyIntegrity(new HmacSha1(PASSWORD))).isTrue();
    assertThat(m.verifyIntegrity(new HmacSha1(utf8("VOkJxbRl1RmTxUk/WvJxBu")))).isFalse();

    datagram[3 + 30] ^= 1; // inside SOFTWARE: both checks fail
    assertThat(m.verifyFingerprint()).isFalse();
    assertThat(m.verifyIntegrity(new HmacSha1(PASSWORD))).isFalse();
  }

  @Test
  void verifiesTheResponsesOfRfc5769() throws Exception {
    HmacSha1 key = new HmacSha1(PASSWORD);
    StunView view = new StunView();
    for (byte[] response : new byte[][] {Rfc5769Test.IPV4_RESPONSE, Rfc5769Test.IPV6_RESPONSE}) {
      view.wrap(response, 0, response.length);
      assertThat(view.stunClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
      assertThat(view.has(StunAttributes.XOR_MAPPED_ADDRESS)).isTrue();
      assertThat(view.verifyIntegrity(key)).isTrue();
      assertThat(view.verifyFingerprint()).isTrue();
    }
  }

  @Test
  void ignoresAttributesAfterMessageIntegrity() throws Exception {
    byte[] m = new StunMessageBuilder(StunClass.REQUEST, StunAttributes.BINDING, TRANSACTION)
        .username("a:b").build(PASSWORD, false);
    byte[] extended = Arrays.copyOf(m, m.length + 4);
    extended[m.length + 1] = (byte) StunAttributes.USE_CANDIDATE; // zero-length USE-CANDIDATE after it
    extended[3] += 4;
    StunView view = new StunView().wrap(extended, 0, extended.length);
    assertThat(view.has(StunAttributes.USE_CANDIDATE)).isFalse();
    assertThat(view.has(StunAttributes.MESSAGE_INTEGRITY)).isTrue();
    assertThat(view.verifyIntegrity(new HmacSha1(PASSWORD))).isTrue();
    assertThat(view.hasFingerprint()).isFalse();
    assertThat(view.verifyFingerprint()).isFalse();
  }

  @Test
  void rejectsWhatStunMessageRejectsWithTheSameTypedError() {
    byte[] request = Rfc5769Test.REQUEST;
    byte[][] malformed = {
        Arrays.copyOf(request, 19), // shorter than the header
        Arrays.copyOf(request, request.length - 4), // length field does not match
        withByte(request, 0, 0x40), // first two bits not zero
        withByte(request, 4, 0), // no magic cookie
        withByte(request, 23, 0xff), // SOFTWARE overruns the message
        withByte(request, request.length - 5, 5), // FINGERPRINT of 5 bytes
    };
    for (byte[] m : malformed) {
      assertThatThrownBy(() -> new StunView().wrap(m, 0, m.length)).isInstanceOf(StunFormatException.class);
      assertThatThrownBy(() -> StunMessage.parse(m, 0, m.length)).isInstanceOf(StunFormatException.class);
    }
  }

  @Test
  void checksAnIceCheckWithoutAllocating() throws Exception {
    byte[] check = new StunMessageBuilder(StunClass.REQUEST, StunAttributes.BINDING, TRANSACTION)
        .username("abcdefghijklmnop:wxyz").priority(1853817087L).iceControlling(0x1234_5678_9abc_def0L)
        .useCandidate().build(PASSWORD, true);
    HmacSha1 key = new HmacSha1(PASSWORD);
    byte[] username = utf8("abcdefghijklmnop:wxyz");
    StunView view = new StunView();
    long bytes = Allocations.bytesAllocated(20_000, 10_000, () -> {
      StunView m = view.wrap(check, 0, check.length);
      if (m.stunClass() != StunClass.REQUEST || !m.verifyFingerprint() || !m.usernameEquals(username)
          || !m.verifyIntegrity(key) || !m.has(StunAttributes.USE_CANDIDATE) || m.has(StunAttributes.ICE_CONTROLLED)) {
        throw new AssertionError("the check should pass");
      }
    });
    assertThat(bytes).isZero();
  }

  private static byte[] withByte(byte[] m, int index, int value) {
    byte[] copy = m.clone();
    copy[index] = (byte) value;
    return copy;
  }
}
