package io.osprey.wire.rtcp;

import io.osprey.wire.WireFormatException;
import java.io.ByteArrayOutputStream;

/**
 * Transport-wide congestion control feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01
 * §3.1): for {@code count} transport sequence numbers from {@code baseSequence}, whether each
 * arrived and when, relative to a reference time in 64 ms units, in 250 µs steps.
 *
 * @param arrivalMicros per packet, its arrival time in µs since the reference time, or -1 if lost
 */
public record TransportCc(long senderSsrc, long mediaSsrc, int baseSequence, int referenceTime, int feedbackCount,
                          long[] arrivalMicros) implements RtcpPacket {

  /**
   * Builds feedback from arrival times (any µs origin, -1 for lost), choosing the reference time
   * from the first arrival. Statuses are written as 2-bit status vector chunks.
   */
  public static TransportCc of(long senderSsrc, long mediaSsrc, int baseSequence, int feedbackCount,
                               long[] arrivalMicros, int count) {
    long first = -1;
    for (int i = 0; i < count; i++) {
      if (arrivalMicros[i] >= 0) {
        first = arrivalMicros[i];
        break;
      }
    }
    int reference = first < 0 ? 0 : (int) ((first / 64_000) & 0x7fffff);
    long base = first < 0 ? 0 : (first / 64_000) * 64_000;
    long[] relative = new long[count];
    for (int i = 0; i < count; i++) {
      relative[i] = arrivalMicros[i] < 0 ? -1 : arrivalMicros[i] - base;
    }
    return new TransportCc(senderSsrc, mediaSsrc, baseSequence & 0xffff, reference, feedbackCount & 0xff, relative);
  }

  @Override
  public byte[] encode() {
    int count = arrivalMicros.length;
    int[] status = new int[count];
    int[] delta = new int[count];
    long previous = 0;
    for (int i = 0; i < count; i++) {
      if (arrivalMicros[i] < 0) {
        continue;
      }
      long ticks = Math.round((arrivalMicros[i] - previous) / 250.0);
      delta[i] = (int) ticks;
      status[i] = ticks >= 0 && ticks <= 255 ? 1 : 2;
      previous += ticks * 250;
    }
    RtcpWriter w = new RtcpWriter(RtcpPacket.RTPFB, 15).int32(senderSsrc).int32(mediaSsrc)
        .int16(baseSequence).int16(count).int32(((long) referenceTime << 8) | feedbackCount);
    for (int i = 0; i < count; i += 7) {
      int chunk = 0xC000; // status vector, 2-bit symbols
      for (int j = 0; j < 7; j++) {
        int s = i + j < count ? status[i + j] : 0;
        chunk |= s << (12 - 2 * j);
      }
      w.int16(chunk);
    }
    ByteArrayOutputStream deltas = new ByteArrayOutputStream();
    for (int i = 0; i < count; i++) {
      if (status[i] == 1) {
        deltas.write(delta[i]);
      } else if (status[i] == 2) {
        int d = Math.max(-32768, Math.min(32767, delta[i]));
        deltas.write(d >> 8);
        deltas.write(d);
      }
    }
    return w.bytes(deltas.toByteArray()).done();
  }

  static TransportCc parse(byte[] b, int pos, int length) throws WireFormatException {
    RtcpReader r = new RtcpReader(b, pos + 4, pos + length);
    long sender = r.int32();
    long media = r.int32();
    int base = r.int16();
    int count = r.int16();
    long refAndCount = r.int32();
    int reference = (int) (refAndCount >>> 8);
    if ((reference & 0x800000) != 0) {
      reference |= 0xff000000; // signed 24-bit
    }
    int[] status = new int[count];
    int filled = 0;
    while (filled < count) {
      int chunk = r.int16();
      if ((chunk & 0x8000) == 0) { // run length chunk
        int symbol = (chunk >> 13) & 0x3;
        int run = chunk & 0x1fff;
        for (int i = 0; i < run && filled < count; i++) {
          status[filled++] = symbol;
        }
      } else if ((chunk & 0x4000) == 0) { // 14 one-bit symbols
        for (int i = 0; i < 14 && filled < count; i++) {
          status[filled++] = (chunk >> (13 - i)) & 1;
        }
      } else { // 7 two-bit symbols
        for (int i = 0; i < 7 && filled < count; i++) {
          status[filled++] = (chunk >> (12 - 2 * i)) & 3;
        }
      }
    }
    long[] arrivals = new long[count];
    long time = 0;
    for (int i = 0; i < count; i++) {
      switch (status[i]) {
        case 1 -> {
          time += 250L * r.int8();
          arrivals[i] = time;
        }
        case 2 -> {
          time += 250L * (short) r.int16();
          arrivals[i] = time;
        }
        case 0 -> arrivals[i] = -1;
        default -> throw new WireFormatException("transport-cc status symbol 3 is reserved");
      }
    }
    return new TransportCc(sender, media, base, reference, (int) (refAndCount & 0xff), arrivals);
  }
}
