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
 */
public record RemoteSection(String mid, String kind, String direction, RtpCodec codec, String msidStream,
                            String msidTrack, List<Long> ssrcs, List<String> rids) {
  public RemoteSection {
    ssrcs = List.copyOf(ssrcs);
    rids = List.copyOf(rids);
  }

  /** Whether the peer sends media on this section. */
  public boolean peerSends() {
    return direction.equals("sendonly") || direction.equals("sendrecv");
  }
}
