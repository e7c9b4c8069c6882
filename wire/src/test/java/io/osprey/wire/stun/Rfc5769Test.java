package io.osprey.wire.stun;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The test vectors of RFC 5769 §2.1-2.3, byte for byte, in both directions. */
class Rfc5769Test {
  private static final byte[] PASSWORD = "VOkJxbRl1RmTxUk/WvJxBt".getBytes(StandardCharsets.UTF_8);
  private static final byte[] TRANSACTION = HexFormat.of().parseHex("b7e7a701bc34d686fa87dfae");

  static final byte[] REQUEST = HexFormat.of().parseHex(
      "000100582112a442b7e7a701bc34d686fa87dfae"
      + "80220010" + "5354554e20746573742063 6c69656e74".replace(" ", "")
      + "00240004" + "6e0001ff"
      + "80290008" + "932ff9b151263b36"
      + "00060009" + "6576746a3a68367659202020"
      + "00080014" + "9aeaa70cbfd8cb56781ef2b5b2d3f249c1b571a2"
      + "80280004" + "e57a3bcf");

  static final byte[] IPV4_RESPONSE = HexFormat.of().parseHex(
      "0101003c2112a442b7e7a701bc34d686fa87dfae"
      + "8022000b" + "7465737420766563746f7220"
      + "00200008" + "0001a147e112a643"
      + "00080014" + "2b91f599fd9e90c38c7489f92af9ba53f06be7d7"
      + "80280004" + "c07d4c96");

  static final byte[] IPV6_RESPONSE = HexFormat.of().parseHex(
      "010100482112a442b7e7a701bc34d686fa87dfae"
      + "8022000b" + "7465737420766563746f7220"
      + "00200014" + "0002a1470113a9faa5d3f179bc25f4b5bed2b9d9"
      + "00080014" + "a382954e4be67bf11784c97c8292c275bfe3ed41"
      + "80280004" + "c8fb0b4c");

  @Test
  void parsesTheSampleRequest() throws Exception {
    StunMessage m = StunMessage.parse(REQUEST, 0, REQUEST.length);
    assertThat(m.stunClass()).isEqualTo(StunClass.REQUEST);
    assertThat(m.method()).isEqualTo(StunAttributes.BINDING);
    assertThat(m.hasTransactionId(TRANSACTION)).isTrue();
    assertThat(m.username()).isEqualTo("evtj:h6vY");
    assertThat(m.priority()).isEqualTo(0x6e0001ffL);
    assertThat(m.tieBreaker(StunAttributes.ICE_CONTROLLED)).isEqualTo(0x932ff9b151263b36L);
    assertThat(new String(m.value(m.attribute(StunAttributes.SOFTWARE)), StandardCharsets.UTF_8)).isEqualTo("STUN test client");
    assertThat(m.verifyIntegrity(PASSWORD)).isTrue();
    assertThat(m.verifyIntegrity("wrong".getBytes(StandardCharsets.UTF_8))).isFalse();
    assertThat(m.verifyFingerprint()).isTrue();
  }

  @Test
  void parsesTheIpv4AndIpv6Responses() throws Exception {
    StunMessage v4 = StunMessage.parse(IPV4_RESPONSE, 0, IPV4_RESPONSE.length);
    assertThat(v4.stunClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
    assertThat(v4.xorMappedAddress()).isEqualTo(new InetSocketAddress("192.0.2.1", 32853));
    assertThat(v4.verifyIntegrity(PASSWORD)).isTrue();
    assertThat(v4.verifyFingerprint()).isTrue();

    StunMessage v6 = StunMessage.parse(IPV6_RESPONSE, 0, IPV6_RESPONSE.length);
    assertThat(v6.xorMappedAddress()).isEqualTo(new InetSocketAddress("2001:db8:1234:5678:11:2233:4455:6677", 32853));
    assertThat(v6.verifyIntegrity(PASSWORD)).isTrue();
    assertThat(v6.verifyFingerprint()).isTrue();
  }

  @Test
  void buildsTheSampleMessagesByteForByte() {
    byte[] request = new StunMessageBuilder(StunClass.REQUEST, StunAttributes.BINDING, TRANSACTION)
        .padding((byte) 0x20).software("STUN test client").priority(0x6e0001ffL).iceControlled(0x932ff9b151263b36L)
        .username("evtj:h6vY").build(PASSWORD, true);
    assertThat(request).isEqualTo(REQUEST);

    byte[] v4 = new StunMessageBuilder(StunClass.SUCCESS_RESPONSE, StunAttributes.BINDING, TRANSACTION)
        .padding((byte) 0x20).software("test vector").xorMappedAddress(new InetSocketAddress("192.0.2.1", 32853))
        .build(PASSWORD, true);
    assertThat(v4).isEqualTo(IPV4_RESPONSE);

    byte[] v6 = new StunMessageBuilder(StunClass.SUCCESS_RESPONSE, StunAttributes.BINDING, TRANSACTION)
        .padding((byte) 0x20).software("test vector")
        .xorMappedAddress(new InetSocketAddress("2001:db8:1234:5678:11:2233:4455:6677", 32853))
        .build(PASSWORD, true);
    assertThat(v6).isEqualTo(IPV6_RESPONSE);
  }
}
