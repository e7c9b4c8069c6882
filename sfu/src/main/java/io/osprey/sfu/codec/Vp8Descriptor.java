package io.osprey.sfu.codec;

/**
 * Reads and rewrites, in place, the PictureID and TL0PICIDX of a VP8 payload descriptor
 * (RFC 7741 §4.2). One reusable instance per loop; {@link #wrap} returns false for a descriptor
 * too short for what its flags announce.
 */
public final class Vp8Descriptor {
  private byte[] buf;
  private int pictureIdOffset;
  private boolean fifteenBit;
  private int tl0Offset;

  /** Parses the descriptor at the start of the payload {@code b[off, off+len)}. */
  public boolean wrap(byte[] b, int off, int len) {
    buf = b;
    pictureIdOffset = -1;
    tl0Offset = -1;
    if (len < 1) {
      return false;
    }
    int end = off + len;
    int pos = off + 1;
    if ((b[off] & 0x80) == 0) {
      return true;
    }
    if (pos >= end) {
      return false;
    }
    int x = b[pos++] & 0xff;
    if ((x & 0x80) != 0) {
      if (pos >= end) {
        return false;
      }
      fifteenBit = (b[pos] & 0x80) != 0;
      if (pos + (fifteenBit ? 2 : 1) > end) {
        return false;
      }
      pictureIdOffset = pos;
      pos += fifteenBit ? 2 : 1;
    }
    if ((x & 0x40) != 0) {
      if (pos >= end) {
        return false;
      }
      tl0Offset = pos++;
    }
    return true;
  }

  /** The PictureID, or -1 if absent. */
  public int pictureId() {
    if (pictureIdOffset < 0) {
      return -1;
    }
    return fifteenBit ? ((buf[pictureIdOffset] & 0x7f) << 8) | (buf[pictureIdOffset + 1] & 0xff)
        : buf[pictureIdOffset] & 0x7f;
  }

  public boolean fifteenBit() {
    return fifteenBit;
  }

  /** The TL0PICIDX, or -1 if absent. */
  public int tl0PicIdx() {
    return tl0Offset < 0 ? -1 : buf[tl0Offset] & 0xff;
  }

  /** Rewrites the PictureID, keeping its width. */
  public void setPictureId(int id) {
    if (fifteenBit) {
      buf[pictureIdOffset] = (byte) (0x80 | ((id >> 8) & 0x7f));
      buf[pictureIdOffset + 1] = (byte) id;
    } else {
      buf[pictureIdOffset] = (byte) (id & 0x7f);
    }
  }

  public void setTl0PicIdx(int v) {
    buf[tl0Offset] = (byte) v;
  }
}
