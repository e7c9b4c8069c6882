package io.osprey.sdk.media.rtp;

import io.osprey.sdk.media.MediaFormatException;
import java.io.ByteArrayOutputStream;

/**
 * H.264 access units in Annex-B form from RFC 6184 payloads: single NAL units, STAP-A (§5.7.1)
 * and FU-A (§5.8). Every payload type but an FU-A continuation can begin an access unit; the
 * marker bit ends it.
 */
final class H264Depacketizer extends RtpDepacketizer {
  private static final byte[] START_CODE = {0, 0, 0, 1};
  @Override
  protected boolean isFrameStart(byte[] p, boolean building) throws MediaFormatException {
    if (p.length < 1) {
      throw new MediaFormatException("H.264: empty payload");
    }
    boolean continuation = (p[0] & 0x1f) == 28 && (p.length < 2 || (p[1] & 0x80) == 0);
    return !building && !continuation;
  }

  @Override
  protected void append(byte[] p, ByteArrayOutputStream frame) throws MediaFormatException {
    int type = p[0] & 0x1f;
    switch (type) {
      case 24 -> { // STAP-A
        int pos = 1;
        while (pos + 2 <= p.length) {
          int size = (p[pos] & 0xff) << 8 | (p[pos + 1] & 0xff);
          pos += 2;
          if (size == 0 || pos + size > p.length) {
            throw new MediaFormatException("H.264: STAP-A unit overruns the payload");
          }
          frame.writeBytes(START_CODE);
          frame.write(p, pos, size);
          pos += size;
        }
      }
      case 28 -> { // FU-A
        if (p.length < 2) {
          throw new MediaFormatException("H.264: truncated FU-A");
        }
        if ((p[1] & 0x80) != 0) {
          frame.writeBytes(START_CODE);
          frame.write((p[0] & 0xe0) | (p[1] & 0x1f));
        }
        frame.write(p, 2, p.length - 2);
      }
      case 0, 25, 26, 27, 29, 30, 31 -> throw new MediaFormatException("H.264: unsupported NAL/packet type " + type);
      default -> {
        frame.writeBytes(START_CODE);
        frame.write(p, 0, p.length);
      }
    }
  }
}
