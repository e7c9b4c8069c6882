package io.osprey.sfu.alloc;

/**
 * Shares one subscriber's estimated downstream bandwidth among the video tracks it subscribes to
 * by picking a simulcast layer for each, LiveKit's stream allocator in miniature.
 *
 * <p>Audio is never paused: its bitrate is taken off the top. Then, in priority order, every video
 * track gets its lowest available layer if it fits, else it is paused (LiveKit's StreamStateUpdate
 * PAUSED). Remaining budget upgrades tracks one layer at a time, round-robin in priority order, up
 * to each track's maximum (the subscriber's adaptive-stream wish). An upgrade needs
 * {@code headroom} times the extra bitrate, so an estimate hovering at a boundary does not flap.
 *
 * <p>Inputs and the result live in arrays owned by the caller, so an allocation round allocates
 * nothing. Pure: the same inputs give the same answer.
 */
public final class StreamAllocator {
  /** A layer choice meaning the track is paused. */
  public static final int PAUSED = -1;

  private final double headroom;

  /** @param headroom factor over the extra bitrate an upgrade needs, at least 1 (e.g. 1.1) */
  public StreamAllocator(double headroom) {
    if (!(headroom >= 1)) {
      throw new IllegalArgumentException("headroom must be >= 1: " + headroom);
    }
    this.headroom = headroom;
  }

  /**
   * Allocates layers.
   *
   * @param availableBps   the subscriber's bandwidth estimate
   * @param audioBps       total bitrate of its audio tracks
   * @param layerBps       per video track (in priority order, highest first), the bitrate of layers
   *                       0..2; 0 means the layer is not published (or paused by the publisher)
   * @param maxLayer       per video track, the highest layer wanted, or {@link #PAUSED} if the
   *                       subscriber disabled it
   * @param result         per video track, receives the chosen layer or {@link #PAUSED}
   * @return the bitrate allocated to video
   */
  public long allocate(long availableBps, long audioBps, long[][] layerBps, int[] maxLayer, int[] result) {
    int n = layerBps.length;
    long budget = Math.max(0, availableBps - audioBps);
    long used = 0;
    for (int i = 0; i < n; i++) {
      result[i] = PAUSED;
      if (maxLayer[i] == PAUSED) {
        continue;
      }
      int lowest = nextAvailable(layerBps[i], -1, maxLayer[i]);
      if (lowest != PAUSED && used + layerBps[i][lowest] <= budget) {
        result[i] = lowest;
        used += layerBps[i][lowest];
      }
    }
    boolean upgraded = true;
    while (upgraded) {
      upgraded = false;
      for (int i = 0; i < n; i++) {
        if (result[i] == PAUSED) {
          continue;
        }
        int next = nextAvailable(layerBps[i], result[i], maxLayer[i]);
        if (next == PAUSED) {
          continue;
        }
        long extra = layerBps[i][next] - layerBps[i][result[i]];
        if (used + (long) Math.ceil(extra * headroom) <= budget) {
          used += extra;
          result[i] = next;
          upgraded = true;
        }
      }
    }
    return used;
  }

  private static int nextAvailable(long[] bps, int above, int max) {
    for (int layer = above + 1; layer <= Math.min(max, bps.length - 1); layer++) {
      if (bps[layer] > 0) {
        return layer;
      }
    }
    return PAUSED;
  }
}
