package io.osprey.transport.ice;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/**
 * An ICE username fragment and password (RFC 8445 §5.3; SDP {@code a=ice-ufrag}, {@code a=ice-pwd}:
 * at least 4 and 22 characters of ice-char, RFC 8839 §5.4).
 */
public record IceCredentials(String ufrag, String password) {
  private static final char[] ICE_CHARS =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();

  public IceCredentials {
    if (ufrag == null || ufrag.length() < 4 || password == null || password.length() < 22) {
      throw new IllegalArgumentException("ICE ufrag needs >= 4 and password >= 22 characters");
    }
  }

  /** Fresh random credentials (16-character ufrag, 32-character password). */
  public static IceCredentials random() {
    return new IceCredentials(randomString(16), randomString(32));
  }

  public byte[] passwordBytes() {
    return password.getBytes(StandardCharsets.UTF_8);
  }

  private static String randomString(int n) {
    char[] c = new char[n];
    for (int i = 0; i < n; i++) {
      c[i] = ICE_CHARS[RANDOM.nextInt(ICE_CHARS.length)];
    }
    return new String(c);
  }
}
