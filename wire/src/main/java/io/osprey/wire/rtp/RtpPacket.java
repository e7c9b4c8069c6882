package io.osprey.wire.rtp;

import io.osprey.wire.WireFormatException;

/**
 * A view of one RTP packet (RFC 3550 §5.1) in a caller's buffer. {@link #wrap} validates the
 * header and can be called again on the same object for the next packet, so the forwarding path
 * allocates nothing. Setters rewrite the header in place.
 *
 * <p>Validation: version 2; CSRCs and the extension header inside the packet; with the P bit, a
 * padding count of at least 1 that leaves room for the header (pion's CVE-2025-49140 class).
 */
public final class RtpPacket {
  /** {@link #findExtension} result when the element is absent. */
  public static final long NOT_FOUND = -1;

  private byte[] buf;
  private int off;
  private int len;
  private int headerLength;
  private int paddingLength;
  private int extensionOffset = -1; // start of the extension elements
  private int extensionLength;
  private int extensionProfile;

  /** Points this view at a packet, validating it. */
  public RtpPacket wrap(byte[] buffer, int offset, int length) throws WireFormatException {
    if (length < 12) {
      throw new WireFormatException("RTP packet shorter than 12 bytes");
    }
    int b0 = buffer[offset] & 0xff;
    if ((b0 >> 6) != 2) {
      throw new WireFormatException("RTP version " + (b0 >> 6) + " is not 2");
    }
    int header = 12 + 4 * (b0 & 0x0f);
    if (header > length) {
      throw new WireFormatException("RTP CSRC list overruns the packet");
    }
    int extOffset = -1;
    int extLength = 0;
    int profile = 0;
    if ((b0 & 0x10) != 0) {
      if (header + 4 > length) {
        throw new WireFormatException("RTP extension header overruns the packet");
      }
      profile = (buffer[offset + header] & 0xff) << 8 | (buffer[offset + header + 1] & 0xff);
      extLength = 4 * ((buffer[offset + header + 2] & 0xff) << 8 | (buffer[offset + header + 3] & 0xff));
      extOffset = header + 4;
      header = extOffset + extLength;
      if (header > length) {
        throw new WireFormatException("RTP header extension overruns the packet");
      }
    }
    int padding = 0;
    if ((b0 & 0x20) != 0) {
      padding = buffer[offset + length - 1] & 0xff;
      if (padding == 0 || header + padding > length) {
        throw new WireFormatException("RTP padding of " + padding + " bytes does not fit the packet");
      }
    }
    this.buf = buffer;
    this.off = offset;
    this.len = length;
    this.headerLength = header;
    this.paddingLength = padding;
    this.extensionOffset = extOffset;
    this.extensionLength = extLength;
    this.extensionProfile = profile;
    return this;
  }

  public byte[] buffer() {
    return buf;
  }

  public int offset() {
    return off;
  }

  public int length() {
    return len;
  }

  public boolean marker() {
    return (buf[off + 1] & 0x80) != 0;
  }

  public int payloadType() {
    return buf[off + 1] & 0x7f;
  }

  public int sequenceNumber() {
    return (buf[off + 2] & 0xff) << 8 | (buf[off + 3] & 0xff);
  }

  public long timestamp() {
    return readInt(off + 4) & 0xffffffffL;
  }

  public long ssrc() {
    return readInt(off + 8) & 0xffffffffL;
  }

  public int csrcCount() {
    return buf[off] & 0x0f;
  }

  public int headerLength() {
    return headerLength;
  }

  public int payloadOffset() {
    return off + headerLength;
  }

  public int payloadLength() {
    return len - headerLength - paddingLength;
  }

  public int paddingLength() {
    return paddingLength;
  }

  /**
   * Finds a header extension element (RFC 8285 §4.2 one-byte, §4.3 two-byte form).
   *
   * @return {@code absoluteOffset << 16 | length} of its value, or {@link #NOT_FOUND}
   */
  public long findExtension(int id) {
    if (extensionOffset < 0) {
      return NOT_FOUND;
    }
    int pos = off + extensionOffset;
    int end = pos + extensionLength;
    if (extensionProfile == 0xBEDE) {
      while (pos < end) {
        int b = buf[pos] & 0xff;
        if (b == 0) {
          pos++; // padding
          continue;
        }
        int elementId = b >> 4;
        if (elementId == 15) {
          return NOT_FOUND; // reserved: stop parsing (§4.2)
        }
        int length = (b & 0x0f) + 1;
        if (pos + 1 + length > end) {
          return NOT_FOUND;
        }
        if (elementId == id) {
          return ((long) (pos + 1) << 16) | length;
        }
        pos += 1 + length;
      }
    } else if ((extensionProfile & 0xfff0) == 0x1000) {
      while (pos + 1 < end) {
        int elementId = buf[pos] & 0xff;
        if (elementId == 0) {
          pos++;
          continue;
        }
        int length = buf[pos + 1] & 0xff;
        if (pos + 2 + length > end) {
          return NOT_FOUND;
        }
        if (elementId == id) {
          return ((long) (pos + 2) << 16) | length;
        }
        pos += 2 + length;
      }
    }
    return NOT_FOUND;
  }

  public void setSequenceNumber(int seq) {
    buf[off + 2] = (byte) (seq >> 8);
    buf[off + 3] = (byte) seq;
  }

  public void setTimestamp(long ts) {
    writeInt(off + 4, (int) ts);
  }

  public void setSsrc(long ssrc) {
    writeInt(off + 8, (int) ssrc);
  }

  public void setPayloadType(int pt) {
    buf[off + 1] = (byte) ((buf[off + 1] & 0x80) | (pt & 0x7f));
  }

  public void setMarker(boolean marker) {
    buf[off + 1] = (byte) (marker ? buf[off + 1] | 0x80 : buf[off + 1] & 0x7f);
  }

  private int readInt(int i) {
    return (buf[i] & 0xff) << 24 | (buf[i + 1] & 0xff) << 16 | (buf[i + 2] & 0xff) << 8 | (buf[i + 3] & 0xff);
  }

  private void writeInt(int i, int v) {
    buf[i] = (byte) (v >> 24);
    buf[i + 1] = (byte) (v >> 16);
    buf[i + 2] = (byte) (v >> 8);
    buf[i + 3] = (byte) v;
  }
}
