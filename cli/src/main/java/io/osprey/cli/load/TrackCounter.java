package io.osprey.cli.load;

import io.osprey.sdk.media.SyntheticSource;
import io.osprey.wire.WireFormatException;
import io.osprey.wire.rtp.RtpPacket;

/**
 * One received track as the load test sees it: packets, bytes, sequence gaps (the server's
 * rewritten sequence numbers should have none), and the latency of every frame from the send time
 * the synthetic source wrote into it, read from the frame's first packet without reassembling
 * it. Written on one loop, read by the reporter; no allocation per packet.
 */
public final class TrackCounter {
  /** Where a frame's first bytes sit in a packet's payload. */
  public enum Payload {
    /** VP8 (RFC 7741): after the payload descriptor, in the packet that starts partition 0. */
    VP8,
    /** One frame per packet (Opus): the payload is the frame. */
    WHOLE,
    /** No probe to read (a codec we only count). */
    NONE;

    /** The payload layout for a MIME type such as {@code video/VP8} or {@code audio/opus}. */
    public static Payload forMimeType(String mimeType) {
      String m = mimeType.toLowerCase(java.util.Locale.ROOT);
      return m.equals("video/vp8") ? VP8 : m.equals("audio/opus") ? WHOLE : NONE;
    }
  }

  private static final long MAX_LATENCY_NANOS = 60_000_000_000L;
  private final SubscriberMeter subscriber;
  private final Payload payload;
  private final Histogram latency;
  private final RtpPacket view = new RtpPacket();
  private volatile long packets;
  private volatile long bytes;
  private volatile long lost;
  private int lastSeq = -1;

  TrackCounter(SubscriberMeter subscriber, Payload payload, Histogram latency) {
    this.subscriber = subscriber;
    this.payload = payload;
    this.latency = latency;
  }

  /** A decrypted RTP packet of this track arrived at {@code nowNanos} ({@link System#nanoTime()}). */
  public void onRtp(byte[] packet, int off, int len, long nowNanos) {
    try {
      view.wrap(packet, off, len);
    } catch (WireFormatException e) {
      return;
    }
    if (packets == 0) {
      subscriber.firstPacket(nowNanos);
    }
    packets++;
    bytes += len;
    int seq = view.sequenceNumber();
    if (lastSeq >= 0) {
      int gap = (seq - lastSeq - 1) & 0xffff;
      if (gap < 0x8000) {
        lost += gap;
      }
    }
    lastSeq = seq;
    int frame = frameStart(packet, view.payloadOffset(), view.payloadLength());
    if (frame >= 0) {
      long sent = SyntheticSource.sentNanos(packet, frame, view.payloadOffset() + view.payloadLength() - frame);
      if (sent > 0 && sent <= nowNanos && nowNanos - sent < MAX_LATENCY_NANOS) {
        latency.add((nowNanos - sent) / 1000);
      }
    }
  }

  /** Where a frame starts in this packet, or -1 if the packet does not start one. */
  private int frameStart(byte[] p, int off, int len) {
    switch (payload) {
      case WHOLE -> {
        return len > 0 ? off : -1;
      }
      case VP8 -> {
        if (len < 1 || (p[off] & 0x10) == 0 || (p[off] & 0x07) != 0) { // S set, partition 0
          return -1;
        }
        int i = off + 1;
        if ((p[off] & 0x80) != 0) { // X: the extension octet and what it announces
          if (len < 2) {
            return -1;
          }
          int x = p[i++];
          if ((x & 0x80) != 0) { // I: picture id, 7 or 15 bits
            i += (i < off + len && (p[i] & 0x80) != 0) ? 2 : 1;
          }
          if ((x & 0x40) != 0) { // L: TL0PICIDX
            i++;
          }
          if ((x & 0x30) != 0) { // T or K: TID/Y/KEYIDX
            i++;
          }
        }
        return i < off + len ? i : -1;
      }
      default -> {
        return -1;
      }
    }
  }

  public long packets() {
    return packets;
  }

  public long bytes() {
    return bytes;
  }

  /** Packets missing from the sequence (never arrived, or arrived out of order). */
  public long lost() {
    return lost;
  }
}
