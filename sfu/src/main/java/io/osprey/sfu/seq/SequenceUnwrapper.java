package io.osprey.sfu.seq;

/**
 * Extends 16-bit RTP sequence numbers (RFC 3550 §A.1) to a monotonic 64-bit counter, choosing for
 * each new number the extension closest to the last one seen, so reordered packets from before a
 * wrap map below the newest and packets after a wrap map above it.
 */
public final class SequenceUnwrapper {
  private long last = -1;

  /** The extended value of {@code seq} (0..65535). The first value seen is returned unchanged. */
  public long unwrap(int seq) {
    int s = seq & 0xffff;
    if (last < 0) {
      last = s;
      return s;
    }
    int delta = (short) (s - (int) (last & 0xffff)); // signed distance in [-32768, 32767]
    long extended = last + delta;
    if (extended < 0) {
      extended += 1 << 16; // cannot go below the first cycle
    }
    if (extended > last) {
      last = extended;
    }
    return extended;
  }

  /** The highest extended sequence number seen, or -1 before the first. */
  public long highest() {
    return last;
  }

  /** Forgets all history, e.g. when the source changes. */
  public void reset() {
    last = -1;
  }

  /** Whether {@code a} is newer than {@code b} in 16-bit serial arithmetic (RFC 1982). */
  public static boolean isNewer(int a, int b) {
    return a != b && ((a - b) & 0xffff) < 0x8000;
  }
}
