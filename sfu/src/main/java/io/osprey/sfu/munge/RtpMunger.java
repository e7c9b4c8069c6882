package io.osprey.sfu.munge;

import io.osprey.sfu.seq.SequenceUnwrapper;

/**
 * Rewrites the sequence numbers and timestamps of the packets one down track forwards, so the
 * subscriber sees one continuous RTP stream (RFC 3550 §5.1) while the SFU switches between
 * simulcast layers, pauses and resumes, or drops packets it chooses not to send.
 *
 * <p>Within one source, outgoing = incoming + offset (mod 2^16 for sequence numbers, 2^32 for
 * timestamps). Gaps from real loss are kept, so the subscriber can NACK them; packets the SFU
 * {@linkplain #skip skips} close their gap by shifting the offset. A short history of offsets
 * maps late (reordered or retransmitted) packets with the offset that was in effect for them.
 * On a {@linkplain #switchSource switch} the next outgoing number follows the last one sent and
 * the timestamp advances by the wall time elapsed, so the decoder's clock stays smooth.
 *
 * <p>{@link #munge} returns the new sequence number and timestamp packed in a long
 * ({@code seq << 32 | ts}), or {@link #DROP}; nothing is allocated. Owned by one event loop.
 */
public final class RtpMunger {
  /** {@link #munge} result for a packet that must not be forwarded. */
  public static final long DROP = -1L;

  private static final int HISTORY = 64;
  private static final int DROPPED = Integer.MIN_VALUE;

  private final SequenceUnwrapper unwrapper = new SequenceUnwrapper();
  // Ranges [start, next start) of incoming extended sequence numbers and the offset in effect.
  private final long[] historyStart = new long[HISTORY];
  private final int[] historyOffset = new int[HISTORY];
  private int historyCount;
  private int historyHead; // index of the newest entry

  private boolean started;
  private long sourceStart;
  private long highestIn;
  private int seqOffset;
  private long tsOffset;
  private int lastOutSeq;
  private long lastOutTs;
  private long lastOutAtNanos;

  /** Whether a source has been started. */
  public boolean started() {
    return started;
  }

  /**
   * Starts forwarding a (new) source from the packet {@code inSeq}/{@code inTs}, which should begin
   * a key frame. Call before {@link #munge} of that packet.
   *
   * @param clockRate RTP clock rate of the codec (90000 video, 48000 Opus)
   */
  public void switchSource(int inSeq, long inTs, long nowNanos, int clockRate) {
    unwrapper.reset();
    long ext = unwrapper.unwrap(inSeq);
    if (!started) {
      seqOffset = 0;
      tsOffset = 0;
      started = true;
    } else {
      seqOffset = ((lastOutSeq + 1) - inSeq) & 0xffff;
      long elapsedTicks = Math.max(1, (nowNanos - lastOutAtNanos) * clockRate / 1_000_000_000L);
      long targetTs = (lastOutTs + elapsedTicks) & 0xffffffffL;
      tsOffset = (targetTs - inTs) & 0xffffffffL;
    }
    historyCount = 0;
    pushHistory(ext, seqOffset);
    sourceStart = ext;
    highestIn = ext - 1;
    lastOutAtNanos = nowNanos;
  }

  /**
   * Maps an incoming packet of the current source.
   *
   * @return {@code outSeq << 32 | outTs}, or {@link #DROP} if it predates the source switch or the
   *     offset history, or was skipped before
   */
  public long munge(int inSeq, long inTs, long nowNanos) {
    if (!started) {
      return DROP;
    }
    long ext = unwrapper.unwrap(inSeq);
    if (ext < sourceStart) {
      return DROP;
    }
    int offset;
    if (ext > highestIn) {
      highestIn = ext;
      offset = seqOffset;
    } else {
      offset = offsetFor(ext);
      if (offset == DROPPED) {
        return DROP;
      }
    }
    int outSeq = (int) ((ext + offset) & 0xffff);
    long outTs = (inTs + tsOffset) & 0xffffffffL;
    if (ext == highestIn) {
      lastOutSeq = outSeq;
      lastOutTs = outTs;
      lastOutAtNanos = nowNanos;
    }
    return ((long) outSeq << 32) | outTs;
  }

  /**
   * Drops the newest packet {@code inSeq} without leaving a gap: later packets shift down by one.
   * Use for packets the subscriber must not see (padding-only, a temporal layer it does not get).
   */
  public void skip(int inSeq) {
    if (!started) {
      return;
    }
    long ext = unwrapper.unwrap(inSeq);
    if (ext <= highestIn) {
      return; // only the newest packet can be skipped without renumbering what was sent
    }
    highestIn = ext;
    seqOffset = (seqOffset - 1) & 0xffff;
    int previous = (historyHead + HISTORY - 1) % HISTORY;
    if (historyCount >= 2 && historyStart[historyHead] == ext && historyOffset[previous] == DROPPED) {
      // a run of skips (an SVC layer not forwarded): the dropped range grows, no new entries
      historyStart[historyHead] = ext + 1;
      historyOffset[historyHead] = seqOffset;
      return;
    }
    pushHistory(ext, DROPPED);
    pushHistory(ext + 1, seqOffset);
  }

  /** The outgoing timestamp for incoming {@code inTs} of the current source (sender reports). */
  public long mapTimestamp(long inTs) {
    return (inTs + tsOffset) & 0xffffffffL;
  }

  /** The last sequence number sent, for RTX and reports. */
  public int lastOutSeq() {
    return lastOutSeq;
  }

  /** The last timestamp sent. */
  public long lastOutTs() {
    return lastOutTs;
  }

  private void pushHistory(long start, int offset) {
    historyHead = (historyHead + 1) % HISTORY;
    historyStart[historyHead] = start;
    historyOffset[historyHead] = offset;
    historyCount = Math.min(HISTORY, historyCount + 1);
  }

  private int offsetFor(long ext) {
    for (int i = 0, idx = historyHead; i < historyCount; i++, idx = (idx + HISTORY - 1) % HISTORY) {
      if (historyStart[idx] <= ext) {
        return historyOffset[idx];
      }
    }
    return DROPPED;
  }
}
