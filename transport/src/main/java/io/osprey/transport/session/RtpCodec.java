package io.osprey.transport.session;

import io.osprey.wire.sdp.MediaDescription;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A negotiated RTP codec as the SDP describes it: payload type, encoding name, clock rate,
 * channels, format parameters and RTCP feedback. The SFU forwards payloads untouched, so a
 * subscriber is offered exactly what its publisher negotiated.
 *
 * @param channels 0 when the rtpmap names none (video)
 * @param fmtp     the {@code a=fmtp} parameters, empty when there are none
 */
public record RtpCodec(int payloadType, String name, int clockRate, int channels, String fmtp, List<String> feedback) {
  public RtpCodec {
    if (payloadType < 0 || payloadType > 127) {
      throw new IllegalArgumentException("payload type out of range: " + payloadType);
    }
    feedback = List.copyOf(feedback);
  }

  /** The codec {@code payloadType} of section {@code m}, if its rtpmap is well formed. */
  public static Optional<RtpCodec> of(MediaDescription m, int payloadType) {
    String prefix = payloadType + " ";
    for (String rtpmap : m.attributes("rtpmap")) {
      if (rtpmap == null || !rtpmap.startsWith(prefix)) {
        continue;
      }
      String[] enc = rtpmap.substring(prefix.length()).trim().split("/");
      if (enc.length < 2 || enc[0].isEmpty()) {
        return Optional.empty();
      }
      int clock;
      int channels;
      try {
        clock = Integer.parseInt(enc[1]);
        channels = enc.length > 2 ? Integer.parseInt(enc[2]) : 0;
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
      String fmtp = "";
      for (String f : m.attributes("fmtp")) {
        if (f != null && f.startsWith(prefix)) {
          fmtp = f.substring(prefix.length()).trim();
        }
      }
      List<String> feedback = new ArrayList<>();
      for (String fb : m.attributes("rtcp-fb")) {
        if (fb != null && fb.startsWith(prefix)) {
          feedback.add(fb.substring(prefix.length()).trim());
        }
      }
      return Optional.of(new RtpCodec(payloadType, enc[0], clock, channels, fmtp, feedback));
    }
    return Optional.empty();
  }

  /** Opus as browsers offer it (RFC 7587: always 48 kHz, two channels in the rtpmap). */
  public static final RtpCodec OPUS = new RtpCodec(111, "opus", 48000, 2, "minptime=10;useinbandfec=1",
      List.of("transport-cc"));
  public static final RtpCodec VP8 = new RtpCodec(96, "VP8", 90000, 0, "", videoFeedback());
  public static final RtpCodec VP9 = new RtpCodec(98, "VP9", 90000, 0, "profile-id=0", videoFeedback());
  /** H.264 constrained baseline 3.1, packetization mode 1 (RFC 6184), the profile every browser decodes. */
  public static final RtpCodec H264 = new RtpCodec(102, "H264", 90000, 0,
      "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f", videoFeedback());
  public static final RtpCodec AV1 = new RtpCodec(45, "AV1", 90000, 0, "", videoFeedback());
  /** What a client receives video in, preferred first. */
  public static final List<RtpCodec> VIDEO = List.of(VP8, H264, VP9, AV1);
  /** What a client receives audio in. */
  public static final List<RtpCodec> AUDIO = List.of(OPUS);

  private static List<String> videoFeedback() {
    return List.of("nack", "nack pli", "ccm fir");
  }

  /** The default codec (payload type as {@link #VIDEO} and {@link #AUDIO} give it) for a MIME type, if we know it. */
  public static Optional<RtpCodec> forMimeType(String mimeType) {
    for (RtpCodec c : List.of(OPUS, VP8, VP9, H264, AV1)) {
      if (mimeType.equalsIgnoreCase((c == OPUS ? "audio/" : "video/") + c.name())) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }

  /** Every well-formed codec of section {@code m}, in the m-line's order (the peer's preference). */
  public static List<RtpCodec> offered(MediaDescription m) {
    List<RtpCodec> codecs = new ArrayList<>();
    for (String format : m.formats()) {
      if (format.matches("\\d{1,3}") && Integer.parseInt(format) <= 127) {
        of(m, Integer.parseInt(format)).ifPresent(codecs::add);
      }
    }
    return codecs;
  }

  /** The MIME type LiveKit reports in TrackInfo, e.g. {@code video/VP8} or {@code audio/opus}. */
  public String mimeType(String kind) {
    return kind + "/" + name;
  }

  /** The {@code a=rtpmap} value. */
  public String rtpmap() {
    return payloadType + " " + name + "/" + clockRate + (channels > 0 ? "/" + channels : "");
  }
}
