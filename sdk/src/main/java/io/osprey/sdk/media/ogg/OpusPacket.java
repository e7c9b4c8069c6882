package io.osprey.sdk.media.ogg;

import io.osprey.sdk.media.MediaFormatException;

/**
 * The duration of an Opus packet from its TOC byte and frame count (RFC 6716 §3.1, §3.2), in
 * 48 kHz samples: what an Ogg Opus stream's timestamps advance by, packet after packet.
 */
public final class OpusPacket {
  // Frame size per TOC config (RFC 6716 Table 2), in 48 kHz samples.
  private static final int[] FRAME_SAMPLES = {
      480, 960, 1920, 2880, 480, 960, 1920, 2880, 480, 960, 1920, 2880, // SILK NB/MB/WB 10/20/40/60 ms
      480, 960, 480, 960,                                                 // Hybrid SWB/FB 10/20 ms
      120, 240, 480, 960, 120, 240, 480, 960, 120, 240, 480, 960, 120, 240, 480, 960 // CELT 2.5/5/10/20 ms
  };

  private OpusPacket() {}

  /** Samples at 48 kHz that {@code packet} decodes to. */
  public static int samples(byte[] packet) throws MediaFormatException {
    if (packet.length == 0) {
      throw new MediaFormatException("Opus: empty packet");
    }
    int toc = packet[0] & 0xff;
    int frameSamples = FRAME_SAMPLES[toc >> 3];
    int frames = switch (toc & 0x3) {
      case 0 -> 1;
      case 1, 2 -> 2;
      default -> {
        if (packet.length < 2) {
          throw new MediaFormatException("Opus: code 3 packet without a frame count byte");
        }
        int count = packet[1] & 0x3f;
        if (count == 0) {
          throw new MediaFormatException("Opus: code 3 packet with zero frames");
        }
        yield count;
      }
    };
    int total = frames * frameSamples;
    if (total > 5760) { // 120 ms, RFC 6716 §3.2.5
      throw new MediaFormatException("Opus: packet of " + total + " samples exceeds 120 ms");
    }
    return total;
  }
}
