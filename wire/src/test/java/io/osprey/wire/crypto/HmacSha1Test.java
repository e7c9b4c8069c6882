package io.osprey.wire.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class HmacSha1Test {
  private static byte[] mac(byte[] key, byte[] data) {
    HmacSha1 h = new HmacSha1(key);
    h.update(data, 0, data.length);
    byte[] out = new byte[20];
    h.doFinal(out, 0);
    return out;
  }

  @Test
  void matchesRfc2202() {
    // RFC 2202 test cases 1, 2 and 6 (a key longer than the block)
    byte[] key1 = new byte[20];
    java.util.Arrays.fill(key1, (byte) 0x0b);
    assertThat(HexFormat.of().formatHex(mac(key1, "Hi There".getBytes(StandardCharsets.US_ASCII))))
        .isEqualTo("b617318655057264e28bc0b6fb378c8ef146be00");
    assertThat(HexFormat.of().formatHex(mac("Jefe".getBytes(StandardCharsets.US_ASCII),
        "what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII))))
        .isEqualTo("effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
    byte[] key6 = new byte[80];
    java.util.Arrays.fill(key6, (byte) 0xaa);
    assertThat(HexFormat.of().formatHex(mac(key6,
        "Test Using Larger Than Block-Size Key - Hash Key First".getBytes(StandardCharsets.US_ASCII))))
        .isEqualTo("aa4ae5e15272d00e95705637ce8a3b55ed402112");
  }

  @Test
  void agreesWithTheJceOnRandomInputsAndIsReusable() throws Exception {
    java.util.SplittableRandom random = new java.util.SplittableRandom(3);
    byte[] key = new byte[20];
    random.nextBytes(key);
    HmacSha1 h = new HmacSha1(key);
    Mac jce = Mac.getInstance("HmacSHA1");
    jce.init(new SecretKeySpec(key, "HmacSHA1"));
    byte[] out = new byte[20];
    for (int i = 0; i < 50; i++) {
      byte[] data = new byte[random.nextInt(1500)];
      random.nextBytes(data);
      h.update(data, 0, data.length / 2);
      h.update(data, data.length / 2, data.length - data.length / 2);
      h.doFinal(out, 0);
      assertThat(out).isEqualTo(jce.doFinal(data));
    }
  }
}
