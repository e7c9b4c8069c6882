package io.osprey.sdk.media.ogg;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Records Opus packets into an Ogg file (RFC 7845): an OpusHead page, an OpusTags page, then one
 * page per packet whose granule position counts the 48 kHz samples decoded so far. Packets are
 * written as they come; the last page is marked end-of-stream on {@link #close()}.
 */
public final class OggOpusWriter implements Closeable {
  private final OutputStream out;
  private final int serial = ThreadLocalRandom.current().nextInt();
  private int pageSequence;
  private long granule;
  private byte[] pending;

  private OggOpusWriter(OutputStream out, int channels) throws IOException {
    this.out = out;
    byte[] head = new byte[19];
    System.arraycopy("OpusHead".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, head, 0, 8);
    head[8] = 1;
    head[9] = (byte) channels;
    // pre-skip 0: the packets come from a live stream, not from an encoder start we know.
    int rate = 48_000;
    head[12] = (byte) rate;
    head[13] = (byte) (rate >>> 8);
    head[14] = (byte) (rate >>> 16);
    head[15] = (byte) (rate >>> 24);
    writePage(head, 0, 0x02);
    byte[] vendor = "osprey".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    byte[] tags = new byte[8 + 4 + vendor.length + 4];
    System.arraycopy("OpusTags".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, tags, 0, 8);
    tags[8] = (byte) vendor.length;
    System.arraycopy(vendor, 0, tags, 12, vendor.length);
    writePage(tags, 0, 0);
  }

  public static OggOpusWriter create(Path path, int channels) throws IOException {
    return new OggOpusWriter(new BufferedOutputStream(Files.newOutputStream(path)), channels);
  }

  /** Appends one Opus packet. */
  public void write(byte[] opusPacket) throws IOException {
    int samples = OpusPacket.samples(opusPacket);
    if (pending != null) {
      writePage(pending, granule, 0);
    }
    granule += samples;
    pending = opusPacket;
  }

  @Override
  public void close() throws IOException {
    try {
      if (pending != null) {
        writePage(pending, granule, 0x04);
      }
      out.flush();
    } finally {
      out.close();
    }
  }

  private void writePage(byte[] packet, long granulePosition, int flags) throws IOException {
    int segments = packet.length / 255 + 1;
    if (segments > 255) {
      throw new IOException("Opus packet too large for one Ogg page: " + packet.length);
    }
    byte[] page = new byte[27 + segments + packet.length];
    page[0] = 'O';
    page[1] = 'g';
    page[2] = 'g';
    page[3] = 'S';
    page[5] = (byte) flags;
    for (int i = 0; i < 8; i++) {
      page[6 + i] = (byte) (granulePosition >>> (8 * i));
    }
    for (int i = 0; i < 4; i++) {
      page[14 + i] = (byte) (serial >>> (8 * i));
      page[18 + i] = (byte) (pageSequence >>> (8 * i));
    }
    page[26] = (byte) segments;
    for (int i = 0; i < segments - 1; i++) {
      page[27 + i] = (byte) 255;
    }
    page[27 + segments - 1] = (byte) (packet.length % 255);
    System.arraycopy(packet, 0, page, 27 + segments, packet.length);
    int crc = OggCrc.compute(page, 0, page.length);
    for (int i = 0; i < 4; i++) {
      page[22 + i] = (byte) (crc >>> (8 * i));
    }
    out.write(page);
    pageSequence++;
  }
}
