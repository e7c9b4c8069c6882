package io.osprey.transport.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.osprey.transport.dtls.DtlsCertificate;
import io.osprey.transport.session.PeerSession;
import io.osprey.wire.sdp.SessionDescription;
import io.osprey.wire.stun.StunAttributes;
import io.osprey.wire.stun.StunClass;
import io.osprey.wire.stun.StunMessage;
import io.osprey.wire.stun.StunMessageBuilder;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** ICE-TCP (RFC 6544 passive, RFC 4571 framing) on the mux, over a real loopback connection. */
class UdpMuxTcpTest {
  @Test
  void answersAFramedIceCheckOverTcpOnTheSameConnection() throws Exception {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try (UdpMux mux = new UdpMux(group, NioDatagramChannel.class, new InetSocketAddress("127.0.0.1", 0))) {
      InetSocketAddress tcp = mux.listenTcp(NioServerSocketChannel.class, new InetSocketAddress("127.0.0.1", 0));
      DtlsCertificate cert = DtlsCertificate.generate();
      PeerSession client = new PeerSession(new PeerSession.Config(cert, List.of(new InetSocketAddress("127.0.0.1", 9)),
          false, true));
      PeerSession server = new PeerSession(new PeerSession.Config(cert, List.of(mux.localAddress()), false, false,
          List.of(tcp)));
      String offer = client.createOffer(false, true);
      SessionDescription answer = SessionDescription.parse(server.handleOffer(offer, System.nanoTime()));
      String serverPwd = answer.attribute(answer.media().get(0), "ice-pwd").orElseThrow();
      assertThat(answer.media().get(0).attributes("candidate"))
          .anySatisfy(c -> assertThat(c).endsWith(tcp.getPort() + " typ host tcptype passive"));
      String clientUfrag = SessionDescription.parse(offer).attribute(SessionDescription.parse(offer).media().get(0), "ice-ufrag")
          .orElseThrow();
      mux.register(server, (s, out) -> { });

      try (Socket socket = new Socket()) {
        socket.connect(tcp, 2000);
        socket.setSoTimeout(5000);
        byte[] transaction = new byte[12];
        transaction[0] = 7;
        byte[] check = new StunMessageBuilder(StunClass.REQUEST, StunAttributes.BINDING, transaction)
            .username(server.localUfrag() + ":" + clientUfrag).priority(1).iceControlling(5).useCandidate()
            .build(serverPwd.getBytes(StandardCharsets.UTF_8), true);
        DataOutputStream out = new DataOutputStream(socket.getOutputStream());
        out.writeShort(check.length);
        out.write(check);
        out.flush();

        DataInputStream in = new DataInputStream(socket.getInputStream());
        int length = in.readUnsignedShort();
        byte[] response = in.readNBytes(length);
        StunMessage m = StunMessage.parse(response, 0, response.length);
        assertThat(m.stunClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
        assertThat(m.hasTransactionId(transaction)).isTrue();
        assertThat(m.verifyIntegrity(serverPwd.getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(m.xorMappedAddress()).isEqualTo(socket.getLocalSocketAddress());
      }
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }
}
