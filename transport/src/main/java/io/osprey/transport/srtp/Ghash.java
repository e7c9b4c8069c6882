package io.osprey.transport.srtp;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * GHASH, GCM's universal hash (NIST SP 800-38D §6.4), in plain long arithmetic with tables built
 * once per hash subkey H: nothing is allocated per call.
 *
 * <p>A 128-bit block is two longs, big-endian, so the coefficient of x^i is bit 63-i of the first
 * (i &lt; 64) or of the second long. To multiply X by H, each half of X is split into its eight
 * bytes; {@code hi[256 j + b]} and {@code lo[256 j + b]} hold (b at byte position j of a 64-bit
 * polynomial) * H, so a half times H is the XOR of eight lookups, all independent of each other.
 * X * H = (first half) * H + x^64 * ((second half) * H), and multiplying by x^64 folds the 64 bits
 * that overflow x^127 back with x^128 = x^7 + x^2 + x + 1, a few shifts. 16 lookups per block,
 * 32 KiB of tables per key; smaller tables (4-bit, 4 KiB) measured 2.5x slower.
 * Not thread-safe.
 */
final class Ghash {
  private static final VarHandle BIG_ENDIAN =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private final long[] hi = new long[8 * 256];
  private final long[] lo = new long[8 * 256];
  private long x0;
  private long x1;

  /** Tables for the hash subkey {@code h} (16 bytes: the block cipher's encryption of zeros). */
  Ghash(byte[] h) {
    // H * x^k for k = 0..63, by repeated multiplication by x (a right shift in this bit order)
    long[] powers = new long[128];
    long v0 = (long) BIG_ENDIAN.get(h, 0);
    long v1 = (long) BIG_ENDIAN.get(h, 8);
    for (int k = 0; k < 64; k++) {
      powers[2 * k] = v0;
      powers[2 * k + 1] = v1;
      long carry = v1 & 1;
      v1 = (v1 >>> 1) | (v0 << 63);
      v0 = (v0 >>> 1) ^ (-carry & 0xE100000000000000L);
    }
    for (int j = 0; j < 8; j++) {
      for (int b = 0; b < 256; b++) {
        long a0 = 0;
        long a1 = 0;
        for (int bit = 0; bit < 8; bit++) {
          if ((b >> bit & 1) != 0) {
            int k = 63 - (8 * j + bit); // the bit at position 8j+bit of a long is the coefficient of x^(63-8j-bit)
            a0 ^= powers[2 * k];
            a1 ^= powers[2 * k + 1];
          }
        }
        hi[j << 8 | b] = a0;
        lo[j << 8 | b] = a1;
      }
    }
  }

  /** Starts a new hash. */
  void reset() {
    x0 = 0;
    x1 = 0;
  }

  /** Hashes {@code buf[off, off+len)} as one input (AAD or ciphertext), zero-padded to whole blocks. */
  void update(byte[] buf, int off, int len) {
    int end = off + len;
    int i = off;
    for (; i + 16 <= end; i += 16) {
      multiply(x0 ^ (long) BIG_ENDIAN.get(buf, i), x1 ^ (long) BIG_ENDIAN.get(buf, i + 8));
    }
    if (i < end) {
      long p0 = 0;
      long p1 = 0;
      for (int n = 0; i + n < end; n++) {
        long b = buf[i + n] & 0xffL;
        if (n < 8) {
          p0 |= b << (56 - 8 * n);
        } else {
          p1 |= b << (120 - 8 * n);
        }
      }
      multiply(x0 ^ p0, x1 ^ p1);
    }
  }

  /**
   * Hashes the final block of bit lengths and writes the hash XOR'd with {@code mask} (GCM's
   * E(K, J0), so this is the tag) to {@code out[off, off+16)}.
   */
  void finish(long aadBytes, long textBytes, byte[] mask, byte[] out, int off) {
    multiply(x0 ^ (aadBytes << 3), x1 ^ (textBytes << 3));
    BIG_ENDIAN.set(out, off, x0 ^ (long) BIG_ENDIAN.get(mask, 0));
    BIG_ENDIAN.set(out, off + 8, x1 ^ (long) BIG_ENDIAN.get(mask, 8));
  }

  /** Sets the state to (y0, y1) * H. */
  private void multiply(long y0, long y1) {
    long[] hi = this.hi;
    long[] lo = this.lo;
    long a0 = 0;
    long a1 = 0;
    long b0 = 0;
    long b1 = 0;
    for (int j = 0; j < 8; j++) {
      int p = j << 8 | ((int) (y0 >>> (8 * j)) & 0xff);
      a0 ^= hi[p];
      a1 ^= lo[p];
      int q = j << 8 | ((int) (y1 >>> (8 * j)) & 0xff);
      b0 ^= hi[q];
      b1 ^= lo[q];
    }
    // (a0, a1) + x^64 * (b0, b1): b0 moves to the second half, b1 overflows and is folded back
    x0 = a0 ^ b1 ^ (b1 >>> 1) ^ (b1 >>> 2) ^ (b1 >>> 7);
    x1 = a1 ^ b0 ^ (b1 << 63) ^ (b1 << 62) ^ (b1 << 57);
  }
}
