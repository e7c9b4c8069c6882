package io.osprey.sfu.buffer;

/**
 * The last {@code capacity} packets of one received RTP stream, kept to answer subscribers' NACKs
 * (RFC 4585 §6.2.1) without going back to the publisher.
 *
 * <p>All memory is allocated up front: one slab of {@code capacity * maxPacketSize} bytes and a
 * slot per sequence number modulo {@code capacity}. A newer packet overwrites the slot of the one
 * {@code capacity} numbers before it, so memory per track is bounded whatever the sender does.
 * Owned by one event loop; not thread-safe.
 */
public final class PacketCache {
  private final int mask;
  private final int maxPacketSize;
  private final byte[] slab;
  private final int[] slotSeq;
  private final int[] slotLength;

  /**
   * @param capacity      packets kept; rounded up to a power of two (LiveKit keeps 500 video, 200 audio)
   * @param maxPacketSize the largest packet stored; larger ones are not cached
   */
  public PacketCache(int capacity, int maxPacketSize) {
    if (capacity < 1 || capacity > (1 << 15)) {
      throw new IllegalArgumentException("capacity must be in [1, 32768]: " + capacity);
    }
    if (maxPacketSize < 12) {
      throw new IllegalArgumentException("maxPacketSize too small: " + maxPacketSize);
    }
    int slots = Integer.highestOneBit(capacity - 1 == 0 ? 1 : (capacity - 1) << 1);
    this.mask = slots - 1;
    this.maxPacketSize = maxPacketSize;
    this.slab = new byte[slots * maxPacketSize];
    this.slotSeq = new int[slots];
    this.slotLength = new int[slots];
    java.util.Arrays.fill(slotSeq, -1);
  }

  /** Number of slots (a power of two at least the requested capacity). */
  public int capacity() {
    return mask + 1;
  }

  /**
   * Copies a packet into the slot of its sequence number.
   *
   * @return whether it was stored (false if larger than the maximum packet size)
   */
  public boolean put(int seq, byte[] packet, int offset, int length) {
    if (length > maxPacketSize || length < 0) {
      return false;
    }
    int slot = seq & mask;
    System.arraycopy(packet, offset, slab, slot * maxPacketSize, length);
    slotSeq[slot] = seq & 0xffff;
    slotLength[slot] = length;
    return true;
  }

  /** Whether the packet with this sequence number is still held. */
  public boolean contains(int seq) {
    return slotSeq[seq & mask] == (seq & 0xffff);
  }

  /**
   * Copies a held packet into {@code dst}.
   *
   * @return its length, or -1 if it is no longer (or never was) held or does not fit
   */
  public int get(int seq, byte[] dst, int dstOffset) {
    int slot = seq & mask;
    if (slotSeq[slot] != (seq & 0xffff)) {
      return -1;
    }
    int length = slotLength[slot];
    if (dst.length - dstOffset < length) {
      return -1;
    }
    System.arraycopy(slab, slot * maxPacketSize, dst, dstOffset, length);
    return length;
  }

  /** Forgets every packet (e.g. when the publisher's stream restarts). */
  public void clear() {
    java.util.Arrays.fill(slotSeq, -1);
  }
}
