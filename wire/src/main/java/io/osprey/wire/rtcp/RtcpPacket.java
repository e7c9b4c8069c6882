package io.osprey.wire.rtcp;

import io.osprey.wire.WireFormatException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One RTCP packet of a compound packet. {@link #parseCompound} reads them all; a malformed packet
 * ends the compound with an error, but the valid ones before it have been returned to
 * {@code into} (RFC 3550 §6.1 validity checks are the caller's policy).
 */
public sealed interface RtcpPacket permits RtcpPacket.SenderReport, RtcpPacket.ReceiverReport,
    RtcpPacket.SourceDescription, RtcpPacket.Goodbye, RtcpPacket.GenericNack, RtcpPacket.PictureLossIndication,
    RtcpPacket.FullIntraRequest, RtcpPacket.ReceiverEstimatedMaxBitrate, TransportCc, RtcpPacket.Unknown {

  int SR = 200;
  int RR = 201;
  int SDES = 202;
  int BYE = 203;
  int RTPFB = 205;
  int PSFB = 206;

  /** Serializes this packet (header included). */
  byte[] encode();

  /** A report block (RFC 3550 §6.4.1). */
  record ReportBlock(long ssrc, int fractionLost, int cumulativeLost, long extendedHighestSequence, long jitter,
                     long lastSenderReport, long delaySinceLastSenderReport) {}

  /** SR (§6.4.1). */
  record SenderReport(long ssrc, long ntpTimestamp, long rtpTimestamp, long packetCount, long octetCount,
                      List<ReportBlock> reports) implements RtcpPacket {
    @Override
    public byte[] encode() {
      RtcpWriter w = new RtcpWriter(SR, reports.size());
      w.int32(ssrc).int64(ntpTimestamp).int32(rtpTimestamp).int32(packetCount).int32(octetCount);
      reports.forEach(w::block);
      return w.done();
    }
  }

  /** RR (§6.4.2). */
  record ReceiverReport(long ssrc, List<ReportBlock> reports) implements RtcpPacket {
    @Override
    public byte[] encode() {
      RtcpWriter w = new RtcpWriter(RR, reports.size());
      w.int32(ssrc);
      reports.forEach(w::block);
      return w.done();
    }
  }

  /** SDES (§6.5), kept as its raw chunks. */
  record SourceDescription(int count, byte[] chunks) implements RtcpPacket {
    @Override
    public byte[] encode() {
      return new RtcpWriter(SDES, count).bytes(chunks).done();
    }
  }

  /** BYE (§6.6). */
  record Goodbye(List<Long> ssrcs) implements RtcpPacket {
    @Override
    public byte[] encode() {
      RtcpWriter w = new RtcpWriter(BYE, ssrcs.size());
      ssrcs.forEach(w::int32);
      return w.done();
    }
  }

  /** Generic NACK (RFC 4585 §6.2.1): the lost sequence numbers, expanded from PID/BLP pairs. */
  record GenericNack(long senderSsrc, long mediaSsrc, List<Integer> lost) implements RtcpPacket {
    @Override
    public byte[] encode() {
      RtcpWriter w = new RtcpWriter(RTPFB, 1).int32(senderSsrc).int32(mediaSsrc);
      List<Integer> sorted = new ArrayList<>(lost);
      int i = 0;
      while (i < sorted.size()) {
        int pid = sorted.get(i);
        int blp = 0;
        int j = i + 1;
        while (j < sorted.size() && ((sorted.get(j) - pid) & 0xffff) <= 16 && ((sorted.get(j) - pid) & 0xffff) > 0) {
          blp |= 1 << (((sorted.get(j) - pid) & 0xffff) - 1);
          j++;
        }
        w.int16(pid).int16(blp);
        i = j;
      }
      return w.done();
    }
  }

  /** PLI (RFC 4585 §6.3.1). */
  record PictureLossIndication(long senderSsrc, long mediaSsrc) implements RtcpPacket {
    @Override
    public byte[] encode() {
      return new RtcpWriter(PSFB, 1).int32(senderSsrc).int32(mediaSsrc).done();
    }
  }

  /** FIR (RFC 5104 §4.3.1): one entry per requested SSRC with its command sequence number. */
  record FullIntraRequest(long senderSsrc, List<long[]> entries) implements RtcpPacket {
    @Override
    public byte[] encode() {
      RtcpWriter w = new RtcpWriter(PSFB, 4).int32(senderSsrc).int32(0);
      for (long[] e : entries) {
        w.int32(e[0]).int32((e[1] & 0xff) << 24);
      }
      return w.done();
    }
  }

  /** REMB (draft-alvestrand-rmcat-remb §2.2): a bitrate (exponent and 18-bit mantissa) for SSRCs. */
  record ReceiverEstimatedMaxBitrate(long senderSsrc, long bitrate, List<Long> ssrcs) implements RtcpPacket {
    @Override
    public byte[] encode() {
      int exponent = 0;
      long mantissa = bitrate;
      while (mantissa > 0x3ffff) {
        mantissa >>= 1;
        exponent++;
      }
      RtcpWriter w = new RtcpWriter(PSFB, 15).int32(senderSsrc).int32(0).bytes(new byte[] {'R', 'E', 'M', 'B'});
      w.int32(((long) ssrcs.size() << 24) | ((long) exponent << 18) | mantissa);
      ssrcs.forEach(w::int32);
      return w.done();
    }
  }

  /** A packet type this family does not model, kept whole. */
  record Unknown(int type, int count, byte[] packet) implements RtcpPacket {
    @Override
    public byte[] encode() {
      return packet.clone();
    }
  }

  /** Parses every packet of a compound packet into {@code into}. */
  static void parseCompound(byte[] b, int off, int len, List<RtcpPacket> into) throws WireFormatException {
    int pos = off;
    int end = off + len;
    if (len < 4) {
      throw new WireFormatException("RTCP packet shorter than its header");
    }
    while (pos < end) {
      if (end - pos < 4) {
        throw new WireFormatException("truncated RTCP header");
      }
      if ((b[pos] & 0xc0) != 0x80) {
        throw new WireFormatException("RTCP version is not 2");
      }
      int length = 4 * (((b[pos + 2] & 0xff) << 8 | (b[pos + 3] & 0xff)) + 1);
      if (length > end - pos) {
        throw new WireFormatException("RTCP packet of " + length + " bytes overruns the compound");
      }
      into.add(parseOne(b, pos, length));
      pos += length;
    }
  }

  private static RtcpPacket parseOne(byte[] b, int pos, int length) throws WireFormatException {
    int count = b[pos] & 0x1f;
    int type = b[pos + 1] & 0xff;
    RtcpReader r = new RtcpReader(b, pos + 4, pos + length);
    switch (type) {
      case SR -> {
        long ssrc = r.int32();
        long ntp = r.int64();
        long rtp = r.int32();
        long packets = r.int32();
        long octets = r.int32();
        return new SenderReport(ssrc, ntp, rtp, packets, octets, r.blocks(count));
      }
      case RR -> {
        long ssrc = r.int32();
        return new ReceiverReport(ssrc, r.blocks(count));
      }
      case SDES -> {
        return new SourceDescription(count, Arrays.copyOfRange(b, pos + 4, pos + length));
      }
      case BYE -> {
        List<Long> ssrcs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
          ssrcs.add(r.int32());
        }
        return new Goodbye(ssrcs);
      }
      case RTPFB -> {
        if (count == 1) {
          long sender = r.int32();
          long media = r.int32();
          List<Integer> lost = new ArrayList<>();
          while (r.remaining() >= 4) {
            int pid = r.int16();
            int blp = r.int16();
            lost.add(pid);
            for (int i = 0; i < 16; i++) {
              if ((blp & (1 << i)) != 0) {
                lost.add((pid + i + 1) & 0xffff);
              }
            }
          }
          return new GenericNack(sender, media, lost);
        }
        if (count == 15) {
          return TransportCc.parse(b, pos, length);
        }
      }
      case PSFB -> {
        if (count == 1) {
          return new PictureLossIndication(r.int32(), r.int32());
        }
        if (count == 4) {
          long sender = r.int32();
          r.int32();
          List<long[]> entries = new ArrayList<>();
          while (r.remaining() >= 8) {
            entries.add(new long[] {r.int32(), r.int32() >>> 24});
          }
          return new FullIntraRequest(sender, entries);
        }
        if (count == 15 && length >= 20 && b[pos + 12] == 'R' && b[pos + 13] == 'E' && b[pos + 14] == 'M'
            && b[pos + 15] == 'B') {
          long sender = r.int32();
          r.int32();
          r.int32();
          long word = r.int32();
          int n = (int) (word >>> 24);
          long bitrate = (word & 0x3ffff) << ((word >>> 18) & 0x3f);
          List<Long> ssrcs = new ArrayList<>();
          for (int i = 0; i < n; i++) {
            ssrcs.add(r.int32());
          }
          return new ReceiverEstimatedMaxBitrate(sender, bitrate, ssrcs);
        }
      }
      default -> { }
    }
    return new Unknown(type, count, Arrays.copyOfRange(b, pos, pos + length));
  }
}
