package io.osprey.transport.srtp;

/**
 * AES-GCM with a 96-bit IV and a 128-bit tag (NIST SP 800-38D §7), as RFC 7714 uses it, built
 * from {@link AesCounterMode} (the JCE's AES, which AES-NI runs) and {@link Ghash}: encrypts and
 * decrypts in place with nothing allocated per call. The JCE's own GCM is faster per byte (its
 * GHASH runs on carry-less multiply instructions) but must be re-initialised with a new parameter
 * object for every IV, about 1 KB of garbage per packet.
 *
 * <p>Decryption authenticates before it reveals: a packet whose tag does not match is left as it
 * arrived. Not thread-safe: one per key, used on its owning loop.
 */
final class AesGcm {
  static final int TAG_LENGTH = 16;

  private final AesCounterMode ctr;
  private final Ghash ghash;
  private final byte[] j0 = new byte[16];
  private final byte[] mask = new byte[16];
  private final byte[] tag = new byte[16];

  /** A GCM instance for a 16- or 32-byte AES key. */
  AesGcm(byte[] key) {
    ctr = new AesCounterMode(key);
    byte[] h = new byte[16];
    ctr.apply(new byte[16], h, 0, 16); // H = E(K, 0^128)
    ghash = new Ghash(h);
  }

  /**
   * Encrypts {@code buf[off, off+len)} in place and writes the tag after it, authenticating
   * {@code aad[aadOff, aadOff+aadLen)} too (which may lie in {@code buf} before the text).
   *
   * @param iv the 12-byte IV in {@code iv[0, 12)}
   * @return {@code len + 16}
   */
  int seal(byte[] iv, byte[] aad, int aadOff, int aadLen, byte[] buf, int off, int len) {
    j0(iv);
    ctr.apply(j0, mask, buf, off, len);
    ghash.reset();
    ghash.update(aad, aadOff, aadLen);
    ghash.update(buf, off, len);
    ghash.finish(aadLen, len, mask, buf, off + len);
    return len + TAG_LENGTH;
  }

  /**
   * Checks the tag at the end of {@code buf[off, off+len)} and, if it matches, decrypts the text
   * before it in place.
   *
   * @return whether the tag matched (if not, {@code buf} is unchanged)
   */
  boolean open(byte[] iv, byte[] aad, int aadOff, int aadLen, byte[] buf, int off, int len) {
    int textLength = len - TAG_LENGTH;
    if (textLength < 0) {
      return false;
    }
    j0(iv);
    ghash.reset();
    ghash.update(aad, aadOff, aadLen);
    ghash.update(buf, off, textLength);
    ctr.apply(j0, mask, buf, off, textLength); // decrypts, and yields E(K, J0) in the same call
    ghash.finish(aadLen, textLength, mask, tag, 0);
    int diff = 0; // constant time: how many bytes match must not show
    for (int i = 0; i < TAG_LENGTH; i++) {
      diff |= tag[i] ^ buf[off + textLength + i];
    }
    if (diff != 0) {
      j0[15] = 2; // the forgery path: encrypt back what we decrypted, from the payload's first counter
      ctr.apply(j0, buf, off, textLength);
      return false;
    }
    return true;
  }

  /** J0 = IV || 0^31 || 1 (§7.1, for a 96-bit IV). */
  private void j0(byte[] iv) {
    System.arraycopy(iv, 0, j0, 0, 12);
    j0[12] = 0;
    j0[13] = 0;
    j0[14] = 0;
    j0[15] = 1;
  }
}
