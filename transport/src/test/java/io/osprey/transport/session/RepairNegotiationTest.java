package io.osprey.transport.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.osprey.transport.dtls.DtlsCertificate;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * RTX (RFC 4588) on the sections the server sends on: offered beside the codec with its SSRC in an
 * FID group, and used only when the peer's answer keeps it; answered when a peer's own offer lists
 * it for the codec chosen.
 */
class RepairNegotiationTest {
  private static final InetSocketAddress HOST = new InetSocketAddress("127.0.0.1", 7882);
  private static DtlsCertificate certificate;

  @BeforeAll
  static void certificate() throws Exception {
    certificate = DtlsCertificate.generate();
  }

  private static PeerSession server() {
    return new PeerSession(new PeerSession.Config(certificate, List.of(HOST), false));
  }

  private static final SendSection VIDEO = new SendSection("1", "video", RtpCodec.VP8, 1111, "PA_a|TR_v", "TR_v",
      true, new SendSection.Repair(97, 2222));

  /** A browser's answer to a server offer of one data section (mid 0) and {@link #VIDEO}, with the given video formats. */
  private static String answer(String formats, String extraLines) {
    return String.join("\r\n", "v=0", "o=- 1 2 IN IP4 127.0.0.1", "s=-", "t=0 0", "a=group:BUNDLE 0 1",
        "m=application 9 UDP/DTLS/SCTP webrtc-datachannel", "c=IN IP4 0.0.0.0", "a=ice-ufrag:abcd",
        "a=ice-pwd:abcdefghijklmnopqrstuvwx", "a=fingerprint:sha-256 " + certificate.fingerprint(),
        "a=setup:active", "a=mid:0", "a=sctp-port:5000",
        "m=video 9 UDP/TLS/RTP/SAVPF " + formats, "c=IN IP4 0.0.0.0", "a=ice-ufrag:abcd",
        "a=ice-pwd:abcdefghijklmnopqrstuvwx", "a=fingerprint:sha-256 " + certificate.fingerprint(),
        "a=setup:active", "a=mid:1", "a=recvonly", "a=rtcp-mux", "a=rtpmap:96 VP8/90000" + extraLines, "") + "\r\n";
  }

  @Test
  void aServerOfferCarriesTheRepairStreamGroupedWithTheTrack() {
    String offer = server().createServerOffer(List.of(SendSection.data("0"), VIDEO));

    assertThat(offer).contains("m=video 9 UDP/TLS/RTP/SAVPF 96 97\r\n", "a=rtpmap:97 rtx/90000\r\n",
        "a=fmtp:97 apt=96\r\n", "a=ssrc-group:FID 1111 2222\r\n", "a=ssrc:2222 cname:PA_a|TR_v\r\n",
        "a=ssrc:2222 msid:PA_a|TR_v TR_v\r\n");
    String inactive = server().createServerOffer(List.of(SendSection.data("0"), VIDEO.deactivate()));
    assertThat(inactive).as("an inactive section keeps its formats but announces no stream")
        .contains("m=video 9 UDP/TLS/RTP/SAVPF 96 97\r\n", "a=inactive").doesNotContain("ssrc");
  }

  @Test
  void theRepairStreamIsUsedOnlyWhenTheAnswerKeepsIt() throws Exception {
    PeerSession kept = server();
    kept.createServerOffer(List.of(SendSection.data("0"), VIDEO));
    kept.handleAnswer(answer("96 97", "\r\na=rtpmap:97 rtx/90000\r\na=fmtp:97 apt=96"), 0);
    assertThat(kept.repair("1")).isEqualTo(VIDEO.repair());

    PeerSession dropped = server();
    dropped.createServerOffer(List.of(SendSection.data("0"), VIDEO));
    dropped.handleAnswer(answer("96", ""), 0);
    assertThat(dropped.repair("1")).as("resends go on the primary stream").isNull();
    assertThat(dropped.repair("0")).isNull();
  }

  @Test
  void aPeersOfferOfRtxForTheChosenCodecIsAnsweredWithOurRepairStream() throws Exception {
    PeerSession client = new PeerSession(new PeerSession.Config(certificate, List.of(HOST), false, true));
    RtpCodec rtx = new RtpCodec(97, "rtx", 90000, 0, "apt=96", List.of());
    RtpCodec h264Rtx = new RtpCodec(103, "rtx", 90000, 0, "apt=102", List.of());
    String offer = client.createClientOffer(List.of(OfferSection.data("0"),
        OfferSection.receive("1", "video", List.of(RtpCodec.VP8, rtx, RtpCodec.H264, h264Rtx))));
    PeerSession server = server();
    server.setSendPlanner(offered -> {
      assertThat(offered.repairPayloadTypeFor(96)).isEqualTo(97);
      assertThat(offered.repairPayloadTypeFor(102)).isEqualTo(103);
      assertThat(offered.repairPayloadTypeFor(111)).isEqualTo(-1);
      return new SendSection(offered.mid(), "video", RtpCodec.VP8, 1111, "PA_a|TR_v", "TR_v", true,
          new SendSection.Repair(offered.repairPayloadTypeFor(96), 2222));
    });

    String answer = server.handleOffer(offer, 0);

    assertThat(answer).contains("m=video 9 UDP/TLS/RTP/SAVPF 96 97\r\n", "a=sendonly", "a=rtpmap:97 rtx/90000\r\n",
        "a=fmtp:97 apt=96\r\n", "a=ssrc-group:FID 1111 2222\r\n", "a=ssrc:2222 msid:PA_a|TR_v TR_v\r\n")
        .doesNotContain("a=rtpmap:103", "a=rtpmap:102");
    assertThat(server.repair("1")).isEqualTo(new SendSection.Repair(97, 2222));
  }
}
