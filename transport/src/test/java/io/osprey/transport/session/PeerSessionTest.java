package io.osprey.transport.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.osprey.testkit.Datagram;
import io.osprey.testkit.LinkConditions;
import io.osprey.testkit.NetSim;
import io.osprey.testkit.SimPeer;
import io.osprey.testkit.VirtualTimeDriver;
import io.osprey.transport.dtls.DtlsCertificate;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Two Osprey peer sessions, client role against server role, over a simulated network with loss
 * and reordering: offer/answer, ICE, DTLS, SRTP media both ways, and 10 MB over a data channel.
 */
class PeerSessionTest {
  private static final long MS = 1_000_000;
  private static final InetSocketAddress SERVER = new InetSocketAddress("10.0.0.1", 7882);
  private static final InetSocketAddress CLIENT = new InetSocketAddress("10.0.0.2", 50000);

  /** A session as the driver sees it, recording what came out. */
  private static final class Node implements SimPeer {
    final PeerSession session;
    final InetSocketAddress address;
    final List<Datagram> out = new ArrayList<>();
    final List<byte[]> rtp = new ArrayList<>();
    final List<PeerOutput.DataReceived> data = new ArrayList<>();
    int openedStream = -1;
    boolean connected;
    String closed;

    Node(PeerSession session, InetSocketAddress address) {
      this.session = session;
      this.address = address;
    }

    void drain() {
      for (PeerOutput o; (o = session.poll()) != null; ) {
        switch (o) {
          case PeerOutput.Transmit t -> out.add(new Datagram(t.local() == null ? address : t.local(), t.remote(), t.data()));
          case PeerOutput.Connected c -> connected = true;
          case PeerOutput.RtpReceived r -> rtp.add(r.packet());
          case PeerOutput.DataChannelOpened d -> openedStream = d.streamId();
          case PeerOutput.DataReceived d -> data.add(d);
          case PeerOutput.Closed c -> closed = c.reason();
          case PeerOutput.RtcpReceived r -> { }
        }
      }
    }

    @Override public List<InetSocketAddress> addresses() { return List.of(address); }
    @Override public void handleDatagram(Datagram d, long now) {
      session.handleDatagram(d.destination(), d.source(), d.payload(), 0, d.payload().length, now);
    }
    @Override public void handleTimeout(long now) { session.handleTimeout(now); }
    @Override public List<Datagram> pollTransmits(long now) {
      drain();
      List<Datagram> copy = List.copyOf(out);
      out.clear();
      return copy;
    }
    @Override public long nextDeadlineNanos() { return session.nextDeadlineNanos(); }
  }

  /** The ice-ufrag an SDP carries (every section of ours carries the same). */
  private static String ufrag(String sdp) {
    return sdp.lines().filter(l -> l.startsWith("a=ice-ufrag:")).findFirst().orElseThrow().substring(12);
  }

  private static byte[] rtp(long ssrc, int seq, int size) {
    byte[] p = new byte[12 + size + 16]; // header, payload, room for the SRTP tag
    p[0] = (byte) 0x80;
    p[1] = 96;
    p[2] = (byte) (seq >> 8);
    p[3] = (byte) seq;
    p[8] = (byte) (ssrc >> 24);
    p[9] = (byte) (ssrc >> 16);
    p[10] = (byte) (ssrc >> 8);
    p[11] = (byte) ssrc;
    p[12] = (byte) seq;
    return p;
  }

  @Test
  void connectsAndCarriesMediaBothWaysAndTenMegabytesOfDataThroughLoss() throws Exception {
    DtlsCertificate serverCert = DtlsCertificate.generate();
    DtlsCertificate clientCert = DtlsCertificate.generate();
    Node server = new Node(new PeerSession(new PeerSession.Config(serverCert, List.of(SERVER), false)), SERVER);
    Node client = new Node(new PeerSession(new PeerSession.Config(clientCert, List.of(CLIENT), false, true)), CLIENT);

    String offer = client.session.createOffer(true, true);
    String answer = server.session.handleOffer(offer, 0);
    client.session.handleAnswer(answer);

    LinkConditions lossy = LinkConditions.perfect().withDelay(15 * MS, 5 * MS).withLoss(0.05).withReorder(0.05);
    VirtualTimeDriver d = new VirtualTimeDriver(new NetSim(11, lossy), 0).add(server).add(client);
    assertThat(d.runUntil(() -> server.connected && client.connected, 120_000 * MS))
        .as("client %s, server %s", client.closed, server.closed).isTrue();

    // Media both ways: sent minus what the network dropped arrives, intact.
    long clientSsrc = client.session.ssrc("0");
    long serverSsrc = server.session.ssrc("0");
    for (int i = 0; i < 200; i++) {
      client.session.sendRtp(rtp(clientSsrc, i, 1000), 0, 1012);
      server.session.sendRtp(rtp(serverSsrc, i, 1000), 0, 1012);
      d.advance(20 * MS);
    }
    d.advance(200 * MS);
    assertThat(server.rtp.size()).isBetween(170, 200);
    assertThat(client.rtp.size()).isBetween(170, 200);
    assertThat(server.rtp.get(0)).hasSize(1012);
    assertThat(server.rtp.get(5)[12]).isEqualTo(server.rtp.get(5)[3]); // payload byte matches its seq

    // Data channel: 10 MB, reliable and ordered, through the same loss.
    int stream = client.session.openDataChannel("bulk", true, d.nowNanos());
    d.flush();
    assertThat(d.runUntil(() -> server.openedStream == stream, 30_000 * MS)).isTrue();
    int messages = 640;
    for (int i = 0; i < messages; i++) {
      byte[] m = new byte[16 * 1024];
      m[0] = (byte) (i >> 8);
      m[1] = (byte) i;
      client.session.sendBinary(stream, m, d.nowNanos());
    }
    d.flush();
    assertThat(d.runUntil(() -> server.data.size() == messages, 900_000 * MS))
        .as("received %d", server.data.size()).isTrue();
    for (int i = 0; i < messages; i++) {
      byte[] m = server.data.get(i).data();
      assertThat(((m[0] & 0xff) << 8) | (m[1] & 0xff)).isEqualTo(i);
    }
    assertThat(d.net().droppedCount()).isPositive();
    assertThat(server.session.nextDeadlineNanos()).as("an established association keeps a heartbeat due")
        .isLessThan(Long.MAX_VALUE);
    server.session.close();
    client.session.close();
    // closed, nothing would advance those deadlines: an I/O loop must not be asked to wait for them
    assertThat(server.session.nextDeadlineNanos()).isEqualTo(Long.MAX_VALUE);
    assertThat(client.session.nextDeadlineNanos()).isEqualTo(Long.MAX_VALUE);
  }

  /**
   * With a media sink (the server's UDP mux), protected media goes straight to it, from the
   * caller's buffer, and nothing is queued for {@link PeerSession#poll()}; the peer decrypts it as
   * it would a queued copy.
   */
  @Test
  void mediaGoesThroughTheSinkWhenOneIsSetAndNothingIsQueued() throws Exception {
    Node server = new Node(new PeerSession(new PeerSession.Config(DtlsCertificate.generate(), List.of(SERVER), false)),
        SERVER);
    Node client = new Node(new PeerSession(new PeerSession.Config(DtlsCertificate.generate(), List.of(CLIENT), false,
        true)), CLIENT);
    client.session.handleAnswer(server.session.handleOffer(client.session.createOffer(true, true), 0));
    VirtualTimeDriver d = new VirtualTimeDriver(new NetSim(3, LinkConditions.perfect().withDelay(5 * MS, 0)), 0)
        .add(server).add(client);
    assertThat(d.runUntil(() -> server.connected && client.connected, 30_000 * MS)).isTrue();

    List<InetSocketAddress> locals = new ArrayList<>();
    server.session.setMediaSink((local, remote, data, off, len) -> {
      locals.add(local);
      server.out.add(new Datagram(local == null ? SERVER : local, remote, java.util.Arrays.copyOfRange(data, off, off + len)));
    });
    long ssrc = server.session.ssrc("0");
    for (int i = 0; i < 20; i++) {
      byte[] packet = rtp(ssrc, i, 800);
      assertThat(server.session.sendRtp(packet, 0, 812)).isTrue();
      assertThat(server.session.hasOutput()).as("no queued copy").isFalse();
      d.advance(20 * MS);
    }
    d.advance(100 * MS);
    assertThat(locals).hasSize(20);
    assertThat(client.rtp).hasSize(20);
    assertThat(client.rtp.get(7)).hasSize(812);
    assertThat(client.rtp.get(7)[12]).isEqualTo((byte) 7);
  }

  /**
   * A resume (LiveKit's reconnect after the signal connection dropped): the path dies long enough
   * for the server to see ICE disconnected, comes back, and an ICE restart offered by the client
   * recovers the same connection: new credentials both ways, DTLS and SCTP kept, media and data
   * flowing again, and checks with the old credentials refused.
   */
  @Test
  void anIceRestartRecoversTheConnectionAfterThePathDied() throws Exception {
    Node server = new Node(new PeerSession(new PeerSession.Config(DtlsCertificate.generate(), List.of(SERVER), false)),
        SERVER);
    Node client = new Node(new PeerSession(new PeerSession.Config(DtlsCertificate.generate(), List.of(CLIENT), false,
        true)), CLIENT);
    long clientSsrc = 0x1234;
    List<OfferSection> sections = List.of(OfferSection.data("0"),
        OfferSection.send("1", "video", RtpCodec.VP8, clientSsrc, "stream", "track"));
    String offer = client.session.createClientOffer(sections);
    String answer = server.session.handleOffer(offer, 0);
    client.session.handleAnswer(answer, 0);
    NetSim net = new NetSim(5, LinkConditions.perfect().withDelay(10 * MS, 2 * MS).withLoss(0.02));
    VirtualTimeDriver d = new VirtualTimeDriver(net, 0).add(server).add(client);
    assertThat(d.runUntil(() -> server.connected && client.connected, 60_000 * MS)).isTrue();
    int stream = client.session.openDataChannel("chat", true, d.nowNanos());
    d.flush();
    assertThat(d.runUntil(() -> server.openedStream == stream, 10_000 * MS)).isTrue();

    // the path dies: the server's consent times out to disconnected, not yet failed
    net.setPath(SERVER, CLIENT, LinkConditions.perfect().withLoss(1.0));
    client.session.sendBinary(stream, new byte[] {1}, d.nowNanos()); // sent into the dead path
    d.advance(11_000 * MS);
    assertThat(server.session.iceState()).isEqualTo(io.osprey.transport.ice.IceState.DISCONNECTED);
    net.setPath(SERVER, CLIENT, LinkConditions.perfect().withDelay(10 * MS, 2 * MS).withLoss(0.02));

    String oldServerUfrag = server.session.localUfrag();
    String restartOffer = client.session.createClientOffer(sections, true);
    assertThat(ufrag(restartOffer)).isNotEqualTo(ufrag(offer));
    String restartAnswer = server.session.handleOffer(restartOffer, d.nowNanos());
    assertThat(server.session.localUfrag()).isNotEqualTo(oldServerUfrag).isEqualTo(ufrag(restartAnswer));
    client.session.handleAnswer(restartAnswer, d.nowNanos());
    d.flush();
    assertThat(d.runUntil(() -> server.session.iceState() == io.osprey.transport.ice.IceState.CONNECTED
        && client.session.iceState() == io.osprey.transport.ice.IceState.CONNECTED, 10_000 * MS)).isTrue();

    // the same DTLS and SCTP carry on: the message sent into the dead path is retransmitted, then more
    client.session.sendBinary(stream, new byte[] {2}, d.nowNanos());
    d.flush();
    assertThat(d.runUntil(() -> server.data.size() == 2, 30_000 * MS)).as("data after the restart").isTrue();
    assertThat(server.data).extracting(m -> m.data()[0]).containsExactly((byte) 1, (byte) 2);
    int before = server.rtp.size();
    for (int i = 0; i < 100; i++) {
      client.session.sendRtp(rtp(clientSsrc, 1000 + i, 500), 0, 512);
      d.advance(20 * MS);
    }
    assertThat(server.rtp.size() - before).isBetween(90, 100);
    assertThat(server.closed).isNull();
    assertThat(client.closed).isNull();
    d.advance(30_000 * MS); // consent keeps both sides connected on the new credentials
    assertThat(server.session.iceState()).isEqualTo(io.osprey.transport.ice.IceState.CONNECTED);
    assertThat(client.session.iceState()).isEqualTo(io.osprey.transport.ice.IceState.CONNECTED);
  }
}
