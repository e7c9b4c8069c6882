package io.osprey.transport.rtpsession;

/**
 * The sending end of transport-wide congestion control: the send time and size of each packet we
 * stamped with a transport-wide sequence number, so the receiver's feedback can be turned into
 * (sent, arrived or lost, size) observations for a bandwidth estimator. A ring of fixed size. A
 * packet may carry a tag (a probe cluster's id) that its observation gives back.
 */
public final class TwccSendHistory {
  /** Receives one resolved observation. */
  public interface Observer {
    /** @param tag what the packet was sent with, -1 when nothing */
    void packet(long sendNanos, long arrivalNanos, boolean lost, int size, int tag);
  }

  private final int mask;
  private final int[] seqs;
  private final long[] sentAt;
  private final int[] sizes;
  private final int[] tags;
  private int nextSeq;

  public TwccSendHistory(int capacity) {
    int slots = Integer.highestOneBit(Math.max(2, capacity - 1) << 1);
    this.mask = slots - 1;
    this.seqs = new int[slots];
    this.sentAt = new long[slots];
    this.sizes = new int[slots];
    this.tags = new int[slots];
    java.util.Arrays.fill(seqs, -1);
  }

  /** Allocates the transport-wide sequence number for the next packet and records its sending. */
  public int handleSent(long sendNanos, int size) {
    return handleSent(sendNanos, size, -1);
  }

  /** As {@link #handleSent(long, int)}, for a packet tagged {@code tag} (e.g. a probe cluster). */
  public int handleSent(long sendNanos, int size, int tag) {
    int seq = nextSeq;
    nextSeq = (nextSeq + 1) & 0xffff;
    int slot = seq & mask;
    seqs[slot] = seq;
    sentAt[slot] = sendNanos;
    sizes[slot] = size;
    tags[slot] = tag;
    return seq;
  }

  /**
   * Resolves one feedback message ({@code arrivalNanos[i] < 0} = lost) against what was sent.
   * Sequence numbers we no longer remember are skipped.
   */
  public void handleFeedback(int baseSequence, long[] arrivalNanos, int count, Observer observer) {
    for (int i = 0; i < count; i++) {
      int seq = (baseSequence + i) & 0xffff;
      int slot = seq & mask;
      if (seqs[slot] != seq) {
        continue;
      }
      boolean lost = arrivalNanos[i] < 0;
      observer.packet(sentAt[slot], lost ? 0 : arrivalNanos[i], lost, sizes[slot], tags[slot]);
      seqs[slot] = -1; // each packet's fate is reported once
    }
  }
}
