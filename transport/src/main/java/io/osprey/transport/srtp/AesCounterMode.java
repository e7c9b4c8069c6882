package io.osprey.transport.srtp;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES in counter mode (RFC 3711 §4.1.1) built on one reused AES/ECB cipher: counter blocks are
 * laid out in a 2 KiB scratch buffer, encrypted in one call (AES-NI does the work) and XOR'd onto
 * the payload, chunk by chunk for larger packets. Nothing is allocated per packet, unlike
 * re-initialising a CTR cipher with a new IV object each time. Not thread-safe: one per context,
 * used on its owning loop.
 */
final class AesCounterMode {
  private static final int CHUNK = 2048;
  private static final java.lang.invoke.VarHandle LONGS =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.nativeOrder());
  private static final java.lang.invoke.VarHandle BIG_ENDIAN_LONGS =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.BIG_ENDIAN);

  private final Cipher ecb;
  private final byte[] counters = new byte[CHUNK];
  private final byte[] keystream = new byte[CHUNK];

  AesCounterMode(byte[] key) {
    try {
      ecb = Cipher.getInstance("AES/ECB/NoPadding");
      ecb.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES unavailable", e);
    }
  }

  /** XORs the keystream starting at the 16-byte {@code iv} onto {@code buf[off, off+len)}. */
  void apply(byte[] iv, byte[] buf, int off, int len) {
    apply(iv, null, buf, off, len);
  }

  /**
   * Writes the keystream block of {@code iv}'s own counter to {@code mask[0, 16)}, then XORs the
   * keystream of the following counters onto {@code buf[off, off+len)}: GCM's tag mask E(K, J0)
   * and payload (NIST SP 800-38D §7.1) in the same cipher call. The counter is the last 16 bits of
   * the block (RFC 3711); GCM's 32-bit increment gives the same counters from J0 (low word 1) for
   * payloads under 1 MiB.
   */
  void apply(byte[] iv, byte[] mask, byte[] buf, int off, int len) {
    int counterBase = (iv[14] & 0xff) << 8 | (iv[15] & 0xff);
    long prefix = (long) BIG_ENDIAN_LONGS.get(iv, 0); // a counter block is these 14 bytes, then 16 bits of count
    long middle = (long) BIG_ENDIAN_LONGS.get(iv, 8) & ~0xffffL;
    int lead = mask == null ? 0 : 16; // keystream bytes before the payload's
    int total = lead + len;
    for (int done = 0; done < total; done += CHUNK) {
      int n = Math.min(CHUNK, total - done);
      int blocks = (n + 15) >>> 4;
      int firstBlock = done >>> 4;
      for (int b = 0; b < blocks; b++) {
        int base = b << 4;
        BIG_ENDIAN_LONGS.set(counters, base, prefix);
        BIG_ENDIAN_LONGS.set(counters, base + 8, middle | ((counterBase + firstBlock + b) & 0xffffL));
      }
      try {
        ecb.update(counters, 0, blocks << 4, keystream, 0);
      } catch (ShortBufferException e) {
        throw new IllegalStateException(e);
      }
      int i = 0;
      if (done == 0 && lead > 0) {
        System.arraycopy(keystream, 0, mask, 0, 16);
        i = 16;
      }
      int base = off + done - lead;
      for (; i + 8 <= n; i += 8) { // eight bytes at a time: the XOR is the hot loop
        LONGS.set(buf, base + i, (long) LONGS.get(buf, base + i) ^ (long) LONGS.get(keystream, i));
      }
      for (; i < n; i++) {
        buf[base + i] ^= keystream[i];
      }
    }
  }
}
