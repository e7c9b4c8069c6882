package io.osprey.sfu.codec;

/** The video codecs the SFU forwards, and how to tell where a key frame starts in an RTP payload. */
public enum VideoCodec {
  VP8, VP9, H264, AV1, OTHER;

  /** The codec of an SDP encoding name (case-insensitive); {@link #OTHER} when unknown or audio. */
  public static VideoCodec of(String encodingName) {
    return switch (encodingName.toUpperCase(java.util.Locale.ROOT)) {
      case "VP8" -> VP8;
      case "VP9" -> VP9;
      case "H264" -> H264;
      case "AV1" -> AV1;
      default -> OTHER;
    };
  }

  /**
   * Whether the RTP payload {@code buf[off, off+len)} starts a key frame: VP8 (RFC 7741: start of
   * partition 0 with the P bit clear), VP9 (RFC 9628: start of a frame not inter-predicted, base
   * spatial layer), H.264 (RFC 6184: an IDR slice or SPS, alone, in a STAP-A, or starting an FU-A),
   * AV1 (RTP payload format §4.4: N, the first packet of a coded video sequence). Malformed payloads
   * are not key frames.
   */
  public boolean isKeyFrame(byte[] buf, int off, int len) {
    if (len < 1) {
      return false;
    }
    return switch (this) {
      case VP8 -> vp8(buf, off, len);
      case VP9 -> vp9(buf, off, len);
      case H264 -> h264(buf, off, len);
      case AV1 -> (buf[off] & 0x08) != 0;
      case OTHER -> false;
    };
  }

  private static boolean vp8(byte[] b, int off, int len) {
    int first = b[off] & 0xff;
    boolean start = (first & 0x10) != 0 && (first & 0x0f) == 0;
    if (!start) {
      return false;
    }
    int pos = off + 1;
    int end = off + len;
    if ((first & 0x80) != 0) { // X
      if (pos >= end) {
        return false;
      }
      int x = b[pos++] & 0xff;
      if ((x & 0x80) != 0) { // I
        if (pos >= end) {
          return false;
        }
        pos += (b[pos] & 0x80) != 0 ? 2 : 1;
      }
      if ((x & 0x40) != 0) { // L
        pos++;
      }
      if ((x & 0x30) != 0) { // T or K
        pos++;
      }
    }
    return pos < end && (b[pos] & 0x01) == 0;
  }

  private static boolean vp9(byte[] b, int off, int len) {
    int first = b[off] & 0xff;
    boolean interPredicted = (first & 0x40) != 0;
    boolean beginsFrame = (first & 0x08) != 0;
    if (interPredicted || !beginsFrame) {
      return false;
    }
    int pos = off + 1;
    int end = off + len;
    if ((first & 0x80) != 0) { // I
      if (pos >= end) {
        return false;
      }
      pos += (b[pos] & 0x80) != 0 ? 2 : 1;
    }
    if ((first & 0x20) != 0) { // L: spatial id must be the base layer
      if (pos >= end) {
        return false;
      }
      return ((b[pos] >> 1) & 0x07) == 0;
    }
    return true;
  }

  private static boolean h264(byte[] b, int off, int len) {
    int type = b[off] & 0x1f;
    if (type >= 1 && type <= 23) {
      return type == 5 || type == 7;
    }
    if (type == 24) { // STAP-A: 16-bit size, then the NAL unit
      int pos = off + 1;
      int end = off + len;
      while (pos + 2 < end) {
        int size = ((b[pos] & 0xff) << 8) | (b[pos + 1] & 0xff);
        int nal = b[pos + 2] & 0x1f;
        if (nal == 5 || nal == 7) {
          return true;
        }
        pos += 2 + size;
      }
      return false;
    }
    if (type == 28 && len >= 2) { // FU-A: the start fragment of an IDR slice
      int fu = b[off + 1] & 0xff;
      return (fu & 0x80) != 0 && (fu & 0x1f) == 5;
    }
    return false;
  }
}
