package io.osprey.transport.session;

import io.osprey.wire.sdp.MediaDescription;
import io.osprey.wire.sdp.SdpLine;
import io.osprey.wire.sdp.SessionDescription;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds the server's answer to an offer (JSEP RFC 8829 §5.3): same media sections in the same
 * order, ICE-lite with our credentials and host candidates, DTLS passive with our fingerprint, one
 * codec per section (the first the peer offers that we forward), its rtcp-fb and extensions, an SSRC + msid
 * for sections we send on, and SCTP port and message size for the data channel section. Sections we
 * cannot serve are rejected (port 0).
 */
final class AnswerBuilder {
  static final List<String> VIDEO_CODECS = List.of("VP8", "H264", "VP9", "AV1");
  static final List<String> AUDIO_CODECS = List.of("opus");
  /**
   * Header extensions we accept from a sender: binding RTP to a section and layer, audio levels,
   * and transport-wide sequence numbers (the sender's bandwidth estimate runs on our feedback).
   */
  static final List<String> EXTENSIONS = List.of(RtpExtensions.MID, RtpExtensions.RID,
      RtpExtensions.AUDIO_LEVEL, RtpExtensions.TRANSPORT_CC);

  private AnswerBuilder() {}

  /**
   * One accepted media section: its mid, payload type and (if we send) our SSRC and the RTX stream
   * beside it (null: none); -1 payload type for data.
   */
  record Accepted(String mid, String media, int payloadType, long ssrc, String msid, SendSection.Repair repair) {
    Accepted(String mid, String media, int payloadType, long ssrc) {
      this(mid, media, payloadType, ssrc, null, null);
    }

    boolean data() {
      return payloadType < 0;
    }
  }

  static SessionDescription build(SessionDescription offer, String ufrag, String pwd, String fingerprint,
      List<InetSocketAddress> candidates, List<InetSocketAddress> tcpCandidates, Map<String, Accepted> accepted) {
    List<SdpLine> session = new ArrayList<>();
    session.add(new SdpLine('v', "0"));
    session.add(new SdpLine('o', "osprey " + Math.abs(ufrag.hashCode()) + " 2 IN IP4 127.0.0.1"));
    session.add(new SdpLine('s', "-"));
    session.add(new SdpLine('t', "0 0"));
    session.add(SdpLine.attribute("ice-lite", null));
    List<String> bundle = new ArrayList<>();
    for (Accepted a : accepted.values()) {
      bundle.add(a.mid());
    }
    session.add(SdpLine.attribute("group", "BUNDLE " + String.join(" ", bundle)));
    session.add(SdpLine.attribute("msid-semantic", " WMS osprey"));
    if (offer.attribute("extmap-allow-mixed").isPresent()) { // RFC 8285 §6: both header forms in one stream
      session.add(SdpLine.attribute("extmap-allow-mixed", null));
    }
    List<MediaDescription> media = new ArrayList<>();
    for (MediaDescription m : offer.media()) {
      String mid = m.mid().orElse("");
      Accepted a = accepted.get(mid);
      if (a == null) {
        media.add(new MediaDescription(m.media(), 0, m.proto(), m.formats(), List.of(SdpLine.attribute("mid", mid))));
        continue;
      }
      List<SdpLine> lines = new ArrayList<>();
      lines.add(new SdpLine('c', "IN IP4 0.0.0.0"));
      lines.add(SdpLine.attribute("ice-ufrag", ufrag));
      lines.add(SdpLine.attribute("ice-pwd", pwd));
      lines.add(SdpLine.attribute("fingerprint", "sha-256 " + fingerprint));
      lines.add(SdpLine.attribute("setup", "passive"));
      lines.add(SdpLine.attribute("mid", mid));
      if (a.data()) {
        lines.add(SdpLine.attribute("sctp-port", "5000"));
        lines.add(SdpLine.attribute("max-message-size", "262144"));
        addCandidates(lines, candidates, tcpCandidates);
        media.add(new MediaDescription(m.media(), 9, m.proto(), m.formats(), lines));
        continue;
      }
      boolean av1 = RtpCodec.of(m, a.payloadType()).map(c -> c.name().equalsIgnoreCase("AV1")).orElse(false);
      for (String extmap : m.attributes("extmap")) {
        String[] parts = extmap == null ? new String[0] : extmap.trim().split("\\s+");
        if (parts.length >= 2 && (EXTENSIONS.contains(parts[1])
            || (av1 && parts[1].equals(RtpExtensions.DEPENDENCY_DESCRIPTOR)))) {
          lines.add(SdpLine.attribute("extmap", parts[0].split("/")[0] + " " + parts[1]));
        }
      }
      boolean send = a.ssrc() != 0;
      String direction = switch (m.direction()) {
        case "sendonly" -> "recvonly";
        case "recvonly" -> send ? "sendonly" : "inactive";
        case "inactive" -> "inactive";
        default -> send ? "sendrecv" : "recvonly";
      };
      lines.add(SdpLine.attribute(direction, null));
      String msid = a.msid() != null ? a.msid() : "osprey osprey-" + mid;
      if (send) {
        lines.add(SdpLine.attribute("msid", msid));
      }
      for (String rid : m.attributes("rid")) { // simulcast (RFC 8853): we receive what the peer sends
        String[] r = rid == null ? new String[0] : rid.trim().split(" ");
        if (r.length >= 2 && r[1].equals("send")) {
          lines.add(SdpLine.attribute("rid", r[0] + " recv"));
        }
      }
      m.attribute("simulcast").filter(v -> v.startsWith("send ")).ifPresent(v ->
          lines.add(SdpLine.attribute("simulcast", "recv " + v.substring(5).trim())));
      lines.add(SdpLine.attribute("rtcp-mux", null));
      List<String> formats = new ArrayList<>(List.of(Integer.toString(a.payloadType())));
      copyFormat(m, a.payloadType(), lines);
      if (a.repair() != null) {
        formats.add(Integer.toString(a.repair().payloadType()));
        copyFormat(m, a.repair().payloadType(), lines);
      }
      if (send) {
        String[] ids = msid.split(" ", 2);
        if (a.repair() != null) {
          lines.add(SdpLine.attribute("ssrc-group", "FID " + a.ssrc() + " " + a.repair().ssrc()));
        }
        OfferBuilder.ssrcLines(lines, a.ssrc(), ids[0], ids.length > 1 ? ids[1] : ids[0]);
        if (a.repair() != null) {
          OfferBuilder.ssrcLines(lines, a.repair().ssrc(), ids[0], ids.length > 1 ? ids[1] : ids[0]);
        }
      }
      addCandidates(lines, candidates, tcpCandidates);
      media.add(new MediaDescription(m.media(), 9, m.proto(), formats, lines));
    }
    return new SessionDescription(session, media);
  }

  /** The offer's rtpmap, rtcp-fb and fmtp lines of {@code payloadType}, as offered. */
  private static void copyFormat(MediaDescription m, int payloadType, List<SdpLine> lines) {
    String prefix = payloadType + " ";
    for (String name : List.of("rtpmap", "rtcp-fb", "fmtp")) {
      for (String value : m.attributes(name)) {
        if (value != null && value.startsWith(prefix)) {
          lines.add(SdpLine.attribute(name, value));
        }
      }
    }
  }

  static void addCandidates(List<SdpLine> lines, List<InetSocketAddress> candidates,
                                    List<InetSocketAddress> tcpCandidates) {
    int foundation = 1;
    for (InetSocketAddress c : candidates) {
      lines.add(SdpLine.attribute("candidate", (foundation++) + " 1 udp 2130706431 "
          + c.getAddress().getHostAddress() + " " + c.getPort() + " typ host"));
    }
    for (InetSocketAddress c : tcpCandidates) { // RFC 6544 §4.5: passive, lower type preference than UDP
      lines.add(SdpLine.attribute("candidate", (foundation++) + " 1 tcp 1518280447 "
          + c.getAddress().getHostAddress() + " " + c.getPort() + " typ host tcptype passive"));
    }
    lines.add(SdpLine.attribute("end-of-candidates", null));
  }
}
