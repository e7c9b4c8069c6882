package io.osprey.sdk.media.rtp;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * VP9 payloads (RFC 9628 §4.2), non-flexible mode with one spatial layer: a 15-bit picture ID, P
 * set on inter frames, B/E on the first/last payload of the frame, and on key frames a
 * scalability structure (V=1) giving the resolution, as libwebrtc sends.
 */
final class Vp9Packetizer implements RtpPacketizer {
  private final int maxPayload;
  private final int width;
  private final int height;
  private int pictureId = ThreadLocalRandom.current().nextInt(0x8000);

  Vp9Packetizer(int maxPayload, int width, int height) {
    if (maxPayload <= 16) {
      throw new IllegalArgumentException("max payload too small: " + maxPayload);
    }
    this.maxPayload = maxPayload;
    this.width = width;
    this.height = height;
  }

  @Override
  public List<byte[]> packetize(byte[] frame, boolean keyFrame) {
    List<byte[]> out = new ArrayList<>();
    int pos = 0;
    do {
      boolean first = pos == 0;
      boolean withSs = first && keyFrame && width > 0 && height > 0;
      int header = 3 + (withSs ? 5 : 0);
      int len = Math.min(maxPayload - header, frame.length - pos);
      boolean last = pos + len >= frame.length;
      byte[] p = new byte[header + len];
      p[0] = (byte) (0x80 | (keyFrame ? 0 : 0x40) | (first ? 0x08 : 0) | (last ? 0x04 : 0) | (withSs ? 0x02 : 0));
      p[1] = (byte) (0x80 | (pictureId >> 8));
      p[2] = (byte) pictureId;
      if (withSs) {
        p[3] = 0x10; // N_S = 0 (one layer), Y = 1 (resolution follows), G = 0
        p[4] = (byte) (width >> 8);
        p[5] = (byte) width;
        p[6] = (byte) (height >> 8);
        p[7] = (byte) height;
      }
      System.arraycopy(frame, pos, p, header, len);
      out.add(p);
      pos += len;
    } while (pos < frame.length);
    pictureId = (pictureId + 1) & 0x7fff;
    return out;
  }
}
