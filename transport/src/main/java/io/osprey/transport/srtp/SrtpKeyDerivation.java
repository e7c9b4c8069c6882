package io.osprey.transport.srtp;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * The SRTP key derivation function (RFC 3711 §4.3) with the AES-CM PRF and a key derivation rate
 * of 0, as DTLS-SRTP uses it: {@code x = label << 48 XOR master_salt}, output = AES-CM keystream
 * from IV {@code x * 2^16} under the master key. RFC 7714 §11 uses the same with a 12-byte salt.
 */
public final class SrtpKeyDerivation {
  public static final int RTP_ENCRYPTION = 0x00;
  public static final int RTP_AUTHENTICATION = 0x01;
  public static final int RTP_SALT = 0x02;
  public static final int RTCP_ENCRYPTION = 0x03;
  public static final int RTCP_AUTHENTICATION = 0x04;
  public static final int RTCP_SALT = 0x05;

  private SrtpKeyDerivation() {}

  /** Derives {@code length} bytes for {@code label}. */
  public static byte[] derive(byte[] masterKey, byte[] masterSalt, int label, int length) {
    byte[] iv = new byte[16];
    System.arraycopy(masterSalt, 0, iv, 0, Math.min(14, masterSalt.length));
    iv[7] ^= (byte) label;
    try {
      Cipher aes = Cipher.getInstance("AES/ECB/NoPadding");
      aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(masterKey, "AES"));
      byte[] out = new byte[length];
      byte[] block = new byte[16];
      for (int pos = 0, counter = 0; pos < length; pos += 16, counter++) {
        iv[14] = (byte) (counter >> 8);
        iv[15] = (byte) counter;
        aes.doFinal(iv, 0, 16, block, 0);
        System.arraycopy(block, 0, out, pos, Math.min(16, length - pos));
      }
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES unavailable", e);
    }
  }
}
