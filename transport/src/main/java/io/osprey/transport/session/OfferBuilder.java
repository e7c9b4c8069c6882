package io.osprey.transport.session;

import io.osprey.wire.sdp.MediaDescription;
import io.osprey.wire.sdp.SdpLine;
import io.osprey.wire.sdp.SessionDescription;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds offers (JSEP RFC 8829 §5.2), bundled, DTLS actpass, with our ICE credentials and host
 * candidates: a client's (a VP8 video section, mid 0, and/or a data channel section, mid 1) and the
 * server's for a connection it sends on (ICE-lite, one section per forwarded track, then data).
 */
final class OfferBuilder {
  static final int VP8 = 96;
  static final String VIDEO_MID = "0";
  static final String DATA_MID = "1";
  /**
   * The header extension id the server's offers give transport-wide sequence numbers: Chromium's
   * own choice, so forwarded packets usually carry it already and only the value is rewritten.
   */
  static final int TRANSPORT_CC_ID = 3;
  /** The header extension id the server's offers give AV1's dependency descriptor (on AV1 sections). */
  static final int DEPENDENCY_DESCRIPTOR_ID = 12;

  private OfferBuilder() {}

  static SessionDescription build(String ufrag, String pwd, String fingerprint, List<InetSocketAddress> candidates,
                                  long videoSsrc, boolean data) {
    List<SdpLine> session = new ArrayList<>(List.of(new SdpLine('v', "0"),
        new SdpLine('o', "osprey " + Math.abs(ufrag.hashCode()) + " 2 IN IP4 127.0.0.1"), new SdpLine('s', "-"),
        new SdpLine('t', "0 0")));
    List<String> bundle = new ArrayList<>();
    List<MediaDescription> media = new ArrayList<>();
    if (videoSsrc != 0) {
      bundle.add(VIDEO_MID);
      List<SdpLine> l = common(ufrag, pwd, fingerprint, VIDEO_MID);
      l.add(SdpLine.attribute("sendrecv", null));
      l.add(SdpLine.attribute("msid", "osprey osprey-" + VIDEO_MID));
      l.add(SdpLine.attribute("rtcp-mux", null));
      l.add(SdpLine.attribute("rtpmap", VP8 + " VP8/90000"));
      l.add(SdpLine.attribute("rtcp-fb", VP8 + " nack"));
      l.add(SdpLine.attribute("rtcp-fb", VP8 + " nack pli"));
      l.add(SdpLine.attribute("ssrc", videoSsrc + " cname:osprey"));
      candidates(l, candidates);
      media.add(new MediaDescription("video", 9, "UDP/TLS/RTP/SAVPF", List.of(Integer.toString(VP8)), l));
    }
    if (data) {
      bundle.add(DATA_MID);
      List<SdpLine> l = common(ufrag, pwd, fingerprint, DATA_MID);
      l.add(SdpLine.attribute("sctp-port", "5000"));
      l.add(SdpLine.attribute("max-message-size", "262144"));
      candidates(l, candidates);
      media.add(new MediaDescription("application", 9, "UDP/DTLS/SCTP", List.of("webrtc-datachannel"), l));
    }
    session.add(SdpLine.attribute("group", "BUNDLE " + String.join(" ", bundle)));
    session.add(SdpLine.attribute("msid-semantic", " WMS osprey"));
    return new SessionDescription(session, media);
  }

  /**
   * The server's offer: every section in {@code sections}, in order (inactive ones keep their mid
   * and carry nothing).
   */
  static SessionDescription server(String ufrag, String pwd, String fingerprint, List<InetSocketAddress> candidates,
                                   List<InetSocketAddress> tcpCandidates, long version, List<SendSection> sections) {
    List<SdpLine> session = new ArrayList<>(List.of(new SdpLine('v', "0"),
        new SdpLine('o', "osprey " + Math.abs(ufrag.hashCode()) + " " + version + " IN IP4 127.0.0.1"),
        new SdpLine('s', "-"), new SdpLine('t', "0 0")));
    session.add(SdpLine.attribute("ice-lite", null));
    session.add(SdpLine.attribute("extmap-allow-mixed", null)); // a forwarded dependency descriptor may need two bytes
    List<String> bundle = new ArrayList<>();
    List<MediaDescription> media = new ArrayList<>();
    boolean first = true;
    for (SendSection s : sections) {
      bundle.add(s.mid());
      List<SdpLine> l = common(ufrag, pwd, fingerprint, s.mid());
      if (first) { // candidates go in the first (bundle-tagged) section
        AnswerBuilder.addCandidates(l, candidates, tcpCandidates);
        first = false;
      }
      if (s.isData()) {
        l.add(SdpLine.attribute("sctp-port", "5000"));
        l.add(SdpLine.attribute("max-message-size", "262144"));
        media.add(new MediaDescription("application", 9, "UDP/DTLS/SCTP", List.of("webrtc-datachannel"), l));
        continue;
      }
      RtpCodec c = s.codec();
      l.add(SdpLine.attribute(s.active() ? "sendonly" : "inactive", null));
      if (s.active()) {
        l.add(SdpLine.attribute("msid", s.streamId() + " " + s.trackId()));
      }
      l.add(SdpLine.attribute("rtcp-mux", null));
      l.add(SdpLine.attribute("rtpmap", c.rtpmap()));
      l.add(SdpLine.attribute("extmap", TRANSPORT_CC_ID + " " + RtpExtensions.TRANSPORT_CC));
      if (c.name().equalsIgnoreCase("AV1")) {
        l.add(SdpLine.attribute("extmap", DEPENDENCY_DESCRIPTOR_ID + " " + RtpExtensions.DEPENDENCY_DESCRIPTOR));
      }
      for (String fb : c.feedback()) {
        if (!fb.equals("goog-remb")) { // the downstream estimate runs on transport-cc feedback
          l.add(SdpLine.attribute("rtcp-fb", c.payloadType() + " " + fb));
        }
      }
      if (!c.feedback().contains("transport-cc")) {
        l.add(SdpLine.attribute("rtcp-fb", c.payloadType() + " transport-cc"));
      }
      if (!c.fmtp().isEmpty()) {
        l.add(SdpLine.attribute("fmtp", c.payloadType() + " " + c.fmtp()));
      }
      List<String> formats = new ArrayList<>(List.of(Integer.toString(c.payloadType())));
      SendSection.Repair repair = s.repair();
      if (repair != null) {
        formats.add(Integer.toString(repair.payloadType()));
        repairLines(l, c, repair, s.active(), s.ssrc());
      }
      if (s.active()) {
        ssrcLines(l, s.ssrc(), s.streamId(), s.trackId());
        if (repair != null) {
          ssrcLines(l, repair.ssrc(), s.streamId(), s.trackId());
        }
      }
      media.add(new MediaDescription(s.kind(), 9, "UDP/TLS/RTP/SAVPF", formats, l));
    }
    session.add(SdpLine.attribute("group", "BUNDLE " + String.join(" ", bundle)));
    session.add(SdpLine.attribute("msid-semantic", " WMS *"));
    return new SessionDescription(session, media);
  }

  /**
   * A client's offer (full ICE, DTLS actpass): every section in {@code sections}, in order, all
   * bundled, host candidates in each.
   */
  static SessionDescription client(String ufrag, String pwd, String fingerprint, List<InetSocketAddress> candidates,
                                   long version, List<OfferSection> sections) {
    List<SdpLine> session = new ArrayList<>(List.of(new SdpLine('v', "0"),
        new SdpLine('o', "osprey " + Math.abs(ufrag.hashCode()) + " " + version + " IN IP4 127.0.0.1"),
        new SdpLine('s', "-"), new SdpLine('t', "0 0")));
    List<String> bundle = new ArrayList<>();
    List<MediaDescription> media = new ArrayList<>();
    for (OfferSection s : sections) {
      bundle.add(s.mid());
      List<SdpLine> l = common(ufrag, pwd, fingerprint, s.mid());
      if (s.isData()) {
        l.add(SdpLine.attribute("sctp-port", "5000"));
        l.add(SdpLine.attribute("max-message-size", "262144"));
        candidates(l, candidates);
        media.add(new MediaDescription("application", 9, "UDP/DTLS/SCTP", List.of("webrtc-datachannel"), l));
        continue;
      }
      l.add(SdpLine.attribute("extmap", "1 " + RtpExtensions.MID));
      l.add(SdpLine.attribute(s.direction(), null));
      if (s.sending()) {
        l.add(SdpLine.attribute("msid", s.streamId() + " " + s.trackId()));
      }
      l.add(SdpLine.attribute("rtcp-mux", null));
      List<String> formats = new ArrayList<>();
      for (RtpCodec c : s.codecs()) {
        formats.add(Integer.toString(c.payloadType()));
        l.add(SdpLine.attribute("rtpmap", c.rtpmap()));
        for (String fb : c.feedback()) {
          if (!fb.equals("transport-cc") && !fb.equals("goog-remb")) { // no congestion feedback runs here
            l.add(SdpLine.attribute("rtcp-fb", c.payloadType() + " " + fb));
          }
        }
        if (!c.fmtp().isEmpty()) {
          l.add(SdpLine.attribute("fmtp", c.payloadType() + " " + c.fmtp()));
        }
      }
      if (s.sending()) {
        l.add(SdpLine.attribute("ssrc", s.ssrc() + " cname:" + s.streamId()));
        l.add(SdpLine.attribute("ssrc", s.ssrc() + " msid:" + s.streamId() + " " + s.trackId()));
      }
      candidates(l, candidates);
      media.add(new MediaDescription(s.kind(), 9, "UDP/TLS/RTP/SAVPF", formats, l));
    }
    session.add(SdpLine.attribute("group", "BUNDLE " + String.join(" ", bundle)));
    session.add(SdpLine.attribute("msid-semantic", " WMS *"));
    return new SessionDescription(session, media);
  }

  /** RFC 4588 §8.6: the RTX format for {@code codec}, and on an active section its SSRC grouped with the primary one. */
  static void repairLines(List<SdpLine> l, RtpCodec codec, SendSection.Repair repair, boolean active, long primarySsrc) {
    l.add(SdpLine.attribute("rtpmap", repair.payloadType() + " rtx/" + codec.clockRate()));
    l.add(SdpLine.attribute("fmtp", repair.payloadType() + " apt=" + codec.payloadType()));
    if (active) {
      l.add(SdpLine.attribute("ssrc-group", "FID " + primarySsrc + " " + repair.ssrc()));
    }
  }

  static void ssrcLines(List<SdpLine> l, long ssrc, String streamId, String trackId) {
    l.add(SdpLine.attribute("ssrc", ssrc + " cname:" + streamId));
    l.add(SdpLine.attribute("ssrc", ssrc + " msid:" + streamId + " " + trackId));
  }

  private static List<SdpLine> common(String ufrag, String pwd, String fingerprint, String mid) {
    return new ArrayList<>(List.of(new SdpLine('c', "IN IP4 0.0.0.0"), SdpLine.attribute("ice-ufrag", ufrag),
        SdpLine.attribute("ice-pwd", pwd), SdpLine.attribute("fingerprint", "sha-256 " + fingerprint),
        SdpLine.attribute("setup", "actpass"), SdpLine.attribute("mid", mid)));
  }

  private static void candidates(List<SdpLine> lines, List<InetSocketAddress> candidates) {
    int foundation = 1;
    for (InetSocketAddress c : candidates) {
      lines.add(SdpLine.attribute("candidate", (foundation++) + " 1 udp 2130706431 "
          + c.getAddress().getHostAddress() + " " + c.getPort() + " typ host"));
    }
    lines.add(SdpLine.attribute("end-of-candidates", null));
  }
}
