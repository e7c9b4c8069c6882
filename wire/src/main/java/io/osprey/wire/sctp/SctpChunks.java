package io.osprey.wire.sctp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Typed views of the chunks a data-channel association uses (RFC 9260 §3.3, RFC 3758 §3.2). */
public final class SctpChunks {
  private SctpChunks() {}

  /** A TLV parameter of INIT / INIT ACK (§3.2.1). */
  public record Param(int type, byte[] value) {}

  public static final int PARAM_STATE_COOKIE = 7;
  public static final int PARAM_SUPPORTED_EXTENSIONS = 0x8008;
  public static final int PARAM_FORWARD_TSN_SUPPORTED = 0xC000;

  /** DATA (§3.3.1). Flags: U 0x04, B 0x02, E 0x01. */
  public record Data(boolean unordered, boolean beginning, boolean ending, long tsn, int streamId, int ssn, long ppid,
                     byte[] payload) {
    public static Data of(SctpChunk c) throws SctpFormatException {
      byte[] v = c.value();
      if (v.length < 12) {
        throw new SctpFormatException("DATA chunk shorter than 12 bytes");
      }
      return new Data((c.flags() & 4) != 0, (c.flags() & 2) != 0, (c.flags() & 1) != 0,
          SctpPacket.readInt(v, 0) & 0xffffffffL, SctpPacket.readShort(v, 4), SctpPacket.readShort(v, 6),
          SctpPacket.readInt(v, 8) & 0xffffffffL, Arrays.copyOfRange(v, 12, v.length));
    }

    public SctpChunk chunk() {
      byte[] v = new byte[12 + payload.length];
      SctpPacket.writeInt(v, 0, (int) tsn);
      SctpPacket.writeShort(v, 4, streamId);
      SctpPacket.writeShort(v, 6, ssn);
      SctpPacket.writeInt(v, 8, (int) ppid);
      System.arraycopy(payload, 0, v, 12, payload.length);
      return new SctpChunk(SctpChunk.DATA, (unordered ? 4 : 0) | (beginning ? 2 : 0) | (ending ? 1 : 0), v);
    }
  }

  /** INIT and INIT ACK (§3.3.2, §3.3.3). */
  public record Init(long initiateTag, long advertisedWindow, int outboundStreams, int inboundStreams, long initialTsn,
                     List<Param> params) {
    public static Init of(SctpChunk c) throws SctpFormatException {
      byte[] v = c.value();
      if (v.length < 16) {
        throw new SctpFormatException("INIT shorter than 16 bytes");
      }
      List<Param> params = new ArrayList<>();
      int pos = 16;
      while (pos + 4 <= v.length) {
        int type = SctpPacket.readShort(v, pos);
        int length = SctpPacket.readShort(v, pos + 2);
        if (length < 4 || pos + length > v.length) {
          throw new SctpFormatException("INIT parameter overruns the chunk");
        }
        params.add(new Param(type, Arrays.copyOfRange(v, pos + 4, pos + length)));
        pos += (length + 3) & ~3;
      }
      long tag = SctpPacket.readInt(v, 0) & 0xffffffffL;
      if (tag == 0) {
        throw new SctpFormatException("INIT with a zero initiate tag");
      }
      return new Init(tag, SctpPacket.readInt(v, 4) & 0xffffffffL, SctpPacket.readShort(v, 8),
          SctpPacket.readShort(v, 10), SctpPacket.readInt(v, 12) & 0xffffffffL, params);
    }

    public SctpChunk chunk(int type) {
      int length = 16;
      for (Param p : params) {
        length += (4 + p.value().length + 3) & ~3;
      }
      byte[] v = new byte[length];
      SctpPacket.writeInt(v, 0, (int) initiateTag);
      SctpPacket.writeInt(v, 4, (int) advertisedWindow);
      SctpPacket.writeShort(v, 8, outboundStreams);
      SctpPacket.writeShort(v, 10, inboundStreams);
      SctpPacket.writeInt(v, 12, (int) initialTsn);
      int pos = 16;
      for (Param p : params) {
        SctpPacket.writeShort(v, pos, p.type());
        SctpPacket.writeShort(v, pos + 2, 4 + p.value().length);
        System.arraycopy(p.value(), 0, v, pos + 4, p.value().length);
        pos += (4 + p.value().length + 3) & ~3;
      }
      return new SctpChunk(type, 0, v);
    }

    public byte[] param(int type) {
      for (Param p : params) {
        if (p.type() == type) {
          return p.value();
        }
      }
      return null;
    }
  }

  /** SACK (§3.3.4): gap blocks as offsets from the cumulative TSN. */
  public record Sack(long cumulativeTsnAck, long advertisedWindow, List<int[]> gaps, List<Long> duplicates) {
    public static Sack of(SctpChunk c) throws SctpFormatException {
      byte[] v = c.value();
      if (v.length < 12) {
        throw new SctpFormatException("SACK shorter than 12 bytes");
      }
      int gapCount = SctpPacket.readShort(v, 8);
      int dupCount = SctpPacket.readShort(v, 10);
      if (12 + 4 * (gapCount + dupCount) > v.length) {
        throw new SctpFormatException("SACK blocks overrun the chunk");
      }
      List<int[]> gaps = new ArrayList<>();
      for (int i = 0; i < gapCount; i++) {
        gaps.add(new int[] {SctpPacket.readShort(v, 12 + 4 * i), SctpPacket.readShort(v, 14 + 4 * i)});
      }
      List<Long> dups = new ArrayList<>();
      for (int i = 0; i < dupCount; i++) {
        dups.add(SctpPacket.readInt(v, 12 + 4 * gapCount + 4 * i) & 0xffffffffL);
      }
      return new Sack(SctpPacket.readInt(v, 0) & 0xffffffffL, SctpPacket.readInt(v, 4) & 0xffffffffL, gaps, dups);
    }

    public SctpChunk chunk() {
      byte[] v = new byte[12 + 4 * gaps.size() + 4 * duplicates.size()];
      SctpPacket.writeInt(v, 0, (int) cumulativeTsnAck);
      SctpPacket.writeInt(v, 4, (int) advertisedWindow);
      SctpPacket.writeShort(v, 8, gaps.size());
      SctpPacket.writeShort(v, 10, duplicates.size());
      int pos = 12;
      for (int[] g : gaps) {
        SctpPacket.writeShort(v, pos, g[0]);
        SctpPacket.writeShort(v, pos + 2, g[1]);
        pos += 4;
      }
      for (long d : duplicates) {
        SctpPacket.writeInt(v, pos, (int) d);
        pos += 4;
      }
      return new SctpChunk(SctpChunk.SACK, 0, v);
    }
  }

  /** FORWARD TSN (RFC 3758 §3.2): the new cumulative TSN. */
  /**
   * A FORWARD TSN chunk (RFC 3758 §3.2): the new cumulative TSN and, for each ordered stream with
   * abandoned messages, the stream id and the highest abandoned SSN ({@code {stream, ssn}} pairs).
   */
  public static SctpChunk forwardTsnChunk(long newCumulativeTsn, List<int[]> streams) {
    byte[] v = new byte[4 + 4 * streams.size()];
    SctpPacket.writeInt(v, 0, (int) newCumulativeTsn);
    for (int i = 0; i < streams.size(); i++) {
      int[] e = streams.get(i);
      v[4 + 4 * i] = (byte) (e[0] >> 8);
      v[5 + 4 * i] = (byte) e[0];
      v[6 + 4 * i] = (byte) (e[1] >> 8);
      v[7 + 4 * i] = (byte) e[1];
    }
    return new SctpChunk(SctpChunk.FORWARD_TSN, 0, v);
  }

  public static long forwardTsn(SctpChunk c) throws SctpFormatException {
    if (c.value().length < 4) {
      throw new SctpFormatException("FORWARD TSN shorter than 4 bytes");
    }
    return SctpPacket.readInt(c.value(), 0) & 0xffffffffL;
  }
}
