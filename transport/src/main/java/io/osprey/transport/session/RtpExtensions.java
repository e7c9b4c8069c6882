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

  private RtpExtensions() {}
}
