package io.osprey.e2e.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Value;
import com.sun.net.httpserver.HttpServer;
import io.osprey.e2e.NodeScripts;
import io.osprey.protocol.json.ProtoJson;
import io.osprey.transport.dtls.DtlsCertificate;
import io.osprey.transport.io.NativeTransport;
import io.osprey.transport.io.UdpMux;
import io.osprey.transport.session.PeerOutput;
import io.osprey.transport.session.PeerSession;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Headless Chromium's own RTCPeerConnection connects to Osprey's transport on loopback: ICE-lite,
 * DTLS, SRTP, SCTP. The page sends its fake camera; the endpoint sends every VP8 packet straight
 * back under its own SSRC and the page must decode the echoed video; the page's data channel
 * message must come back over the same association.
 */
class BrowserEchoTest {

  @Test
  void chromiumDecodesItsOwnCameraEchoedThroughOsprey() throws Exception {
    NativeTransport transport = NativeTransport.detect(); // epoll with recvmmsg on Linux
    var group = transport.newGroup(1);
    HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    AtomicInteger echoed = new AtomicInteger();
    AtomicInteger keyFrameRequests = new AtomicInteger();
    CompletableFuture<Boolean> connected = new CompletableFuture<>();
    try (UdpMux mux = new UdpMux(group, transport, new InetSocketAddress("127.0.0.1", 0))) {
      DtlsCertificate certificate = DtlsCertificate.generate();
      byte[] page = Files.readAllBytes(NodeScripts.jsDir().resolve("transport/echo.html"));
      http.createContext("/", exchange -> {
        exchange.getResponseHeaders().set("Content-Type", "text/html");
        exchange.sendResponseHeaders(200, page.length);
        exchange.getResponseBody().write(page);
        exchange.close();
      });
      http.createContext("/offer", exchange -> {
        String offer = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        PeerSession session = new PeerSession(new PeerSession.Config(certificate, List.of(mux.localAddress()), false));
        byte[] answer;
        try {
          answer = session.handleOffer(offer, System.nanoTime()).getBytes(StandardCharsets.UTF_8);
        } catch (Exception e) {
          byte[] msg = e.toString().getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(400, msg.length);
          exchange.getResponseBody().write(msg);
          exchange.close();
          return;
        }
        long ssrc = session.ssrc("0");
        long[] publisherSsrc = new long[1];
        mux.register(session, (s, out) -> {
          switch (out) {
            case PeerOutput.Connected c -> connected.complete(true);
            case PeerOutput.DataReceived d -> s.sendText(d.streamId(), d.binary() ? "binary" : new String(d.data(),
                StandardCharsets.UTF_8), System.nanoTime());
            case PeerOutput.RtcpReceived r -> {
              // The page's receiver asks for key frames (PLI/FIR); ask the page's sender, as an SFU does.
              byte[] c = r.packet();
              for (int pos = 0; pos + 12 <= c.length; pos += 4 + 4 * (((c[pos + 2] & 0xff) << 8) | (c[pos + 3] & 0xff))) {
                int type = c[pos + 1] & 0xff;
                int fmt = c[pos] & 0x1f;
                if (type == 206 && (fmt == 1 || fmt == 4) && publisherSsrc[0] != 0) {
                  int len = 4 + 4 * (((c[pos + 2] & 0xff) << 8) | (c[pos + 3] & 0xff));
                  byte[] pli = java.util.Arrays.copyOfRange(c, pos, pos + len + 32);
                  int at = fmt == 1 ? 8 : 12;
                  long from = publisherSsrc[0];
                  pli[at] = (byte) (from >> 24);
                  pli[at + 1] = (byte) (from >> 16);
                  pli[at + 2] = (byte) (from >> 8);
                  pli[at + 3] = (byte) from;
                  if (s.sendRtcp(pli, 0, len)) {
                    keyFrameRequests.incrementAndGet();
                  }
                }
              }
            }
            case PeerOutput.RtpReceived r -> {
              byte[] p = r.packet();
              publisherSsrc[0] = ((p[8] & 0xffL) << 24) | ((p[9] & 0xff) << 16) | ((p[10] & 0xff) << 8) | (p[11] & 0xff);
              byte[] echo = java.util.Arrays.copyOf(p, p.length + 16);
              echo[8] = (byte) (ssrc >> 24);
              echo[9] = (byte) (ssrc >> 16);
              echo[10] = (byte) (ssrc >> 8);
              echo[11] = (byte) ssrc;
              if (s.sendRtp(echo, 0, p.length)) {
                echoed.incrementAndGet();
              }
            }
            default -> { }
          }
        });
        exchange.sendResponseHeaders(200, answer.length);
        exchange.getResponseBody().write(answer);
        exchange.close();
      });
      http.start();
      String url = "http://127.0.0.1:" + http.getAddress().getPort() + "/";

      Map<String, Value> report = ProtoJson.parseObject(NodeScripts.run("transport/echo.mjs", 90, url)).getFieldsMap();

      System.out.println("echoed " + echoed.get() + " packets, forwarded " + keyFrameRequests.get() + " key frame requests");
      assertThat(report).as("%s", report).doesNotContainKey("error");
      assertThat(connected.get(1, TimeUnit.SECONDS)).isTrue();
      assertThat(report.get("ice").getStringValue()).as("%s", report).isIn("connected", "completed");
      assertThat(report.get("connection").getStringValue()).as("%s", report).isEqualTo("connected");
      assertThat(echoed.get()).isPositive();
      assertThat(report.get("packetsReceived").getNumberValue()).as("%s", report).isPositive();
      assertThat(report.get("framesDecoded").getNumberValue()).as("%s", report).isGreaterThan(0);
      assertThat(report.get("dataEcho").getStringValue()).as("%s", report).isEqualTo("ping over sctp");
    } finally {
      http.stop(0);
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }
}
