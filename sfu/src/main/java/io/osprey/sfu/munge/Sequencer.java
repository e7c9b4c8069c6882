package io.osprey.sfu.munge;

/**
 * Remembers, for the last {@code capacity} packets a down track sent, which incoming packet (and
 * from which layer) each outgoing sequence number carried, so a subscriber's NACK (RFC 4585) can
 * be answered from the publisher's cache, and throttles repeated retransmissions of one packet.
 * Preallocated; owned by one event loop.
 */
public final class Sequencer {
  /** {@link #lookup} result when the packet is unknown, too old, or was resent too recently. */
  public static final int NONE = -1;

  private final int mask;
  private final int[] outSeq;
  private final int[] source; // layer << 16 | inSeq
  private final long[] lastResentAt;
  private final long[] outTs;

  public Sequencer(int capacity) {
    int slots = Integer.highestOneBit(Math.max(1, capacity - 1) << 1);
    this.mask = slots - 1;
    this.outSeq = new int[slots];
    this.source = new int[slots];
    this.lastResentAt = new long[slots];
    this.outTs = new long[slots];
    java.util.Arrays.fill(outSeq, -1);
  }

  /** Records that {@code outSeq} carried incoming {@code inSeq} of {@code layer} (0..255). */
  public void record(int outSeq, int inSeq, int layer) {
    int slot = outSeq & mask;
    this.outSeq[slot] = outSeq & 0xffff;
    this.source[slot] = (layer & 0xff) << 16 | (inSeq & 0xffff);
    this.lastResentAt[slot] = Long.MIN_VALUE;
  }

  /** Records, with the timestamp the packet went out with (to resend it unchanged). */
  public void record(int outSeq, int inSeq, int layer, long outTimestamp) {
    record(outSeq, inSeq, layer);
    this.outTs[outSeq & mask] = outTimestamp;
  }

  /** The outgoing timestamp recorded for {@code outSeq} (valid after a successful {@link #lookup}). */
  public long outTimestamp(int outSeq) {
    return outTs[outSeq & mask];
  }

  /**
   * Finds what {@code outSeq} carried and marks it resent at {@code nowNanos}.
   *
   * @return {@code layer << 16 | inSeq}, or {@link #NONE} if unknown or resent within
   *     {@code minIntervalNanos} (a retransmission is probably still in flight)
   */
  public int lookup(int outSeq, long nowNanos, long minIntervalNanos) {
    int slot = outSeq & mask;
    if (this.outSeq[slot] != (outSeq & 0xffff)) {
      return NONE;
    }
    if (lastResentAt[slot] != Long.MIN_VALUE && nowNanos - lastResentAt[slot] < minIntervalNanos) {
      return NONE;
    }
    lastResentAt[slot] = nowNanos;
    return source[slot];
  }
}
