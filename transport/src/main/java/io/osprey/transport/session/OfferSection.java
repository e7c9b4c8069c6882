package io.osprey.transport.session;

import java.util.List;

/**
 * A media section of a client's offer (LiveKit's {@code /rtc/v1}: the client always offers, on one
 * connection both ways). A section we send on carries one codec, our SSRC and the msid the server
 * binds to the track it announced in {@code add_track}; a section we receive on lists every codec
 * we take, in order of preference. m-lines are never removed in renegotiation: a section that no
 * longer carries anything is offered {@code inactive} under its mid.
 *
 * @param direction {@code sendonly}, {@code recvonly} or {@code inactive}; empty for data
 * @param codecs    the codecs offered, preferred first (one for a section we send on)
 * @param streamId  the msid stream id (sending only)
 * @param trackId   the msid track id: livekit's AddTrackRequest cid (sending only)
 */
public record OfferSection(String mid, String kind, String direction, List<RtpCodec> codecs, long ssrc,
                           String streamId, String trackId) {
  public OfferSection {
    codecs = List.copyOf(codecs);
    if (!kind.equals("application") && codecs.isEmpty()) {
      throw new IllegalArgumentException("media section " + mid + " offers no codec");
    }
    if (direction.equals("sendonly") && (ssrc == 0 || codecs.size() != 1)) {
      throw new IllegalArgumentException("a sending section needs one codec and an SSRC: " + mid);
    }
  }

  /** A section we send one track on. */
  public static OfferSection send(String mid, String kind, RtpCodec codec, long ssrc, String streamId, String trackId) {
    return new OfferSection(mid, kind, "sendonly", List.of(codec), ssrc, streamId, trackId);
  }

  /** A section we receive on, taking any of {@code codecs}. */
  public static OfferSection receive(String mid, String kind, List<RtpCodec> codecs) {
    return new OfferSection(mid, kind, "recvonly", codecs, 0, "", "");
  }

  /** The data channel section (SCTP over DTLS). */
  public static OfferSection data(String mid) {
    return new OfferSection(mid, "application", "", List.of(), 0, "", "");
  }

  public boolean isData() {
    return kind.equals("application");
  }

  public boolean sending() {
    return direction.equals("sendonly");
  }

  /** The same section, carrying nothing any more. */
  public OfferSection deactivate() {
    return isData() ? this : new OfferSection(mid, kind, "inactive", codecs.subList(0, 1), 0, "", "");
  }
}
