package io.osprey.transport.rtpsession;

/**
 * Round-trip time from report blocks (RFC 3550 §6.4.1): a report that echoes the LSR of one of
 * our sender reports came back {@code now - sentAt(LSR) - DLSR} after we sent it. Keeping our own
 * send time per LSR means no wall clock is needed on this side. Smoothed like TCP's SRTT (1/8).
 */
public final class RoundTripTime {
  private static final int REMEMBERED = 16;

  private final long[] lsr = new long[REMEMBERED];
  private final long[] sentAt = new long[REMEMBERED];
  private int next;
  private long smoothedNanos = -1;
  private long latestNanos = -1;

  public RoundTripTime() {
    java.util.Arrays.fill(sentAt, Long.MIN_VALUE);
  }

  /** Notes that we sent a sender report whose NTP timestamp was {@code ntpTimestamp}. */
  public void handleSenderReportSent(long ntpTimestamp, long nowNanos) {
    lsr[next] = (ntpTimestamp >>> 16) & 0xffffffffL;
    sentAt[next] = nowNanos;
    next = (next + 1) % REMEMBERED;
  }

  /**
   * Takes a report block about one of our streams.
   *
   * @param lastSr          its LSR field
   * @param delaySinceLastSr its DLSR field (1/65536 s)
   * @return the round-trip time measured, or -1 if the block echoes no SR we remember
   */
  public long handleReportBlock(long lastSr, long delaySinceLastSr, long nowNanos) {
    if (lastSr == 0) {
      return -1;
    }
    for (int i = 0; i < REMEMBERED; i++) {
      if (lsr[i] == lastSr && sentAt[i] != Long.MIN_VALUE) {
        long rtt = nowNanos - sentAt[i] - (delaySinceLastSr * 1_000_000_000L >>> 16);
        if (rtt < 0) {
          return -1;
        }
        latestNanos = rtt;
        smoothedNanos = smoothedNanos < 0 ? rtt : smoothedNanos + (rtt - smoothedNanos) / 8;
        return rtt;
      }
    }
    return -1;
  }

  /** The smoothed round-trip time, or -1 before the first measurement. */
  public long smoothedNanos() {
    return smoothedNanos;
  }

  /** The latest measurement, or -1. */
  public long latestNanos() {
    return latestNanos;
  }
}
