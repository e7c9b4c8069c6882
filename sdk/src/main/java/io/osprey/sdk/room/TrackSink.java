package io.osprey.sdk.room;

/**
 * Receives a subscribed track's media on the room's loop: RTP packets as they arrive and, for
 * codecs the SDK depacketizes (VP8, H.264, Opus), whole frames. Both methods do nothing unless
 * overridden; the arrays are the sink's to keep.
 */
public interface TrackSink {
  /** A decrypted RTP packet (header included). */
  default void onRtp(byte[] packet) {}

  /**
   * A whole encoded frame (video) or packet (audio).
   *
   * @param rtpTimestamp the frame's RTP timestamp, unwrapped (it only grows), at the codec clock
   */
  default void onFrame(byte[] frame, long rtpTimestamp, boolean keyFrame) {}

  /**
   * Whether this sink takes {@link #onFrame}; a track none of whose sinks do passes RTP only and
   * reassembles no frames (a load test counting packets spares the copies). Asked when the sink is
   * added.
   */
  default boolean wantsFrames() {
    return true;
  }
}
