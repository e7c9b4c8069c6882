package io.osprey.sdk.media;

import java.util.Locale;

/**
 * Whether an encoded frame is one a decoder can start at, from the codec's own bitstream: VP8's
 * frame tag (RFC 6386 §9.1), VP9's uncompressed header (VP9 bitstream spec §6.2), AV1's sequence
 * header OBU (AV1 spec §5.3; a temporal unit with one is where a decoder can start), an H.264
 * access unit's IDR slice (Annex-B). Every audio packet is one. Used for frames read from files and
 * frames reassembled from RTP alike.
 */
public final class KeyFrames {
  private KeyFrames() {}

  /** @param mimeType e.g. {@code video/VP8}; unknown video codecs are never key frames */
  public static boolean isKeyFrame(String mimeType, byte[] frame) {
    String mime = mimeType.toLowerCase(Locale.ROOT);
    if (mime.startsWith("audio/")) {
      return true;
    }
    if (frame.length == 0) {
      return false;
    }
    return switch (mime) {
      case "video/vp8" -> (frame[0] & 0x01) == 0;
      case "video/vp9" -> vp9KeyFrame(frame[0] & 0xff);
      case "video/av1" -> av1HasSequenceHeader(frame);
      case "video/h264" -> annexBHasIdr(frame);
      default -> false;
    };
  }

  /** Whether an Annex-B access unit holds an IDR slice (NAL unit type 5 after a start code). */
  private static boolean annexBHasIdr(byte[] au) {
    for (int i = 0; i + 3 < au.length; i++) {
      if (au[i] == 0 && au[i + 1] == 0 && au[i + 2] == 1 && (au[i + 3] & 0x1f) == 5) {
        return true;
      }
    }
    return false;
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
