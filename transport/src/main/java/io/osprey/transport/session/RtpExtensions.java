package io.osprey.transport.session;

/** URIs of the RTP header extensions (RFC 8285 {@code a=extmap}) the SFU negotiates and reads. */
public final class RtpExtensions {
  /** RFC 8843 §15: the media section a packet belongs to. */
  public static final String MID = "urn:ietf:params:rtp-hdrext:sdes:mid";
  /** RFC 8852: the simulcast stream (rid) a packet belongs to. */
  public static final String RID = "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id";
  /** RFC 6464: the audio level of a packet. */
  public static final String AUDIO_LEVEL = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";
  /** Transport-wide sequence numbers (draft-holmer-rmcat-transport-wide-cc-extensions-01). */
  public static final String TRANSPORT_CC = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";
  /**
   * AV1's dependency descriptor (AV1 RTP specification, appendix A): how the frames of a scalable
   * AV1 stream depend on each other. A receiver assembles and decodes spatial SVC AV1 by it, so it is
   * taken from AV1 publishers and passed to AV1 subscribers. A key frame's descriptor carries the
   * template structure, longer than 16 bytes: it needs the two-byte header form
   * ({@code a=extmap-allow-mixed}, RFC 8285 §6).
   */
  public static final String DEPENDENCY_DESCRIPTOR =
      "https://aomediacodec.github.io/av1-rtp-spec/#dependency-descriptor-rtp-header-extension";

  private RtpExtensions() {}
}
