package io.osprey.sfu.nack;

import io.osprey.sfu.seq.SequenceUnwrapper;

/**
 * Decides which packets of one received RTP stream to ask the publisher for again with generic
 * NACKs (RFC 4585 §6.2.1), the receive half of what LiveKit's buffer does towards publishers.
 *
 * <p>A gap in sequence numbers marks the missing numbers; each is requested after a short
 * reordering allowance, then again every retry interval (at least the round-trip time) until it
 * arrives, {@code maxAttempts} is reached or it ages out. A gap too large to repair is given up:
 * {@link #keyFrameNeeded()} then says a key frame request (PLI) would serve better. Storage is a
 * fixed set of arrays; nothing is allocated per packet. Owned by one event loop.
 */
public final class NackGenerator {
  /** Tuning of a {@link NackGenerator}; LiveKit-like defaults via {@link #defaults()}. */
  public record Config(int maxMissing, int maxAttempts, long reorderAllowanceNanos,
                       long minRetryIntervalNanos, long maxAgeNanos) {
    public Config {
      if (maxMissing < 1 || maxAttempts < 1 || reorderAllowanceNanos < 0 || minRetryIntervalNanos <= 0
          || maxAgeNanos <= 0) {
        throw new IllegalArgumentException("invalid NACK config: " + this);
      }
    }

    public static Config defaults() {
      return new Config(256, 10, 5_000_000L, 20_000_000L, 1_000_000_000L);
    }
  }

  private final Config config;
  private final SequenceUnwrapper unwrapper = new SequenceUnwrapper();
  private final long[] missing;
  private final long[] firstMissingAt;
  private final long[] nextRequestAt;
  private final int[] attempts;
  private int count;
  private long rttNanos;
  private boolean keyFrameNeeded;
  private long nacksSent;
  private long recovered;

  public NackGenerator(Config config) {
    this.config = config;
    this.missing = new long[config.maxMissing()];
    this.firstMissingAt = new long[config.maxMissing()];
    this.nextRequestAt = new long[config.maxMissing()];
    this.attempts = new int[config.maxMissing()];
  }

  /** Feeds the sequence number of a received packet (original or retransmitted). */
  public void handlePacket(int seq, long nowNanos) {
    long highestBefore = unwrapper.highest();
    long ext = unwrapper.unwrap(seq);
    if (highestBefore < 0) {
      return;
    }
    if (ext <= highestBefore) {
      if (remove(ext)) {
        recovered++;
      }
      return;
    }
    long gap = ext - highestBefore - 1;
    if (gap == 0) {
      return;
    }
    if (gap > config.maxMissing()) {
      count = 0; // beyond repair by retransmission
      keyFrameNeeded = true;
      return;
    }
    for (long s = highestBefore + 1; s < ext; s++) {
      if (count == missing.length) {
        drop(0); // make room by giving up the oldest
        keyFrameNeeded = true;
      }
      missing[count] = s;
      firstMissingAt[count] = nowNanos;
      nextRequestAt[count] = nowNanos + config.reorderAllowanceNanos();
      attempts[count] = 0;
      count++;
    }
  }

  /** Updates the round-trip time used to space retries (from RTCP RR/SR or TWCC). */
  public void setRttNanos(long rttNanos) {
    this.rttNanos = Math.max(0, rttNanos);
  }

  /**
   * Collects the sequence numbers to NACK now into {@code out} and schedules their next retry.
   *
   * @return how many were written (at most {@code out.length})
   */
  public int pollNacks(long nowNanos, int[] out) {
    long retry = Math.max(config.minRetryIntervalNanos(), rttNanos);
    int n = 0;
    int i = 0;
    while (i < count) {
      if (nowNanos - firstMissingAt[i] > config.maxAgeNanos() || attempts[i] >= config.maxAttempts()) {
        drop(i);
        keyFrameNeeded = true;
        continue;
      }
      if (nextRequestAt[i] <= nowNanos && n < out.length) {
        out[n++] = (int) (missing[i] & 0xffff);
        attempts[i]++;
        nextRequestAt[i] = nowNanos + retry;
      }
      i++;
    }
    nacksSent += n;
    return n;
  }

  /** When {@link #pollNacks} next has something to do, or {@link Long#MAX_VALUE}. */
  public long nextDeadlineNanos() {
    long next = Long.MAX_VALUE;
    for (int i = 0; i < count; i++) {
      next = Math.min(next, Math.min(nextRequestAt[i], firstMissingAt[i] + config.maxAgeNanos()));
    }
    return next;
  }

  /** Whether loss went beyond what NACKs can repair since the last {@link #clearKeyFrameNeeded}. */
  public boolean keyFrameNeeded() {
    return keyFrameNeeded;
  }

  public void clearKeyFrameNeeded() {
    keyFrameNeeded = false;
  }

  /** Sequence numbers currently considered missing. */
  public int missingCount() {
    return count;
  }

  public long nacksSent() {
    return nacksSent;
  }

  /** Missing packets that later arrived. */
  public long recoveredCount() {
    return recovered;
  }

  private boolean remove(long ext) {
    for (int i = 0; i < count; i++) {
      if (missing[i] == ext) {
        drop(i);
        return true;
      }
    }
    return false;
  }

  private void drop(int i) {
    int tail = count - i - 1;
    System.arraycopy(missing, i + 1, missing, i, tail);
    System.arraycopy(firstMissingAt, i + 1, firstMissingAt, i, tail);
    System.arraycopy(nextRequestAt, i + 1, nextRequestAt, i, tail);
    System.arraycopy(attempts, i + 1, attempts, i, tail);
    count--;
  }
}
