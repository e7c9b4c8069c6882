package io.osprey.transport.srtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** RFC 3711 Appendix B and RFC 7714 §16 test vectors. */
class SrtpVectorsTest {
  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s.replace(" ", ""));
  }

  @Test
  void derivesTheSessionKeysOfRfc3711AppendixB3() {
    byte[] key = hex("E1F97A0D3E018BE0D64FA32C06DE4139");
    byte[] salt = hex("0EC675AD498AFEEBB6960B3AABE6");
    assertThat(SrtpKeyDerivation.derive(key, salt, SrtpKeyDerivation.RTP_ENCRYPTION, 16))
        .isEqualTo(hex("C61E7A93744F39EE10734AFE3FF7A087"));
    assertThat(SrtpKeyDerivation.derive(key, salt, SrtpKeyDerivation.RTP_SALT, 14))
        .isEqualTo(hex("30CBBC08863D8C85D49DB34A9AE1"));
    assertThat(SrtpKeyDerivation.derive(key, salt, SrtpKeyDerivation.RTP_AUTHENTICATION, 94)).isEqualTo(hex(
        "CEBE321F6FF7716B6FD4AB49AF256A156D38BAA48F0A0ACF3C34E2359E6CDBCE"
        + "E049646C43D9327AD175578EF72270986371C10C9A369AC2F94A8C5FBCDDDC25"
        + "6D6E919A48B610EF17C2041E474035766B68642C59BBFC2F34DB60DBDFB2"));
  }

  @Test
  void producesTheAesCmKeystreamOfRfc3711AppendixB2() {
    AesCounterMode ctr = new AesCounterMode(hex("2B7E151628AED2A6ABF7158809CF4F3C"));
    byte[] iv = hex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000");
    byte[] zeros = new byte[48];
    ctr.apply(iv, zeros, 0, 48);
    assertThat(zeros).isEqualTo(hex("E03EAD0935C95E80E166B16DD92B4EB4 D23513162B02D0F72A43A2FE4A5F97AB"
        + "41E95B3BB0A2E8DD477901E4FCA894C0"));
  }

  @Test
  void sealsAndOpensTheRtpPacketOfRfc7714Section16() throws SrtpException {
    byte[] key = hex("000102030405060708090a0b0c0d0e0f");
    byte[] salt = hex("517569642070726f2071756f");
    SrtpContext.SessionKeys keys = new SrtpContext.SessionKeys(key, new byte[0], salt, key, new byte[0], salt);
    byte[] plain = hex("8040f17b8041f8d35501a0b2 47616c6c696120657374206f6d6e69732064697669736120696e207061727465732074726573");
    byte[] expected = hex("8040f17b8041f8d35501a0b2 f24de3a3fb34de6cacba861c9d7e4bcabe633bd50d294e6f42a5f47a51c7d19b36de3adf8833"
        + "899d7f27beb16a9152cf765ee4390cce");

    byte[] buf = Arrays.copyOf(plain, plain.length + 16);
    int len = new SrtpContext(SrtpProfile.AEAD_AES_128_GCM, keys, false).protectRtp(buf, 0, plain.length);
    assertThat(Arrays.copyOf(buf, len)).isEqualTo(expected);

    byte[] received = expected.clone();
    int plainLength = new SrtpContext(SrtpProfile.AEAD_AES_128_GCM, keys, false).unprotectRtp(received, 0, received.length);
    assertThat(Arrays.copyOf(received, plainLength)).isEqualTo(plain);
  }
}
