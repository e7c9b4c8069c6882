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
