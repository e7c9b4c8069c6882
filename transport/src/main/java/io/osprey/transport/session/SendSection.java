package io.osprey.transport.session;

/**
 * A media section the server offers on a connection it sends on (LiveKit's subscriber
 * connection): one forwarded track with our SSRC and the msid the client uses to find the track.
 * An inactive section keeps its mid (m-lines are never removed in renegotiation) but carries
 * nothing. The data channel section is one of these too ({@link #data}), so the m-line order stays
 * what the first offer set.
 *
 * @param streamId LiveKit's {@code <participant sid>|<track sid>}
 * @param trackId  the track sid
 * @param repair   the retransmission stream (RFC 4588) offered beside the track, or null
 */
public record SendSection(String mid, String kind, RtpCodec codec, long ssrc, String streamId, String trackId,
                          boolean active, Repair repair) {
  /**
   * An RTX stream: its payload type ({@code apt} = the section's codec) and SSRC, grouped with the
   * primary SSRC as {@code a=ssrc-group:FID}. Whether it carries anything is up to the answer.
   */
  public record Repair(int payloadType, long ssrc) {
    public Repair {
      if (payloadType < 0 || payloadType > 127) {
        throw new IllegalArgumentException("payload type out of range: " + payloadType);
      }
    }
  }

  /** A section without a retransmission stream. */
  public SendSection(String mid, String kind, RtpCodec codec, long ssrc, String streamId, String trackId,
                     boolean active) {
    this(mid, kind, codec, ssrc, streamId, trackId, active, null);
  }

  /** The data channel section (SCTP over DTLS). */
  public static SendSection data(String mid) {
    return new SendSection(mid, "application", null, 0, "", "", true);
  }

  public boolean isData() {
    return kind.equals("application");
  }

  /** The same section, no longer carrying a track. */
  public SendSection deactivate() {
    return new SendSection(mid, kind, codec, ssrc, streamId, trackId, false, repair);
  }
}
