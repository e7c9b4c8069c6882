package io.osprey.sdk.media.rtp;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * VP8 payloads (RFC 7741 §4.2): a 4-byte descriptor with a 15-bit PictureID that advances per
 * frame (X=1, I=1, M=1), S=1 and partition index 0 on the first payload of each frame.
 */
final class Vp8Packetizer implements RtpPacketizer {
  private static final int DESCRIPTOR = 4;
  private final int maxPayload;
  private int pictureId = ThreadLocalRandom.current().nextInt(0x8000);

  Vp8Packetizer(int maxPayload) {
    if (maxPayload <= DESCRIPTOR) {
      throw new IllegalArgumentException("max payload too small: " + maxPayload);
    }
    this.maxPayload = maxPayload;
  }

  @Override
  public List<byte[]> packetize(byte[] frame, boolean keyFrame) {
    List<byte[]> out = new ArrayList<>();
    int chunk = maxPayload - DESCRIPTOR;
    for (int pos = 0; pos < frame.length || pos == 0; pos += chunk) {
      int len = Math.min(chunk, frame.length - pos);
      byte[] p = new byte[DESCRIPTOR + len];
      p[0] = (byte) (0x80 | (pos == 0 ? 0x10 : 0)); // X, S
      p[1] = (byte) 0x80; // I
      p[2] = (byte) (0x80 | (pictureId >> 8)); // M + high bits
      p[3] = (byte) pictureId;
      System.arraycopy(frame, pos, p, DESCRIPTOR, len);
      out.add(p);
      if (frame.length == 0) {
        break;
      }
    }
    pictureId = (pictureId + 1) & 0x7fff;
    return out;
  }
}
