package io.osprey.transport.session;

import java.util.List;

/**
 * A media section of the peer's offer as we accepted it: what the SFU needs to bind incoming RTP
 * to a published track.
 *
 * @param msidTrack the track id of {@code a=msid} (livekit-client's AddTrackRequest cid), or empty
 * @param ssrcs     the primary SSRCs the offer declares (not their RTX repair streams); empty under
 *                  simulcast, where RTP is bound by its mid and rid header extensions instead
 * @param rids      the simulcast stream ids the peer sends, lowest to highest as offered
 * @param codecs    every codec the section offers, in the peer's order of preference
 */
public record RemoteSection(String mid, String kind, String direction, RtpCodec codec, String msidStream,
                            String msidTrack, List<Long> ssrcs, List<String> rids, List<RtpCodec> codecs) {
  public RemoteSection {
    ssrcs = List.copyOf(ssrcs);
    rids = List.copyOf(rids);
    codecs = List.copyOf(codecs);
  }

  /** Whether the peer receives media on this section. */
  public boolean peerReceives() {
    return direction.equals("recvonly") || direction.equals("sendrecv");
  }

  /** The offered codec named {@code name} (case-insensitive), preferring identical format parameters. */
  public java.util.Optional<RtpCodec> codecLike(RtpCodec wanted) {
    RtpCodec sameName = null;
    for (RtpCodec c : codecs) {
      if (c.name().equalsIgnoreCase(wanted.name()) && c.clockRate() == wanted.clockRate()) {
        if (c.fmtp().equals(wanted.fmtp())) {
          return java.util.Optional.of(c);
        }
        if (sameName == null) {
          sameName = c;
        }
      }
    }
    return java.util.Optional.ofNullable(sameName);
  }

  /**
   * The payload type of the RTX format (RFC 4588 §8.1: {@code rtx} with {@code apt=payloadType})
   * the peer offers beside codec {@code payloadType}, or -1 when it offers none.
   */
  public int repairPayloadTypeFor(int payloadType) {
    String apt = "apt=" + payloadType;
    for (RtpCodec c : codecs) {
      if (c.name().equalsIgnoreCase("rtx")) {
        for (String parameter : c.fmtp().split(";")) {
          if (parameter.trim().equals(apt)) {
            return c.payloadType();
          }
        }
      }
    }
    return -1;
  }

  /** Whether the peer sends media on this section. */
  public boolean peerSends() {
    return direction.equals("sendonly") || direction.equals("sendrecv");
  }
}
