package io.osprey.sfu.codec;

/**
 * Reads what layer selection needs from a VP9 payload descriptor (RFC 9628 §4.2): where a layer
 * frame begins and ends (B, E), whether the picture is inter-predicted (P), and the spatial and
 * temporal layer ids when the L bit carries them. One reusable instance per loop, nothing
 * allocated; {@link #wrap} returns false for a descriptor too short for what its flags announce.
 */
public final class Vp9Descriptor {
  private int flags;
  private int spatialId;
  private int temporalId;

  /** Parses the descriptor at the start of the payload {@code b[off, off+len)}. */
  public boolean wrap(byte[] b, int off, int len) {
    spatialId = 0;
    temporalId = 0;
    flags = 0;
    if (len < 1) {
      return false;
    }
    int end = off + len;
    int first = b[off] & 0xff;
    int pos = off + 1;
    if ((first & 0x80) != 0) { // I: a 7- or 15-bit picture id
      if (pos >= end) {
        return false;
      }
      pos += (b[pos] & 0x80) != 0 ? 2 : 1;
    }
    if ((first & 0x20) != 0) { // L: TID(3) U(1) SID(3) D(1)
      if (pos >= end) {
        return false;
      }
      int layers = b[pos] & 0xff;
      temporalId = layers >>> 5;
      spatialId = (layers >>> 1) & 0x07;
    }
    flags = first;
    return true;
  }

  /** B: the packet starts a layer frame. */
  public boolean beginsLayerFrame() {
    return (flags & 0x08) != 0;
  }

  /** E: the packet ends a layer frame. */
  public boolean endsLayerFrame() {
    return (flags & 0x04) != 0;
  }

  /** P: the picture is predicted from an earlier one (not a key picture). */
  public boolean interPredicted() {
    return (flags & 0x40) != 0;
  }

  /** Whether the packet starts a picture: the first layer frame, of spatial layer 0. */
  public boolean beginsPicture() {
    return beginsLayerFrame() && spatialId == 0;
  }

  /** The spatial layer id, 0 when the descriptor has no layer indices. */
  public int spatialId() {
    return spatialId;
  }

  /** The temporal layer id, 0 when the descriptor has no layer indices. */
  public int temporalId() {
    return temporalId;
  }
}
