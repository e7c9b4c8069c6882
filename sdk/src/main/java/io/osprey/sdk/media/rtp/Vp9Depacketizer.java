package io.osprey.sdk.media.rtp;

import io.osprey.sdk.media.MediaFormatException;
import java.io.ByteArrayOutputStream;

/**
 * VP9 pictures from RTP payloads (RFC 9628): the payload descriptor is skipped; B with spatial
 * layer 0 (or no layer indices) starts a picture, the marker bit ends it. A picture of several
 * spatial layer frames (SVC) is written as a VP9 superframe: the frames back to back, then the
 * superframe index (VP9 bitstream spec, Annex B) so a decoder can split them.
 */
final class Vp9Depacketizer extends RtpDepacketizer {
  private static final int MAX_LAYER_FRAMES = 8;
  private final int[] frameSizes = new int[MAX_LAYER_FRAMES];
  private int layerFrames;
  private int layerStart;

  @Override
  protected boolean isFrameStart(byte[] p, boolean building) throws MediaFormatException {
    Descriptor d = Descriptor.read(p);
    return d.begin && d.spatialLayer == 0;
  }

  @Override
  protected void frameStarted() {
    layerFrames = 0;
    layerStart = 0;
  }

  @Override
  protected void append(byte[] p, ByteArrayOutputStream frame) throws MediaFormatException {
    Descriptor d = Descriptor.read(p);
    if (d.begin && frame.size() > layerStart) { // the next spatial layer's frame begins
      endLayerFrame(frame.size());
    }
    frame.write(p, d.length, p.length - d.length);
  }

  private void endLayerFrame(int end) throws MediaFormatException {
    if (layerFrames == MAX_LAYER_FRAMES) {
      throw new MediaFormatException("VP9: more than " + MAX_LAYER_FRAMES + " layer frames in one picture");
    }
    frameSizes[layerFrames++] = end - layerStart;
    layerStart = end;
  }

  @Override
  protected byte[] finish(byte[] frame) throws MediaFormatException {
    if (layerFrames == 0) {
      return frame; // one layer frame: the picture as is
    }
    endLayerFrame(frame.length);
    int largest = 0;
    for (int i = 0; i < layerFrames; i++) {
      largest = Math.max(largest, frameSizes[i]);
    }
    int bytesPerSize = largest < 1 << 8 ? 1 : largest < 1 << 16 ? 2 : largest < 1 << 24 ? 3 : 4;
    int marker = 0xc0 | (bytesPerSize - 1) << 3 | (layerFrames - 1);
    byte[] out = new byte[frame.length + 2 + bytesPerSize * layerFrames];
    System.arraycopy(frame, 0, out, 0, frame.length);
    int pos = frame.length;
    out[pos++] = (byte) marker;
    for (int i = 0; i < layerFrames; i++) {
      for (int b = 0; b < bytesPerSize; b++) {
        out[pos++] = (byte) (frameSizes[i] >>> (8 * b)); // little-endian
      }
    }
    out[pos] = (byte) marker;
    return out;
  }

  /** The fields of a payload descriptor this needs, and where the VP9 data begins. */
  private record Descriptor(boolean begin, int spatialLayer, int length) {
    static Descriptor read(byte[] p) throws MediaFormatException {
      if (p.length < 1) {
        throw new MediaFormatException("VP9: empty payload");
      }
      int b0 = p[0] & 0xff;
      boolean pictureId = (b0 & 0x80) != 0;
      boolean interPicture = (b0 & 0x40) != 0;
      boolean layers = (b0 & 0x20) != 0;
      boolean flexible = (b0 & 0x10) != 0;
      boolean begin = (b0 & 0x08) != 0;
      boolean structure = (b0 & 0x02) != 0;
      int pos = 1;
      if (pictureId) {
        pos += (at(p, pos) & 0x80) != 0 ? 2 : 1;
      }
      int spatial = 0;
      if (layers) {
        spatial = (at(p, pos) >> 1) & 0x07;
        pos += flexible ? 1 : 2; // non-flexible mode adds TL0PICIDX
      }
      if (flexible && interPicture) {
        for (int i = 0; ; i++) { // P_DIFF, N set while another follows (at most 3)
          if (i == 3) {
            throw new MediaFormatException("VP9: more than 3 reference indices");
          }
          if ((at(p, pos++) & 0x01) == 0) {
            break;
          }
        }
      }
      if (structure) {
        int ss = at(p, pos++);
        int spatialLayers = (ss >> 5) + 1;
        if ((ss & 0x10) != 0) { // Y: resolutions
          pos += 4 * spatialLayers;
        }
        if ((ss & 0x08) != 0) { // G: picture group
          int groups = at(p, pos++);
          for (int g = 0; g < groups; g++) {
            int references = (at(p, pos++) >> 2) & 0x03;
            pos += references;
          }
        }
      }
      if (pos > p.length) {
        throw new MediaFormatException("VP9: descriptor longer than the payload");
      }
      return new Descriptor(begin, spatial, pos);
    }

    private static int at(byte[] p, int pos) throws MediaFormatException {
      if (pos >= p.length) {
        throw new MediaFormatException("VP9: truncated payload descriptor");
      }
      return p[pos] & 0xff;
    }
  }
}
