package io.osprey.sdk.media.rtp;

import io.osprey.sdk.media.MediaFormatException;
import java.io.ByteArrayOutputStream;

/** VP8 frames from RFC 7741 payloads: the descriptor is skipped; S=1 with PID 0 starts a frame. */
final class Vp8Depacketizer extends RtpDepacketizer {
  @Override
  protected boolean isFrameStart(byte[] p, boolean building) throws MediaFormatException {
    if (p.length < 1) {
      throw new MediaFormatException("VP8: empty payload");
    }
    return (p[0] & 0x10) != 0 && (p[0] & 0x07) == 0;
  }

  @Override
  protected void append(byte[] p, ByteArrayOutputStream frame) throws MediaFormatException {
    int pos = 1;
    if ((p[0] & 0x80) != 0) { // X
      if (p.length < 2) {
        throw new MediaFormatException("VP8: truncated descriptor");
      }
      int x = p[1] & 0xff;
      pos = 2;
      if ((x & 0x80) != 0) { // I
        if (pos >= p.length) {
          throw new MediaFormatException("VP8: truncated PictureID");
        }
        pos += (p[pos] & 0x80) != 0 ? 2 : 1;
      }
      if ((x & 0x40) != 0) { // L
        pos++;
      }
      if ((x & 0x30) != 0) { // T or K
        pos++;
      }
    }
    if (pos > p.length) {
      throw new MediaFormatException("VP8: descriptor longer than the payload");
    }
    frame.write(p, pos, p.length - pos);
  }
}
