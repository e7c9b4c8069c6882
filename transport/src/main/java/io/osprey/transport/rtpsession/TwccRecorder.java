package io.osprey.transport.rtpsession;

/**
 * The receiving end of transport-wide congestion control
 * (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1): remembers when each packet with a
 * transport-wide sequence number arrived, and periodically hands the span since the last
 * feedback to a {@link Sink} that writes the RTCP feedback message.
 *
 * <p>Arrivals are kept in a ring indexed by the extended sequence number; a span longer than the
 * ring, or than {@code maxPerFeedback}, is cut into several messages. No allocation per packet.
 */
public final class TwccRecorder {
  /** Receives one feedback message's content; {@code arrivalNanos[i] < 0} means not received. */
  public interface Sink {
    void feedback(int feedbackCount, int baseSequence, long[] arrivalNanos, int count);
  }

  private final int mask;
  private final long[] arrival;
  private final long[] arrivalSeq;
  private final long[] scratch;
  private final int maxPerFeedback;
  private long highest = -1;
  private long nextToReport = -1;
  private int feedbackCount;

  /**
   * @param capacity       arrivals remembered (a power of two is used, at least this)
   * @param maxPerFeedback packet statuses per feedback message
   */
  public TwccRecorder(int capacity, int maxPerFeedback) {
    int slots = Integer.highestOneBit(Math.max(2, capacity - 1) << 1);
    this.mask = slots - 1;
    this.arrival = new long[slots];
    this.arrivalSeq = new long[slots];
    java.util.Arrays.fill(arrivalSeq, -1);
    this.maxPerFeedback = Math.min(maxPerFeedback, slots);
    this.scratch = new long[this.maxPerFeedback];
  }

  /** Records the arrival of a packet carrying transport-wide sequence number {@code seq}. */
  public void handlePacket(int seq, long arrivalNanos) {
    long ext = extend(seq & 0xffff);
    if (nextToReport < 0) {
      nextToReport = ext;
    }
    if (ext < nextToReport) {
      return; // already reported as lost; too late to matter to the sender's estimate
    }
    int slot = (int) (ext & mask);
    arrival[slot] = arrivalNanos;
    arrivalSeq[slot] = ext;
    highest = Math.max(highest, ext);
  }

  /** Whether there is anything to report. */
  public boolean hasPending() {
    return nextToReport >= 0 && highest >= nextToReport;
  }

  /**
   * Reports every packet from the last report up to the highest received, as one or more
   * messages to {@code sink}.
   */
  public void flush(Sink sink) {
    while (hasPending()) {
      // Skip spans that fell out of the ring: the sender treats them as lost anyway.
      if (highest - nextToReport > mask) {
        nextToReport = highest - mask;
      }
      int count = (int) Math.min(maxPerFeedback, highest - nextToReport + 1);
      for (int i = 0; i < count; i++) {
        long ext = nextToReport + i;
        int slot = (int) (ext & mask);
        scratch[i] = arrivalSeq[slot] == ext ? arrival[slot] : -1;
      }
      sink.feedback(feedbackCount & 0xff, (int) (nextToReport & 0xffff), scratch, count);
      feedbackCount++;
      nextToReport += count;
    }
  }

  private long extend(int seq) {
    if (highest < 0) {
      return seq;
    }
    int delta = (short) (seq - (int) (highest & 0xffff));
    return Math.max(0, highest + delta);
  }
}
