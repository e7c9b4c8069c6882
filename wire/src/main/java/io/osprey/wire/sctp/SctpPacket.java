package io.osprey.wire.sctp;

import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * An SCTP packet (RFC 9260 §3.1): ports, verification tag, CRC32c checksum (Appendix A, computed
 * with the checksum field zeroed and stored least significant byte first), chunks.
 */
public record SctpPacket(int sourcePort, int destinationPort, long verificationTag, List<SctpChunk> chunks) {
  private static final int HEADER = 12;

  public SctpPacket {
    chunks = List.copyOf(chunks);
  }

  /** Parses a packet, checking its checksum. */
  public static SctpPacket parse(byte[] buf, int off, int len) throws SctpFormatException {
    if (len < HEADER) {
      throw new SctpFormatException("SCTP packet shorter than its 12-byte header: " + len);
    }
    int stored = (buf[off + 8] & 0xff) | (buf[off + 9] & 0xff) << 8 | (buf[off + 10] & 0xff) << 16
        | (buf[off + 11] & 0xff) << 24;
    if (stored != checksum(buf, off, len)) {
      throw new SctpFormatException("SCTP checksum mismatch");
    }
    List<SctpChunk> chunks = new ArrayList<>();
    int pos = off + HEADER;
    int end = off + len;
    while (pos < end) {
      if (end - pos < 4) {
        throw new SctpFormatException("truncated chunk header");
      }
      int type = buf[pos] & 0xff;
      int flags = buf[pos + 1] & 0xff;
      int length = (buf[pos + 2] & 0xff) << 8 | (buf[pos + 3] & 0xff);
      if (length < 4) {
        throw new SctpFormatException("chunk length " + length + " below 4");
      }
      if (length > end - pos) {
        throw new SctpFormatException("chunk of " + length + " bytes overruns the packet");
      }
      byte[] value = java.util.Arrays.copyOfRange(buf, pos + 4, pos + length);
      chunks.add(new SctpChunk(type, flags, value));
      pos += (length + 3) & ~3;
    }
    if (chunks.isEmpty()) {
      throw new SctpFormatException("SCTP packet without chunks");
    }
    return new SctpPacket(readShort(buf, off), readShort(buf, off + 2), readInt(buf, off + 4) & 0xffffffffL, chunks);
  }

  /** Serializes with the checksum. */
  public byte[] encode() {
    int length = HEADER;
    for (SctpChunk c : chunks) {
      length += c.encodedLength();
    }
    byte[] out = new byte[length];
    writeShort(out, 0, sourcePort);
    writeShort(out, 2, destinationPort);
    writeInt(out, 4, (int) verificationTag);
    int pos = HEADER;
    for (SctpChunk c : chunks) {
      out[pos] = (byte) c.type();
      out[pos + 1] = (byte) c.flags();
      writeShort(out, pos + 2, 4 + c.value().length);
      System.arraycopy(c.value(), 0, out, pos + 4, c.value().length);
      pos += c.encodedLength();
    }
    int crc = checksum(out, 0, length);
    out[8] = (byte) crc;
    out[9] = (byte) (crc >> 8);
    out[10] = (byte) (crc >> 16);
    out[11] = (byte) (crc >> 24);
    return out;
  }

  /** CRC32c over the packet with the checksum field taken as zero. */
  static int checksum(byte[] buf, int off, int len) {
    CRC32C crc = new CRC32C();
    crc.update(buf, off, 8);
    crc.update(new byte[4], 0, 4);
    crc.update(buf, off + HEADER, len - HEADER);
    return (int) crc.getValue();
  }

  static int readShort(byte[] b, int i) {
    return (b[i] & 0xff) << 8 | (b[i + 1] & 0xff);
  }

  static int readInt(byte[] b, int i) {
    return (b[i] & 0xff) << 24 | (b[i + 1] & 0xff) << 16 | (b[i + 2] & 0xff) << 8 | (b[i + 3] & 0xff);
  }

  static void writeShort(byte[] b, int i, int v) {
    b[i] = (byte) (v >> 8);
    b[i + 1] = (byte) v;
  }

  static void writeInt(byte[] b, int i, int v) {
    b[i] = (byte) (v >> 24);
    b[i + 1] = (byte) (v >> 16);
    b[i + 2] = (byte) (v >> 8);
    b[i + 3] = (byte) v;
  }
}
