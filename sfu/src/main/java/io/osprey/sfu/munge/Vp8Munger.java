package io.osprey.sfu.munge;

/**
 * Keeps VP8's PictureID and TL0PICIDX (RFC 7741 §4.2) continuous for one subscriber while the
 * SFU switches between simulcast layers, each of which numbers its pictures independently. A
 * decoder that sees PictureID jump would treat frames as lost and ask for a key frame.
 *
 * <p>Like {@link RtpMunger}: outgoing = incoming + offset, offsets reset on a switch so the next
 * picture follows the last one sent. Values keep the width they arrived with (7- or 15-bit
 * PictureID) because the descriptor is rewritten in place. Owned by one event loop.
 */
public final class Vp8Munger {
  private boolean started;
  private int pictureIdOffset;
  private int tl0Offset;
  private int lastPictureId = -1;
  private int lastTl0 = -1;
  private int highestInPictureId = -1;

  /**
   * Starts a new source at a key frame with these incoming values; {@code -1} when a field is
   * absent from the descriptor.
   */
  public void switchSource(int inPictureId, int inTl0PicIdx) {
    if (started && lastPictureId >= 0 && inPictureId >= 0) {
      pictureIdOffset = (lastPictureId + 1 - inPictureId) & 0x7fff;
    } else {
      pictureIdOffset = 0;
    }
    if (started && lastTl0 >= 0 && inTl0PicIdx >= 0) {
      tl0Offset = (lastTl0 + 1 - inTl0PicIdx) & 0xff;
    } else {
      tl0Offset = 0;
    }
    highestInPictureId = -1;
    started = true;
  }

  /**
   * The outgoing PictureID for an incoming one.
   *
   * @param fifteenBit whether the descriptor carries the 15-bit form (M=1)
   */
  public int pictureId(int inPictureId, boolean fifteenBit) {
    int mask = fifteenBit ? 0x7fff : 0x7f;
    int out = (inPictureId + pictureIdOffset) & mask;
    if (highestInPictureId < 0 || isNewer(inPictureId, highestInPictureId, mask)) {
      highestInPictureId = inPictureId;
      lastPictureId = out;
    }
    return out;
  }

  /** The outgoing TL0PICIDX for an incoming one. */
  public int tl0PicIdx(int inTl0PicIdx) {
    int out = (inTl0PicIdx + tl0Offset) & 0xff;
    if (lastTl0 < 0 || ((out - lastTl0) & 0xff) < 0x80) {
      lastTl0 = out;
    }
    return out;
  }

  private static boolean isNewer(int a, int b, int mask) {
    int half = (mask + 1) >> 1;
    return a != b && ((a - b) & mask) < half;
  }
}
