package io.osprey.wire.demux;

/**
 * What arrived on a WebRTC transport port, from its first byte (RFC 7983 §7, updating RFC 5764
 * §5.1.2), with RTP and RTCP told apart by the payload type byte (RFC 5761 §4: 192-223 is RTCP).
 */
public enum PacketKind {
  /** 0-3: STUN (ICE checks). */
  STUN,
  /** 16-19: ZRTP. */
  ZRTP,
  /** 20-63: DTLS records. */
  DTLS,
  /** 64-79: TURN channel data. */
  TURN_CHANNEL,
  /** 128-191 with a payload type outside 192-223: SRTP. */
  RTP,
  /** 128-191 with a packet type 192-223 (SR 200, RR 201, SDES, BYE, APP, RTPFB 205, PSFB 206, XR): SRTCP. */
  RTCP,
  /** Anything else: drop. */
  UNKNOWN;

  /** Classifies a datagram. */
  public static PacketKind of(byte[] buf, int off, int len) {
    if (len < 1) {
      return UNKNOWN;
    }
    int b = buf[off] & 0xff;
    if (b <= 3) {
      return STUN;
    }
    if (b >= 16 && b <= 19) {
      return ZRTP;
    }
    if (b >= 20 && b <= 63) {
      return DTLS;
    }
    if (b >= 64 && b <= 79) {
      return TURN_CHANNEL;
    }
    if (b >= 128 && b <= 191) {
      if (len < 2) {
        return UNKNOWN;
      }
      int pt = buf[off + 1] & 0xff;
      return pt >= 192 && pt <= 223 ? RTCP : RTP;
    }
    return UNKNOWN;
  }
}
