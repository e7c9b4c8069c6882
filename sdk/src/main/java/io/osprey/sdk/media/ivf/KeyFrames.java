package io.osprey.sdk.media.ivf;

/**
 * Whether an IVF frame starts a key frame, from the codec's own bitstream header: VP8's frame tag
 * (RFC 6386 §9.1), VP9's uncompressed header (VP9 bitstream spec §6.2), AV1's sequence header OBU
 * (AV1 spec §5.3; a temporal unit with one is where a decoder can start).
 */
final class KeyFrames {
  private KeyFrames() {}

  static boolean isKeyFrame(String fourCc, byte[] frame) {
    if (frame.length == 0) {
      return false;
    }
    return switch (fourCc) {
      case "VP80" -> (frame[0] & 0x01) == 0;
      case "VP90" -> vp9KeyFrame(frame[0] & 0xff);
      case "AV01" -> av1HasSequenceHeader(frame);
      default -> false;
    };
  }

  private static boolean vp9KeyFrame(int b) {
    if ((b >> 6) != 2) {
      return false; // frame_marker
    }
    int profile = ((b >> 5) & 1) | (((b >> 4) & 1) << 1);
    int bit = profile == 3 ? 2 : 3; // profile 3 has a reserved zero bit first
    boolean showExisting = ((b >> bit) & 1) == 1;
    return !showExisting && ((b >> (bit - 1)) & 1) == 0;
  }

  private static boolean av1HasSequenceHeader(byte[] tu) {
    int pos = 0;
    while (pos < tu.length) {
      int header = tu[pos] & 0xff;
      int type = (header >> 3) & 0xf;
      boolean extension = (header & 0x04) != 0;
      boolean hasSize = (header & 0x02) != 0;
      if (type == 1) {
        return true;
      }
      if (!hasSize) {
        return false;
      }
      pos += extension ? 2 : 1;
      long size = 0;
      for (int i = 0; i < 8 && pos < tu.length; i++) {
        int b = tu[pos++] & 0xff;
        size |= (long) (b & 0x7f) << (7 * i);
        if ((b & 0x80) == 0) {
          break;
        }
      }
      if (size > tu.length - pos) {
        return false;
      }
      pos += (int) size;
    }
    return false;
  }
}
