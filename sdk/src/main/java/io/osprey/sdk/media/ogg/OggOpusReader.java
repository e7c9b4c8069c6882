package io.osprey.sdk.media.ogg;

import io.osprey.sdk.media.MediaFormatException;
import io.osprey.sdk.media.MediaSample;
import io.osprey.sdk.media.SampleSource;
import io.osprey.sdk.media.Timebase;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads Opus packets from an Ogg file (RFC 3533 pages, RFC 7845 Opus mapping): checks every page's
 * CRC, reassembles packets across pages, skips the OpusHead and OpusTags headers, and timestamps
 * each packet by the 48 kHz samples of the packets before it (from each packet's TOC), so pacing
 * follows the audio exactly.
 */
public final class OggOpusReader implements SampleSource {
  /** The timebase of Opus in Ogg: 48 kHz samples. */
  public static final Timebase TIMEBASE = new Timebase(1, 48_000);
  private static final int MAX_PACKET = 1 << 20;

  private final Path path;
  private InputStream in;
  private final ByteArrayOutputStream packet = new ByteArrayOutputStream();
  private int[] lacing = new int[0];
  private int lacingIndex;
  private byte[] body = new byte[0];
  private int bodyPos;
  private int channels;
  private int preSkip;
  private long pts;

  private OggOpusReader(Path path) throws IOException {
    this.path = path;
    this.in = new BufferedInputStream(Files.newInputStream(path));
    readHeaders();
  }

  public static OggOpusReader open(Path path) throws IOException {
    return new OggOpusReader(path);
  }

  /** Channels from the OpusHead. */
  public int channels() {
    return channels;
  }

  /** Samples the decoder drops at the start (OpusHead pre-skip). */
  public int preSkip() {
    return preSkip;
  }

  @Override
  public String mimeType() {
    return "audio/opus";
  }

  @Override
  public Timebase timebase() {
    return TIMEBASE;
  }

  @Override
  public MediaSample next() throws IOException {
    byte[] p = nextPacket();
    if (p == null) {
      return null;
    }
    MediaSample sample = new MediaSample(p, pts, true);
    pts += OpusPacket.samples(p);
    return sample;
  }

  @Override
  public void rewind() throws IOException {
    in.close();
    in = new BufferedInputStream(Files.newInputStream(path));
    lacing = new int[0];
    lacingIndex = 0;
    packet.reset();
    pts = 0;
    readHeaders();
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  private void readHeaders() throws IOException {
    byte[] head = nextPacket();
    if (head == null || head.length < 19 || !new String(head, 0, 8, java.nio.charset.StandardCharsets.US_ASCII).equals("OpusHead")) {
      throw new MediaFormatException("Ogg: first packet is not an OpusHead");
    }
    if ((head[8] & 0xff) > 15) {
      throw new MediaFormatException("OpusHead: unsupported version " + (head[8] & 0xff));
    }
    channels = head[9] & 0xff;
    preSkip = (head[10] & 0xff) | (head[11] & 0xff) << 8;
    byte[] tags = nextPacket();
    if (tags == null || tags.length < 8 || !new String(tags, 0, 8, java.nio.charset.StandardCharsets.US_ASCII).equals("OpusTags")) {
      throw new MediaFormatException("Ogg: second packet is not OpusTags");
    }
  }

  private byte[] nextPacket() throws IOException {
    while (true) {
      while (lacingIndex < lacing.length) {
        int len = lacing[lacingIndex++];
        packet.write(body, bodyPos, len);
        bodyPos += len;
        if (packet.size() > MAX_PACKET) {
          throw new MediaFormatException("Ogg: packet larger than " + MAX_PACKET + " bytes");
        }
        if (len < 255) {
          byte[] p = packet.toByteArray();
          packet.reset();
          return p;
        }
      }
      if (!readPage()) {
        return null;
      }
    }
  }

  private boolean readPage() throws IOException {
    byte[] header = in.readNBytes(27);
    if (header.length == 0) {
      return false;
    }
    if (header.length < 27 || header[0] != 'O' || header[1] != 'g' || header[2] != 'g' || header[3] != 'S') {
      throw new MediaFormatException("Ogg: missing page capture pattern");
    }
    if (header[4] != 0) {
      throw new MediaFormatException("Ogg: unsupported version " + header[4]);
    }
    int segments = header[26] & 0xff;
    byte[] table = in.readNBytes(segments);
    if (table.length < segments) {
      throw new MediaFormatException("Ogg: truncated segment table");
    }
    int bodyLength = 0;
    int[] lengths = new int[segments];
    for (int i = 0; i < segments; i++) {
      lengths[i] = table[i] & 0xff;
      bodyLength += lengths[i];
    }
    byte[] pageBody = in.readNBytes(bodyLength);
    if (pageBody.length < bodyLength) {
      throw new MediaFormatException("Ogg: truncated page body");
    }
    byte[] whole = new byte[27 + segments + bodyLength];
    System.arraycopy(header, 0, whole, 0, 27);
    System.arraycopy(table, 0, whole, 27, segments);
    System.arraycopy(pageBody, 0, whole, 27 + segments, bodyLength);
    int stored = (whole[22] & 0xff) | (whole[23] & 0xff) << 8 | (whole[24] & 0xff) << 16 | (whole[25] & 0xff) << 24;
    whole[22] = whole[23] = whole[24] = whole[25] = 0;
    if (OggCrc.compute(whole, 0, whole.length) != stored) {
      throw new MediaFormatException("Ogg: page checksum mismatch");
    }
    boolean continued = (header[5] & 0x01) != 0;
    if (!continued) {
      packet.reset(); // a packet left unfinished by the previous page is abandoned
    }
    lacing = lengths;
    lacingIndex = 0;
    body = pageBody;
    bodyPos = 0;
    return true;
  }
}
