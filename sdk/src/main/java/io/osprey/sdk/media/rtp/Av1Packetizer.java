package io.osprey.sdk.media.rtp;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * AV1 payloads (RTP Payload Format for AV1, §4.4–4.5): the temporal unit's OBUs (low-overhead
 * format, as in IVF) without temporal delimiters and with their size fields removed, each element
 * preceded by its LEB128 length (W=0), fragmented across payloads with the Z/Y continuation bits;
 * N marks the first payload of a temporal unit that starts a coded video sequence.
 */
final class Av1Packetizer implements RtpPacketizer {
  private static final int OBU_SEQUENCE_HEADER = 1;
  private static final int OBU_TEMPORAL_DELIMITER = 2;
  private final int maxPayload;

  Av1Packetizer(int maxPayload) {
    if (maxPayload < 16) {
      throw new IllegalArgumentException("max payload too small: " + maxPayload);
    }
    this.maxPayload = maxPayload;
  }

  @Override
  public List<byte[]> packetize(byte[] temporalUnit, boolean keyFrame) {
    List<byte[]> obus = obuElements(temporalUnit);
    boolean newSequence = false;
    for (byte[] obu : obus) {
      newSequence |= ((obu[0] >> 3) & 0xf) == OBU_SEQUENCE_HEADER;
    }
    List<byte[]> out = new ArrayList<>();
    ByteArrayOutputStream packet = new ByteArrayOutputStream();
    boolean continuation = false; // Z of the packet being built
    for (byte[] obu : obus) {
      int pos = 0;
      while (pos < obu.length) {
        int room = maxPayload - 1 - packet.size();
        int take = Math.min(obu.length - pos, room - leb128Size(room));
        if (take <= 0) {
          out.add(finish(packet, continuation, false, newSequence && out.isEmpty()));
          continuation = false;
          continue;
        }
        writeLeb128(packet, take);
        packet.write(obu, pos, take);
        pos += take;
        if (pos < obu.length) { // the element continues in the next payload
          out.add(finish(packet, continuation, true, newSequence && out.isEmpty()));
          continuation = true;
        }
      }
    }
    if (packet.size() > 0 || out.isEmpty()) {
      out.add(finish(packet, continuation, false, newSequence && out.isEmpty()));
    }
    return out;
  }

  private static byte[] finish(ByteArrayOutputStream body, boolean z, boolean y, boolean n) {
    byte[] p = new byte[1 + body.size()];
    p[0] = (byte) ((z ? 0x80 : 0) | (y ? 0x40 : 0) | (n ? 0x08 : 0));
    System.arraycopy(body.toByteArray(), 0, p, 1, body.size());
    body.reset();
    return p;
  }

  /** The OBUs of a temporal unit with size fields stripped, temporal delimiters dropped. */
  static List<byte[]> obuElements(byte[] tu) {
    List<byte[]> out = new ArrayList<>();
    int pos = 0;
    while (pos < tu.length) {
      int header = tu[pos] & 0xff;
      boolean extension = (header & 0x04) != 0;
      boolean hasSize = (header & 0x02) != 0;
      int headerLength = extension ? 2 : 1;
      if (pos + headerLength > tu.length) {
        break;
      }
      int p = pos + headerLength;
      long size;
      if (hasSize) {
        size = 0;
        int i = 0;
        while (p < tu.length) {
          int b = tu[p++] & 0xff;
          size |= (long) (b & 0x7f) << (7 * i++);
          if ((b & 0x80) == 0 || i == 8) {
            break;
          }
        }
      } else {
        size = tu.length - p;
      }
      if (size > tu.length - p) {
        break; // truncated: packetize what was whole
      }
      int type = (header >> 3) & 0xf;
      if (type != OBU_TEMPORAL_DELIMITER) {
        byte[] obu = new byte[headerLength + (int) size];
        obu[0] = (byte) (header & ~0x02);
        if (extension) {
          obu[1] = tu[pos + 1];
        }
        System.arraycopy(tu, p, obu, headerLength, (int) size);
        out.add(obu);
      }
      pos = p + (int) size;
    }
    return out;
  }

  private static int leb128Size(int value) {
    int n = 1;
    while ((value >>>= 7) != 0) {
      n++;
    }
    return n;
  }

  private static void writeLeb128(ByteArrayOutputStream out, int value) {
    do {
      int b = value & 0x7f;
      value >>>= 7;
      out.write(value != 0 ? b | 0x80 : b);
    } while (value != 0);
  }
}
