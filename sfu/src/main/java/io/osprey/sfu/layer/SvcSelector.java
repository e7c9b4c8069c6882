package io.osprey.sfu.layer;

/**
 * Which spatial layers of one scalable (SVC) stream a subscriber gets: every layer up to the
 * current one, all in the one RTP stream. Down-switches happen at the start of a picture (the
 * lower layers of the next picture stand on their own); up-switches wait for a key picture, since
 * in the {@code L3T3_KEY} structure browsers use a higher layer depends on the lower ones only at a
 * key picture. Starting (or resuming after a pause) waits for a key picture too. Pure state, no
 * allocation; owned by one event loop.
 */
public final class SvcSelector {
  /** No layer: paused. */
  public static final int NONE = SimulcastSelector.NONE;

  private int target = NONE;
  private int current = NONE;
  private boolean keyFrameWanted;

  /** The highest spatial layer wanted, or {@link #NONE} to pause. */
  public void setTarget(int spatialLayer) {
    target = spatialLayer;
  }

  public int target() {
    return target;
  }

  /** The highest spatial layer being forwarded, or {@link #NONE}. */
  public int current() {
    return current;
  }

  /** Whether the target waits for a key picture (ask the publisher for one). */
  public boolean keyFrameWanted() {
    return keyFrameWanted;
  }

  /**
   * Decides on one packet.
   *
   * @param spatialId    its spatial layer
   * @param beginsPicture whether it starts a picture (begins the layer frame of spatial layer 0)
   * @param keyPicture   whether that picture is a key picture (not inter-predicted)
   * @return whether to forward it
   */
  public boolean select(int spatialId, boolean beginsPicture, boolean keyPicture) {
    if (beginsPicture && target != current) {
      if (target == NONE || (target < current && current != NONE)) {
        current = target; // down, or pause: the next picture's lower layers need nothing above
      } else if (keyPicture) {
        current = target; // up, or (re)start: from a key picture
      }
    }
    keyFrameWanted = target != NONE && target > current;
    return current != NONE && spatialId <= current;
  }
}
