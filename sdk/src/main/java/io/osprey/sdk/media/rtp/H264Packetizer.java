package io.osprey.sdk.media.rtp;

import java.util.ArrayList;
import java.util.List;

/**
 * H.264 payloads (RFC 6184, packetization-mode=1): consecutive small NAL units aggregated into
 * STAP-A (§5.7.1), NAL units that fit sent alone (§5.6), larger ones fragmented into FU-A
 * (§5.8). Input is an access unit in Annex-B form; access unit delimiters are dropped.
 */
final class H264Packetizer implements RtpPacketizer {
  private static final int STAP_A = 24;
  private static final int FU_A = 28;
  private final int maxPayload;

  H264Packetizer(int maxPayload) {
    if (maxPayload < 16) {
      throw new IllegalArgumentException("max payload too small: " + maxPayload);
    }
    this.maxPayload = maxPayload;
  }

  @Override
  public List<byte[]> packetize(byte[] accessUnit, boolean keyFrame) {
    List<byte[]> out = new ArrayList<>();
    List<byte[]> aggregate = new ArrayList<>();
    int aggregateSize = 1;
    for (byte[] nal : AnnexB.split(accessUnit)) {
      if (nal.length == 0 || (nal[0] & 0x1f) == 9) {
        continue;
      }
      if (aggregateSize + 2 + nal.length <= maxPayload) {
        aggregate.add(nal);
        aggregateSize += 2 + nal.length;
        continue;
      }
      flush(aggregate, out);
      aggregateSize = 1;
      if (nal.length + 2 + 1 <= maxPayload) {
        aggregate.add(nal);
        aggregateSize += 2 + nal.length;
      } else {
        fragment(nal, out);
      }
    }
    flush(aggregate, out);
    return out;
  }

  private static void flush(List<byte[]> aggregate, List<byte[]> out) {
    if (aggregate.isEmpty()) {
      return;
    }
    if (aggregate.size() == 1) {
      out.add(aggregate.get(0));
    } else {
      int size = 1;
      int nri = 0;
      for (byte[] nal : aggregate) {
        size += 2 + nal.length;
        nri = Math.max(nri, nal[0] & 0x60);
      }
      byte[] p = new byte[size];
      p[0] = (byte) (nri | STAP_A);
      int pos = 1;
      for (byte[] nal : aggregate) {
        p[pos++] = (byte) (nal.length >> 8);
        p[pos++] = (byte) nal.length;
        System.arraycopy(nal, 0, p, pos, nal.length);
        pos += nal.length;
      }
      out.add(p);
    }
    aggregate.clear();
  }

  private void fragment(byte[] nal, List<byte[]> out) {
    int header = nal[0] & 0xff;
    int chunk = maxPayload - 2;
    for (int pos = 1; pos < nal.length; pos += chunk) {
      int len = Math.min(chunk, nal.length - pos);
      byte[] p = new byte[2 + len];
      p[0] = (byte) ((header & 0xe0) | FU_A);
      p[1] = (byte) ((pos == 1 ? 0x80 : 0) | (pos + len >= nal.length ? 0x40 : 0) | (header & 0x1f));
      System.arraycopy(nal, pos, p, 2, len);
      out.add(p);
    }
  }
}
