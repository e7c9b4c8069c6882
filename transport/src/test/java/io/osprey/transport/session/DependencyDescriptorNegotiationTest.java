package io.osprey.transport.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.osprey.transport.dtls.DtlsCertificate;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * AV1's dependency descriptor is negotiated on AV1 sections only (a subscriber assembles scalable
 * AV1 by it; VP8 simulcast must not carry a publisher's descriptor across layer switches), with
 * the two-byte header form allowed ({@code a=extmap-allow-mixed}) for the key frames' long ones.
 */
class DependencyDescriptorNegotiationTest {
  private static final InetSocketAddress HOST = new InetSocketAddress("127.0.0.1", 7882);
  private static DtlsCertificate certificate;

  @BeforeAll
  static void certificate() throws Exception {
    certificate = DtlsCertificate.generate();
  }

  private static PeerSession server() {
    return new PeerSession(new PeerSession.Config(certificate, List.of(HOST), false));
  }

  /** A browser's offer: an AV1 section (mid 0) and a VP8 one (mid 1), both offering the descriptor as id 11. */
  private static String offer() {
    String transport = String.join("\r\n", "c=IN IP4 0.0.0.0", "a=ice-ufrag:abcd", "a=ice-pwd:abcdefghijklmnopqrstuvwx",
        "a=fingerprint:sha-256 " + certificate.fingerprint(), "a=setup:actpass");
    String dd = "a=extmap:11 " + RtpExtensions.DEPENDENCY_DESCRIPTOR;
    String tcc = "a=extmap:3 " + RtpExtensions.TRANSPORT_CC;
    return String.join("\r\n", "v=0", "o=- 1 2 IN IP4 127.0.0.1", "s=-", "t=0 0", "a=group:BUNDLE 0 1",
        "a=extmap-allow-mixed",
        "m=video 9 UDP/TLS/RTP/SAVPF 45", transport, "a=mid:0", tcc, dd, "a=sendonly", "a=msid:s a", "a=rtcp-mux",
        "a=rtpmap:45 AV1/90000",
        "m=video 9 UDP/TLS/RTP/SAVPF 96", transport, "a=mid:1", tcc, dd, "a=sendonly", "a=msid:s b", "a=rtcp-mux",
        "a=rtpmap:96 VP8/90000", "") + "\r\n";
  }

  @Test
  void anAnswerTakesTheDescriptorOnAv1SectionsOnlyAndAllowsTwoByteHeaders() throws Exception {
    PeerSession server = server();
    String answer = server.handleOffer(offer(), 0);

    assertThat(answer).contains("a=extmap-allow-mixed\r\n");
    String av1 = answer.substring(answer.indexOf("a=mid:0"), answer.indexOf("m=video", answer.indexOf("a=mid:0")));
    String vp8 = answer.substring(answer.indexOf("a=mid:1"));
    assertThat(av1).contains("a=extmap:11 " + RtpExtensions.DEPENDENCY_DESCRIPTOR, "a=extmap:3 ");
    assertThat(vp8).doesNotContain(RtpExtensions.DEPENDENCY_DESCRIPTOR).contains("a=extmap:3 ");
    assertThat(server.remoteExtensionId(RtpExtensions.DEPENDENCY_DESCRIPTOR)).isEqualTo(11);
  }

  @Test
  void aServerOfferGivesAv1SectionsTheDescriptorUnderItsOwnId() {
    PeerSession server = server();
    String offer = server.createServerOffer(List.of(SendSection.data("0"),
        new SendSection("1", "video", RtpCodec.AV1, 1, "PA_a|TR_a", "TR_a", true),
        new SendSection("2", "video", RtpCodec.VP8, 2, "PA_a|TR_b", "TR_b", true)));

    assertThat(offer).contains("a=extmap-allow-mixed\r\n");
    String av1 = offer.substring(offer.indexOf("a=mid:1"), offer.indexOf("a=mid:2"));
    assertThat(av1).contains("a=extmap:" + OfferBuilder.DEPENDENCY_DESCRIPTOR_ID + " "
        + RtpExtensions.DEPENDENCY_DESCRIPTOR);
    assertThat(offer.substring(offer.indexOf("a=mid:2"))).doesNotContain(RtpExtensions.DEPENDENCY_DESCRIPTOR);
    assertThat(server.sendExtensionId(RtpExtensions.DEPENDENCY_DESCRIPTOR))
        .isEqualTo(OfferBuilder.DEPENDENCY_DESCRIPTOR_ID);
    assertThat(server.sendTransportCcId()).isEqualTo(OfferBuilder.TRANSPORT_CC_ID);
  }
}
