package io.osprey.transport.rtpsession;

/**
 * What a receiver knows about one incoming RTP source, and the report block it sends back
 * (RFC 3550 §6.4.1): highest sequence number with cycles, cumulative and interval loss,
 * interarrival jitter, and the last sender report's timestamp with the delay since.
 *
 * <p>Sequence validation follows RFC 3550 Appendix A.1 (probation of {@value #MIN_SEQUENTIAL}
 * in-order packets, resync after a large jump repeated twice); jitter follows Appendix A.8.
 * Owned by one event loop; no allocation.
 */
public final class ReceiveStatistics {
  private static final int MIN_SEQUENTIAL = 2;
  private static final int MAX_DROPOUT = 3000;
  private static final int MAX_MISORDER = 100;
  private static final int SEQ_MOD = 1 << 16;

  private final int clockRate;
  private int maxSeq;
  private long cycles;
  private int baseSeq;
  private int badSeq = SEQ_MOD + 1;
  private int probation = MIN_SEQUENTIAL;
  private long received;
  private long expectedPrior;
  private long receivedPrior;
  private boolean started;

  private double jitter;
  private long lastTransit;
  private boolean haveTransit;

  private long lastSrNtpMiddle;
  private long lastSrArrivalNanos = Long.MIN_VALUE;

  /** @param clockRate the RTP clock rate of the stream's payload (for jitter in timestamp units) */
  public ReceiveStatistics(int clockRate) {
    if (clockRate <= 0) {
      throw new IllegalArgumentException("clock rate must be positive: " + clockRate);
    }
    this.clockRate = clockRate;
  }

  /**
   * Records one received packet.
   *
   * @return whether the packet was counted: false during probation or after a wild jump that has
   *     not yet been confirmed. This is about statistics only; the packet may still be forwarded.
   */
  public boolean handlePacket(int seq, long rtpTimestamp, long arrivalNanos) {
    seq &= 0xffff;
    if (!started) {
      initSequence(seq);
      maxSeq = seq - 1;
      started = true;
      probation = MIN_SEQUENTIAL;
    }
    if (!updateSequence(seq)) {
      return false;
    }
    long arrivalTicks = arrivalNanos * clockRate / 1_000_000_000L;
    long transit = arrivalTicks - (rtpTimestamp & 0xffffffffL);
    if (haveTransit) {
      long d = Math.abs(transit - lastTransit);
      if (d < (1L << 31)) { // ignore timestamp jumps (e.g. a new talk spurt after a wrap)
        jitter += (d - jitter) / 16.0;
      }
    }
    lastTransit = transit;
    haveTransit = true;
    return true;
  }

  /**
   * Records a sender report from this source, for LSR/DLSR in the next report block.
   *
   * @param ntpTimestamp the SR's 64-bit NTP timestamp
   */
  public void handleSenderReport(long ntpTimestamp, long arrivalNanos) {
    lastSrNtpMiddle = (ntpTimestamp >>> 16) & 0xffffffffL;
    lastSrArrivalNanos = arrivalNanos;
  }

  /** Extended highest sequence number received (cycles in the upper 16 bits). */
  public long extendedHighestSequence() {
    return cycles + maxSeq;
  }

  /** Packets expected minus packets received, clamped to the signed 24-bit field of a report. */
  public int cumulativeLost() {
    long lost = expected() - received;
    return (int) Math.max(-0x800000, Math.min(0x7fffff, lost));
  }

  /** Interarrival jitter in timestamp units. */
  public long jitter() {
    return (long) jitter;
  }

  public long packetsReceived() {
    return received;
  }

  /**
   * The loss fraction since the previous call, as the 8-bit fixed point of a report block
   * (RFC 3550 A.3); starts a new interval.
   */
  public int takeFractionLost() {
    long expected = expected();
    long expectedInterval = expected - expectedPrior;
    long receivedInterval = received - receivedPrior;
    expectedPrior = expected;
    receivedPrior = received;
    long lostInterval = expectedInterval - receivedInterval;
    if (expectedInterval == 0 || lostInterval <= 0) {
      return 0;
    }
    return (int) ((lostInterval << 8) / expectedInterval);
  }

  /** LSR: the middle 32 bits of the last SR's NTP timestamp, or 0 if none. */
  public long lastSenderReport() {
    return lastSrArrivalNanos == Long.MIN_VALUE ? 0 : lastSrNtpMiddle;
  }

  /** DLSR: delay since the last SR in units of 1/65536 s, or 0 if none. */
  public long delaySinceLastSenderReport(long nowNanos) {
    if (lastSrArrivalNanos == Long.MIN_VALUE) {
      return 0;
    }
    return ((nowNanos - lastSrArrivalNanos) << 16) / 1_000_000_000L & 0xffffffffL;
  }

  private long expected() {
    return started ? extendedHighestSequence() - baseSeq + 1 : 0;
  }

  private void initSequence(int seq) {
    baseSeq = seq;
    maxSeq = seq;
    badSeq = SEQ_MOD + 1;
    cycles = 0;
    received = 0;
    receivedPrior = 0;
    expectedPrior = 0;
  }

  private boolean updateSequence(int seq) {
    int delta = (seq - maxSeq) & 0xffff;
    if (probation > 0) {
      if (seq == ((maxSeq + 1) & 0xffff)) {
        probation--;
        maxSeq = seq;
        if (probation == 0) {
          initSequence(seq);
          received++;
          return true;
        }
      } else {
        probation = MIN_SEQUENTIAL - 1;
        maxSeq = seq;
      }
      return false;
    }
    if (delta < MAX_DROPOUT) {
      if (seq < maxSeq) {
        cycles += SEQ_MOD;
      }
      maxSeq = seq;
    } else if (delta <= SEQ_MOD - MAX_MISORDER) {
      if (seq == badSeq) {
        initSequence(seq); // two packets in a row after a jump: the source restarted
      } else {
        badSeq = (seq + 1) & 0xffff;
        return false;
      }
    }
    // else: duplicate or reordered packet, counted below
    received++;
    return true;
  }
}
