package io.osprey.transport.session;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.osprey.transport.dtls.DtlsCertificate;
import io.osprey.wire.sdp.SdpFormatException;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Offers and answers come from any signalling client: a server session must answer, or refuse
 * with SdpFormatException, and never throw anything else (the signal loop would lose the room).
 */
class OfferFuzzTest {
  private static final DtlsCertificate CERTIFICATE = DtlsCertificate.generate();
  private static final List<InetSocketAddress> HOST = List.of(new InetSocketAddress("127.0.0.1", 7882));

  @FuzzTest(maxDuration = "10s")
  void offerAndAnswer(String sdp) {
    PeerSession publisher = new PeerSession(new PeerSession.Config(CERTIFICATE, HOST, false));
    try {
      publisher.handleOffer(sdp, 0);
    } catch (SdpFormatException expected) {
      // refused with a reason
    } finally {
      publisher.close();
    }
    PeerSession subscriber = new PeerSession(new PeerSession.Config(CERTIFICATE, HOST, false));
    try {
      subscriber.createServerOffer(List.of(SendSection.data("0")));
      subscriber.handleAnswer(sdp, 0);
    } catch (SdpFormatException expected) {
      // refused with a reason
    } finally {
      subscriber.close();
    }
  }
}
