package io.osprey.sfu.layer;

/** What a down track does with one packet of a layered (simulcast) track. */
public enum LayerDecision {
  /** Not forwarded: another layer is current, or the track is paused. */
  DROP,
  /** Forwarded on the current layer. */
  FORWARD,
  /** Starts a new current layer at this key frame: restart the munger's source, then forward. */
  SWITCH
}
