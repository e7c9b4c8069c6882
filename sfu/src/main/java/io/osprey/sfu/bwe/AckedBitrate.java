package io.osprey.sfu.bwe;

/**
 * The rate at which the receiver acknowledged bytes over the last window, from TWCC feedback:
 * what the path really delivered, which is where the estimate falls back to on overuse. Bytes are
 * summed into time buckets of 1/{@value #BUCKETS} of the window: bounded, no allocation.
 */
final class AckedBitrate {
  private static final int BUCKETS = 50;

  private final long bucketNanos;
  private final long[] bucketId = new long[BUCKETS];
  private final long[] bucketBytes = new long[BUCKETS];
  private long firstArrival = Long.MIN_VALUE;

  AckedBitrate(long windowNanos) {
    this.bucketNanos = Math.max(1, windowNanos / BUCKETS);
    java.util.Arrays.fill(bucketId, Long.MIN_VALUE);
  }

  void add(long arrivalNanos, int size) {
    if (firstArrival == Long.MIN_VALUE) {
      firstArrival = arrivalNanos;
    }
    long id = Math.floorDiv(arrivalNanos, bucketNanos);
    int slot = (int) Math.floorMod(id, (long) BUCKETS);
    if (bucketId[slot] != id) {
      bucketId[slot] = id;
      bucketBytes[slot] = 0;
    }
    bucketBytes[slot] += size;
  }

  /** Bits per second over the window ending at {@code nowNanos}, or -1 until half a window is known. */
  long bitsPerSecond(long nowNanos) {
    if (firstArrival == Long.MIN_VALUE || nowNanos - firstArrival < bucketNanos * BUCKETS / 2) {
      return -1;
    }
    long newest = Math.floorDiv(nowNanos, bucketNanos);
    long total = 0;
    for (int i = 0; i < BUCKETS; i++) {
      if (bucketId[i] > newest - BUCKETS && bucketId[i] <= newest) {
        total += bucketBytes[i];
      }
    }
    long span = Math.min(nowNanos - firstArrival, bucketNanos * BUCKETS);
    return total * 8L * 1_000_000_000L / Math.max(span, 1);
  }
}
