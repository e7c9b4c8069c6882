package io.osprey.sfu.layer;

/**
 * Chooses, packet by packet, which simulcast layer (RFC 8853) one subscriber receives. A switch
 * only happens on a key frame of the layer switched to, so the picture never breaks; while waiting
 * for one, the current layer keeps flowing (or nothing, before the first key frame).
 *
 * <p>Layers are spatial indices 0 (lowest) to 2 (highest). The target comes from the subscriber's
 * wishes and the stream allocator ({@link #setTarget}); {@link #NONE} pauses the track. When
 * moving towards a higher target, a key frame on any layer between the current and the target is
 * taken opportunistically. {@link #keyFrameWanted()} tells the caller to request one (PLI, with its
 * own throttle) from the layer being waited for.
 */
public final class SimulcastSelector {
  /** No layer: paused, or not started. */
  public static final int NONE = -1;

  private int current = NONE;
  private int target = NONE;

  /** Sets the layer this subscriber should receive, or {@link #NONE} to pause. */
  public void setTarget(int layer) {
    if (layer < NONE || layer > 2) {
      throw new IllegalArgumentException("layer must be -1..2: " + layer);
    }
    target = layer;
    if (layer == NONE) {
      current = NONE;
    }
  }

  /** Decides for one packet of {@code layer}; {@code keyFrame} if it starts a key frame. */
  public LayerDecision select(int layer, boolean keyFrame) {
    if (target == NONE) {
      return LayerDecision.DROP;
    }
    if (layer == current) {
      return LayerDecision.FORWARD;
    }
    if (!keyFrame) {
      return LayerDecision.DROP;
    }
    boolean isTarget = layer == target;
    boolean towardsTarget = current != NONE && current < target && layer > current && layer < target;
    boolean firstAvailable = current == NONE && layer <= target;
    if (isTarget || towardsTarget || firstAvailable) {
      current = layer;
      return LayerDecision.SWITCH;
    }
    return LayerDecision.DROP;
  }

  /** The layer being forwarded, or {@link #NONE}. */
  public int current() {
    return current;
  }

  public int target() {
    return target;
  }

  /** Whether a key frame of the {@linkplain #target() target} layer is needed to get there. */
  public boolean keyFrameWanted() {
    return target != NONE && current != target;
  }

  /** The publisher stopped sending {@code layer} (dynacast or bandwidth): forget it as current. */
  public void layerStopped(int layer) {
    if (current == layer) {
      current = NONE;
    }
  }
}
