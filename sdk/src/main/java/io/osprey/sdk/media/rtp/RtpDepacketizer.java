package io.osprey.sdk.media.rtp;

import io.osprey.sdk.media.MediaFormatException;
import java.io.ByteArrayOutputStream;

/**
 * Reassembles encoded frames from a subscribed track's RTP payloads, in sequence order. A gap in
 * sequence numbers abandons the frame being built (a recorder keeps only whole frames) and waits
 * for the next frame start. Subclasses know their codec's payload format.
 */
public abstract class RtpDepacketizer {
  /** Bound on one frame, so a stream without marker bits cannot grow memory forever. */
  public static final int MAX_FRAME = 8 << 20;

  private final ByteArrayOutputStream frame = new ByteArrayOutputStream();
  private int expectedSeq = -1;
  private boolean building;

  /** A depacketizer for a codec: VP8, VP9, AV1, H.264 or Opus. */
  public static RtpDepacketizer forMimeType(String mimeType) {
    return switch (mimeType.toLowerCase(java.util.Locale.ROOT)) {
      case "video/vp8" -> new Vp8Depacketizer();
      case "video/vp9" -> new Vp9Depacketizer();
      case "video/av1" -> new Av1Depacketizer();
      case "video/h264" -> new H264Depacketizer();
      case "audio/opus" -> new OpusDepacketizer();
      default -> throw new IllegalArgumentException("no depacketizer for " + mimeType);
    };
  }

  /**
   * Feeds one packet (in sequence order; reorder before calling).
   *
   * @return a whole frame if this packet completed one, else null
   * @throws MediaFormatException if the payload does not follow the codec's format
   */
  public final byte[] push(byte[] payload, int seq, boolean marker) throws MediaFormatException {
    boolean gap = expectedSeq >= 0 && seq != expectedSeq;
    expectedSeq = (seq + 1) & 0xffff;
    if (gap) {
      frame.reset();
      building = false;
    }
    boolean start = isFrameStart(payload, building);
    if (start) {
      frame.reset();
      building = true;
      frameStarted();
    }
    if (!building) {
      return null;
    }
    append(payload, frame);
    if (frame.size() > MAX_FRAME) {
      frame.reset();
      building = false;
      throw new MediaFormatException("frame larger than " + MAX_FRAME + " bytes");
    }
    if (marker || endsFrame(payload)) {
      building = false;
      byte[] whole = finish(frame.toByteArray());
      frame.reset();
      return whole;
    }
    return null;
  }

  /**
   * Whether this payload begins a (new) frame.
   *
   * @param building whether a frame is being built from earlier payloads
   */
  protected abstract boolean isFrameStart(byte[] payload, boolean building) throws MediaFormatException;

  /** Appends the payload's share of the frame. */
  protected abstract void append(byte[] payload, ByteArrayOutputStream frame) throws MediaFormatException;

  /** A new frame begins (per-frame state resets here). */
  protected void frameStarted() {
  }

  /** The frame as handed out, from what {@link #append} gathered (e.g. with a trailing index). */
  protected byte[] finish(byte[] frame) throws MediaFormatException {
    return frame;
  }

  /** Whether this payload alone ends a frame (audio); video relies on the marker bit. */
  protected boolean endsFrame(byte[] payload) {
    return false;
  }
}
