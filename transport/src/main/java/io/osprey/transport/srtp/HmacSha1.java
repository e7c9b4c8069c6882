package io.osprey.transport.srtp;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * HMAC-SHA1 (RFC 2104) over the JDK's SHA-1, which the JIT compiles to the CPU's SHA instructions,
 * writing the result into the caller's buffer: no allocation per use (the JCE's {@code Mac} returns
 * a new array from every {@code doFinal}; Bouncy Castle's is allocation-free but ~3x slower).
 * Not thread-safe.
 */
final class HmacSha1 {
  private static final int BLOCK = 64;
  static final int LENGTH = 20;

  private final MessageDigest inner;
  private final MessageDigest outer;
  private final byte[] ipad = new byte[BLOCK];
  private final byte[] opad = new byte[BLOCK];
  private final byte[] innerHash = new byte[LENGTH];
  private boolean started;

  HmacSha1(byte[] key) {
    try {
      inner = MessageDigest.getInstance("SHA-1");
      outer = MessageDigest.getInstance("SHA-1");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-1", e);
    }
    byte[] k = key.length > BLOCK ? inner.digest(key) : key;
    for (int i = 0; i < BLOCK; i++) {
      byte b = i < k.length ? k[i] : 0;
      ipad[i] = (byte) (b ^ 0x36);
      opad[i] = (byte) (b ^ 0x5c);
    }
  }

  void update(byte[] buf, int off, int len) {
    if (!started) {
      inner.update(ipad, 0, BLOCK);
      started = true;
    }
    inner.update(buf, off, len);
  }

  /** Writes the 20-byte MAC of everything updated since the last call to {@code out[off..]}. */
  void doFinal(byte[] out, int off) {
    try {
      if (!started) {
        inner.update(ipad, 0, BLOCK);
      }
      inner.digest(innerHash, 0, LENGTH);
      outer.update(opad, 0, BLOCK);
      outer.update(innerHash, 0, LENGTH);
      outer.digest(out, off, LENGTH);
    } catch (DigestException e) {
      throw new IllegalStateException(e); // the buffers are sized for SHA-1
    } finally {
      started = false;
    }
  }
}
