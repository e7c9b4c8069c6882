package io.osprey.transport.srtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.SplittableRandom;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** Our GCM against the GCM specification's first vectors and, on random inputs, the JCE's GCM. */
class AesGcmTest {
  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s.replace(" ", ""));
  }

  @Test
  void matchesTheGcmSpecificationTestCases1And2() {
    // McGrew and Viega, "The Galois/Counter Mode of Operation", test cases 1 and 2: all-zero key and IV
    AesGcm gcm = new AesGcm(new byte[16]);
    byte[] iv = new byte[12];
    byte[] empty = new byte[16];
    assertThat(gcm.seal(iv, empty, 0, 0, empty, 0, 0)).isEqualTo(16);
    assertThat(empty).isEqualTo(hex("58e2fccefa7e3061367f1d57a4e7455a"));
    byte[] block = new byte[32];
    gcm.seal(iv, block, 0, 0, block, 0, 16);
    assertThat(block).isEqualTo(hex("0388dace60b6a392f328c2b971b2fe78 ab6e47d42cec13bdf53a67b21257bddf"));
    assertThat(gcm.open(iv, block, 0, 0, block, 0, 32)).isTrue();
    assertThat(Arrays.copyOf(block, 16)).isEqualTo(new byte[16]);
  }

  @Test
  void agreesWithTheJceGcmBothWaysAndRejectsAnyTamperedBit() throws Exception {
    SplittableRandom random = new SplittableRandom(11);
    Cipher jce = Cipher.getInstance("AES/GCM/NoPadding");
    for (int round = 0; round < 400; round++) {
      byte[] key = new byte[random.nextBoolean() ? 16 : 32];
      byte[] iv = new byte[12];
      random.nextBytes(key);
      random.nextBytes(iv);
      int aadLength = random.nextInt(3) == 0 ? random.nextInt(0, 13) : random.nextInt(0, 80);
      int textLength = round < 40 ? round : random.nextInt(0, 1501);
      int off = random.nextInt(0, 5);
      // AAD and text in one buffer, as in an SRTP packet: [junk][aad][text][tag][junk]
      byte[] packet = new byte[off + aadLength + textLength + 16 + 3];
      random.nextBytes(packet);
      byte[] plain = Arrays.copyOfRange(packet, off + aadLength, off + aadLength + textLength);
      byte[] aad = Arrays.copyOfRange(packet, off, off + aadLength);
      SecretKeySpec spec = new SecretKeySpec(key, "AES");
      AesGcm ours = new AesGcm(key);

      // ours seals, the JCE opens
      int sealed = ours.seal(iv, packet, off, aadLength, packet, off + aadLength, textLength);
      assertThat(sealed).isEqualTo(textLength + 16);
      byte[] oursSealed = Arrays.copyOfRange(packet, off + aadLength, off + aadLength + sealed);
      jce.init(Cipher.DECRYPT_MODE, spec, new GCMParameterSpec(128, iv));
      jce.updateAAD(aad);
      assertThat(jce.doFinal(oursSealed)).isEqualTo(plain);

      // the JCE seals, ours opens
      jce.init(Cipher.ENCRYPT_MODE, spec, new GCMParameterSpec(128, iv));
      jce.updateAAD(aad);
      byte[] jceSealed = jce.doFinal(plain);
      assertThat(jceSealed).isEqualTo(oursSealed);
      assertThat(ours.open(iv, packet, off, aadLength, packet, off + aadLength, sealed)).isTrue();
      assertThat(Arrays.copyOfRange(packet, off + aadLength, off + aadLength + textLength)).isEqualTo(plain);

      // one flipped bit anywhere in AAD, text or tag: rejected, and the buffer is left as it arrived
      System.arraycopy(jceSealed, 0, packet, off + aadLength, sealed);
      int flip = random.nextInt(aadLength + sealed);
      packet[off + flip] ^= (byte) (1 << random.nextInt(8));
      byte[] tampered = packet.clone();
      assertThat(ours.open(iv, packet, off, aadLength, packet, off + aadLength, sealed)).isFalse();
      assertThat(packet).isEqualTo(tampered);
      byte[] tamperedAad = Arrays.copyOfRange(packet, off, off + aadLength);
      jce.init(Cipher.DECRYPT_MODE, spec, new GCMParameterSpec(128, iv));
      jce.updateAAD(tamperedAad);
      byte[] tamperedSealed = Arrays.copyOfRange(packet, off + aadLength, off + aadLength + sealed);
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> jce.doFinal(tamperedSealed))
          .isInstanceOf(AEADBadTagException.class);
    }
  }

  @Test
  void rejectsInputShorterThanTheTag() {
    AesGcm gcm = new AesGcm(new byte[16]);
    assertThat(gcm.open(new byte[12], new byte[0], 0, 0, new byte[15], 0, 15)).isFalse();
  }
}
