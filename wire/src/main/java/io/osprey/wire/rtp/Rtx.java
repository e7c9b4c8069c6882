package io.osprey.wire.rtp;

import io.osprey.wire.WireFormatException;

/**
 * RTP retransmission payloads (RFC 4588 §4): a resent packet travels on its own stream (the repair
 * SSRC and payload type, with sequence numbers of its own), its payload prefixed by the original
 * sequence number (OSN). Both directions work in place on the caller's buffer and allocate nothing.
 */
public final class Rtx {
  /** The OSN field before the original payload. */
  public static final int OVERHEAD = 2;

  private Rtx() {}

  /**
   * Turns the packet at {@code buf[off, off + len)} (header of {@code headerLength} bytes, as sent
   * on the primary stream) into its retransmission: the payload moves up by two bytes behind the
   * original sequence number, and the header takes the repair stream's payload type, sequence
   * number and SSRC. Header extensions, timestamp, marker and any padding stay as they were.
   *
   * @return the new length, {@code len + 2}
   * @throws IllegalArgumentException when the buffer has no room for the two bytes
   */
  public static int wrap(byte[] buf, int off, int len, int headerLength, int payloadType, int sequenceNumber,
                         long ssrc) {
    if (off + len + OVERHEAD > buf.length) {
      throw new IllegalArgumentException("no room for the RTX header: " + len + " bytes at " + off
          + " in a buffer of " + buf.length);
    }
    if (headerLength < 12 || headerLength > len) {
      throw new IllegalArgumentException("header length " + headerLength + " outside the packet of " + len);
    }
    int payload = off + headerLength;
    System.arraycopy(buf, payload, buf, payload + OVERHEAD, len - headerLength);
    buf[payload] = buf[off + 2]; // the original sequence number, before the header takes the repair one
    buf[payload + 1] = buf[off + 3];
    buf[off + 1] = (byte) ((buf[off + 1] & 0x80) | (payloadType & 0x7f));
    buf[off + 2] = (byte) (sequenceNumber >>> 8);
    buf[off + 3] = (byte) sequenceNumber;
    buf[off + 8] = (byte) (ssrc >>> 24);
    buf[off + 9] = (byte) (ssrc >>> 16);
    buf[off + 10] = (byte) (ssrc >>> 8);
    buf[off + 11] = (byte) ssrc;
    return len + OVERHEAD;
  }

  /**
   * Restores the original packet from the retransmission {@code packet} wraps (whose buffer is
   * changed in place): the OSN becomes the sequence number again, the payload moves back down, and
   * the header takes the primary stream's payload type and SSRC.
   *
   * @return the original packet's length, {@code packet.length() - 2}
   * @throws WireFormatException when the payload is too short to hold an OSN
   */
  public static int unwrap(RtpPacket packet, int payloadType, long ssrc) throws WireFormatException {
    if (packet.payloadLength() < OVERHEAD) {
      throw new WireFormatException("RTX packet of " + packet.payloadLength() + " payload bytes has no original sequence number");
    }
    byte[] buf = packet.buffer();
    int off = packet.offset();
    int payload = packet.payloadOffset();
    byte osnHigh = buf[payload];
    byte osnLow = buf[payload + 1];
    int rest = packet.length() - packet.headerLength() - OVERHEAD;
    System.arraycopy(buf, payload + OVERHEAD, buf, payload, rest);
    buf[off + 1] = (byte) ((buf[off + 1] & 0x80) | (payloadType & 0x7f));
    buf[off + 2] = osnHigh;
    buf[off + 3] = osnLow;
    buf[off + 8] = (byte) (ssrc >>> 24);
    buf[off + 9] = (byte) (ssrc >>> 16);
    buf[off + 10] = (byte) (ssrc >>> 8);
    buf[off + 11] = (byte) ssrc;
    return packet.length() - OVERHEAD;
  }
}
