package io.osprey.wire.crypto;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * HMAC-SHA1 (RFC 2104) over the JDK's SHA-1, which the JIT compiles to the CPU's SHA instructions,
 * writing the result into the caller's buffer: no allocation per use (the JCE's {@code Mac} returns
 * a new array from every {@code doFinal}; Bouncy Castle's is allocation-free but ~3x slower).
 * Keyed once, used for every message: SRTP's auth tag (RFC 3711 §4.2.1) and STUN's
 * MESSAGE-INTEGRITY (RFC 8489 §14.5). Not thread-safe.
 */
public final class HmacSha1 {
  private static final int BLOCK = 64;
  /** Bytes of a MAC. */
  public static final int LENGTH = 20;

  private final MessageDigest inner;
  private final MessageDigest outer;
  private final byte[] ipad = new byte[BLOCK];
  private final byte[] opad = new byte[BLOCK];
  private final byte[] innerHash = new byte[LENGTH];
  private boolean started;

  /** An HMAC keyed with {@code key} (hashed first if longer than SHA-1's 64-byte block). */
  public HmacSha1(byte[] key) {
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

  /** Adds {@code buf[off, off+len)} to the message being authenticated. */
  public void update(byte[] buf, int off, int len) {
    if (!started) {
      inner.update(ipad, 0, BLOCK);
      started = true;
    }
    inner.update(buf, off, len);
  }

  /** Writes the 20-byte MAC of everything updated since the last call to {@code out[off..]}. */
  public void doFinal(byte[] out, int off) {
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
