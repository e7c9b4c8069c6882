package io.osprey.wire.dcep;

import io.osprey.wire.WireFormatException;
import java.nio.charset.StandardCharsets;

/**
 * DATA_CHANNEL_OPEN and DATA_CHANNEL_ACK (RFC 8832 §5), sent with PPID 50 on the channel's stream.
 */
public sealed interface DcepMessage {
  int PPID_DCEP = 50;
  int PPID_STRING = 51;
  int PPID_BINARY = 53;
  int PPID_STRING_EMPTY = 56;
  int PPID_BINARY_EMPTY = 57;

  /**
   * DATA_CHANNEL_OPEN (§5.1).
   *
   * @param channelType 0x00 reliable, 0x80 reliable unordered, 0x01/0x81 rexmit, 0x02/0x82 timed
   */
  record Open(int channelType, int priority, long reliability, String label, String protocol) implements DcepMessage {
    public boolean ordered() {
      return (channelType & 0x80) == 0;
    }

    public byte[] encode() {
      byte[] l = label.getBytes(StandardCharsets.UTF_8);
      byte[] p = protocol.getBytes(StandardCharsets.UTF_8);
      byte[] out = new byte[12 + l.length + p.length];
      out[0] = 0x03;
      out[1] = (byte) channelType;
      out[2] = (byte) (priority >> 8);
      out[3] = (byte) priority;
      out[4] = (byte) (reliability >> 24);
      out[5] = (byte) (reliability >> 16);
      out[6] = (byte) (reliability >> 8);
      out[7] = (byte) reliability;
      out[8] = (byte) (l.length >> 8);
      out[9] = (byte) l.length;
      out[10] = (byte) (p.length >> 8);
      out[11] = (byte) p.length;
      System.arraycopy(l, 0, out, 12, l.length);
      System.arraycopy(p, 0, out, 12 + l.length, p.length);
      return out;
    }
  }

  /** DATA_CHANNEL_ACK (§5.2). */
  record Ack() implements DcepMessage {
    public byte[] encode() {
      return new byte[] {0x02};
    }
  }

  static DcepMessage parse(byte[] b) throws WireFormatException {
    if (b.length < 1) {
      throw new WireFormatException("empty DCEP message");
    }
    switch (b[0]) {
      case 0x02:
        return new Ack();
      case 0x03:
        if (b.length < 12) {
          throw new WireFormatException("DATA_CHANNEL_OPEN shorter than 12 bytes");
        }
        int labelLength = (b[8] & 0xff) << 8 | (b[9] & 0xff);
        int protocolLength = (b[10] & 0xff) << 8 | (b[11] & 0xff);
        if (12 + labelLength + protocolLength > b.length) {
          throw new WireFormatException("DATA_CHANNEL_OPEN label/protocol overrun the message");
        }
        long reliability = ((b[4] & 0xffL) << 24) | ((b[5] & 0xff) << 16) | ((b[6] & 0xff) << 8) | (b[7] & 0xff);
        return new Open(b[1] & 0xff, (b[2] & 0xff) << 8 | (b[3] & 0xff), reliability,
            new String(b, 12, labelLength, StandardCharsets.UTF_8),
            new String(b, 12 + labelLength, protocolLength, StandardCharsets.UTF_8));
      default:
        throw new WireFormatException("unknown DCEP message type " + b[0]);
    }
  }
}
