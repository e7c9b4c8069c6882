package io.osprey.transport.sctp;

import static org.assertj.core.api.Assertions.assertThat;

import io.osprey.testkit.Datagram;
import io.osprey.testkit.LinkConditions;
import io.osprey.testkit.NetSim;
import io.osprey.testkit.SimPeer;
import io.osprey.testkit.VirtualTimeDriver;
import io.osprey.wire.sctp.SctpFormatException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Two associations over a simulated network in virtual time (datagrams carry SCTP packets directly). */
class SctpAssociationTest {
  private static final long MS = 1_000_000;
  private static final InetSocketAddress A = new InetSocketAddress("10.0.0.1", 5000);
  private static final InetSocketAddress B = new InetSocketAddress("10.0.0.2", 5000);

  /** Adapts an association (and optionally data channels) to the driver. */
  static final class Peer implements SimPeer {
    final SctpAssociation sctp;
    final InetSocketAddress self;
    final InetSocketAddress other;
    final List<Datagram> out = new ArrayList<>();
    final List<SctpOutput.Message> messages = new ArrayList<>();
    final List<SctpOutput> events = new ArrayList<>();
    DataChannels channels;
    final List<DataChannels.Event> channelEvents = new ArrayList<>();
    boolean connected;
    long receivedBytes;
    int malformed;
    int largestPacket;

    Peer(InetSocketAddress self, InetSocketAddress other, SctpAssociation.Config config, long seed) {
      this.sctp = new SctpAssociation(config, new SplittableRandom(seed));
      this.self = self;
      this.other = other;
    }

    void drain(long now) {
      for (SctpOutput o; (o = sctp.poll()) != null; ) {
        switch (o) {
          case SctpOutput.Transmit t -> {
            largestPacket = Math.max(largestPacket, t.packet().length);
            out.add(new Datagram(self, other, t.packet()));
          }
          case SctpOutput.Connected c -> connected = true;
          case SctpOutput.Message m -> {
            receivedBytes += m.payload().length;
            if (channels != null) {
              channels.handleMessage(m, now);
            } else {
              messages.add(m);
            }
          }
          default -> events.add(o);
        }
      }
      if (channels != null) {
        for (DataChannels.Event e; (e = channels.poll()) != null; ) {
          channelEvents.add(e);
        }
        for (SctpOutput o; (o = sctp.poll()) != null; ) {
          if (o instanceof SctpOutput.Transmit t) {
            out.add(new Datagram(self, other, t.packet()));
          }
        }
      }
    }

    @Override public List<InetSocketAddress> addresses() { return List.of(self); }
    @Override public void handleDatagram(Datagram d, long now) {
      try {
        sctp.handlePacket(d.payload(), 0, d.payload().length, now);
      } catch (SctpFormatException e) {
        malformed++;
      }
    }
    @Override public void handleTimeout(long now) { sctp.handleTimeout(now); }
    @Override public List<Datagram> pollTransmits(long now) {
      drain(now);
      List<Datagram> copy = List.copyOf(out);
      out.clear();
      return copy;
    }
    @Override public long nextDeadlineNanos() { return sctp.nextDeadlineNanos(); }
  }

  private static VirtualTimeDriver driver(LinkConditions conditions, long seed, Peer... peers) {
    VirtualTimeDriver d = new VirtualTimeDriver(new NetSim(seed, conditions), 0);
    for (Peer p : peers) {
      d.add(p);
    }
    return d;
  }

  @Test
  void handshakesFromOneSideAndFromBothAtOnce() {
    Peer a = new Peer(A, B, SctpAssociation.Config.defaults(), 1);
    Peer b = new Peer(B, A, SctpAssociation.Config.defaults(), 2);
    VirtualTimeDriver d = driver(LinkConditions.perfect().withDelay(10 * MS, 0), 1, a, b);
    a.sctp.connect(0);
    assertThat(d.runUntil(() -> a.connected && b.connected, 5_000 * MS)).isTrue();

    Peer c = new Peer(A, B, SctpAssociation.Config.defaults(), 3);
    Peer e = new Peer(B, A, SctpAssociation.Config.defaults(), 4);
    VirtualTimeDriver d2 = driver(LinkConditions.perfect().withDelay(10 * MS, 0), 2, c, e);
    c.sctp.connect(0);
    e.sctp.connect(0);
    assertThat(d2.runUntil(() -> c.connected && e.connected, 5_000 * MS)).isTrue();
  }

  /** A client opens its data channels as DTLS comes up, before the association does: nothing may wait forever. */
  @Test
  void messagesQueuedDuringTheHandshakeLeaveOnceItCompletes() {
    Peer a = new Peer(A, B, SctpAssociation.Config.defaults(), 11);
    Peer b = new Peer(B, A, SctpAssociation.Config.defaults(), 12);
    VirtualTimeDriver d = driver(LinkConditions.perfect().withDelay(10 * MS, 0), 11, a, b);
    a.sctp.connect(0);
    a.sctp.send(0, 51, "queued before COOKIE-ACK".getBytes(java.nio.charset.StandardCharsets.UTF_8), true, 0);
    assertThat(d.runUntil(() -> b.messages.size() == 1, 5_000 * MS)).isTrue();
    assertThat(new String(b.messages.get(0).payload(), java.nio.charset.StandardCharsets.UTF_8))
        .isEqualTo("queued before COOKIE-ACK");
  }

  /**
   * Thousands of small messages are bundled, but no packet may outgrow what one DTLS record of the
   * MTU carries (Bouncy Castle refuses a larger send with internal_error): padding counts too.
   */
  @Test
  void bundlesSmallMessagesWithinTheDtlsRecordLimit() {
    Peer a = new Peer(A, B, SctpAssociation.Config.defaults(), 13);
    Peer b = new Peer(B, A, SctpAssociation.Config.defaults(), 14);
    VirtualTimeDriver d = driver(LinkConditions.perfect().withDelay(10 * MS, 0), 13, a, b);
    a.sctp.connect(0);
    assertThat(d.runUntil(() -> a.connected && b.connected, 5_000 * MS)).isTrue();
    for (int i = 0; i < 5000; i++) {
      a.sctp.send(0, 53, new byte[61 + i % 7], true, d.nowNanos()); // lengths that need padding
    }
    assertThat(d.runUntil(() -> b.messages.size() == 5000, 60_000 * MS)).isTrue();
    assertThat(a.largestPacket).isLessThanOrEqualTo(1200 - SctpAssociation.DTLS_OVERHEAD);
  }

  @Test
  void delivers10MegabytesReliablyAndInOrderThroughLossAndReordering() {
    Peer a = new Peer(A, B, SctpAssociation.Config.defaults(), 5);
    Peer b = new Peer(B, A, SctpAssociation.Config.defaults(), 6);
    LinkConditions lossy = LinkConditions.perfect().withDelay(20 * MS, 5 * MS).withLoss(0.05).withReorder(0.05);
    VirtualTimeDriver d = driver(lossy, 5, a, b);
    a.sctp.connect(0);
    assertThat(d.runUntil(() -> a.connected && b.connected, 10_000 * MS)).isTrue();

    int messages = 640;
    int size = 16 * 1024;
    for (int i = 0; i < messages; i++) {
      byte[] m = new byte[size];
      m[0] = (byte) (i >> 8);
      m[1] = (byte) i;
      m[size - 1] = (byte) (i * 31);
      a.sctp.send(1, 53, m, true, d.nowNanos());
    }
    d.flush();
    assertThat(d.runUntil(() -> b.messages.size() == messages, 600_000 * MS)).as("delivered %d", b.messages.size()).isTrue();
    for (int i = 0; i < messages; i++) {
      byte[] m = b.messages.get(i).payload();
      assertThat(m).hasSize(size);
      assertThat(((m[0] & 0xff) << 8) | (m[1] & 0xff)).isEqualTo(i);
      assertThat(m[size - 1]).isEqualTo((byte) (i * 31));
    }
    assertThat(d.net().droppedCount()).isPositive();
  }

  /**
   * Partial reliability (RFC 3758): with no retransmissions allowed, what the network loses is
   * abandoned and skipped with FORWARD TSN; everything else arrives, nothing stalls, and a reliable
   * stream on the same association still gets every message in order.
   */
  @Test
  void abandonsLostMessagesOfAnUnreliableStreamWithoutStallingTheReliableOne() {
    Peer a = new Peer(A, B, SctpAssociation.Config.defaults(), 11);
    Peer b = new Peer(B, A, SctpAssociation.Config.defaults(), 12);
    LinkConditions lossy = LinkConditions.perfect().withDelay(20 * MS, 2 * MS).withLoss(0.10);
    VirtualTimeDriver d = driver(lossy, 11, a, b);
    a.sctp.connect(0);
    assertThat(d.runUntil(() -> a.connected && b.connected, 10_000 * MS)).isTrue();

    int messages = 400;
    for (int i = 0; i < messages; i++) {
      byte[] lossyMessage = new byte[] {(byte) (i >> 8), (byte) i, 1};
      a.sctp.send(2, 53, lossyMessage, false, 0, -1, d.nowNanos());
      byte[] reliable = new byte[] {(byte) (i >> 8), (byte) i, 2};
      a.sctp.send(1, 53, reliable, true, d.nowNanos());
      d.advance(5 * MS);
    }
    java.util.function.Supplier<List<Integer>> onStream = () -> b.messages.stream()
        .filter(m -> m.streamId() == 1).map(m -> ((m.payload()[0] & 0xff) << 8) | (m.payload()[1] & 0xff)).toList();
    assertThat(d.runUntil(() -> onStream.get().size() == messages, 120_000 * MS)).as("reliable delivered").isTrue();
    assertThat(onStream.get()).isSorted().doesNotHaveDuplicates();
    long unreliable = b.messages.stream().filter(m -> m.streamId() == 2).count();
    assertThat(b.messages.stream().filter(m -> m.streamId() == 2)
        .map(m -> ((m.payload()[0] & 0xff) << 8) | (m.payload()[1] & 0xff)).distinct().count())
        .as("no unordered message twice").isEqualTo(unreliable);
    assertThat(unreliable).as("lossy stream: most arrive, lost ones are not resent").isBetween(300L, (long) messages - 1);
    d.advance(5_000 * MS);
    assertThat(a.sctp.nextDeadlineNanos()).as("nothing left to retransmit or announce: only the idle heartbeat")
        .isGreaterThan(d.nowNanos() + 20_000 * MS);
  }

  /** Round trips are measured from SACKs (Karn's rule) and, on an idle path, from heartbeats. */
  @Test
  void measuresTheRoundTripFromAcksAndHeartbeats() {
    Peer a = new Peer(A, B, SctpAssociation.Config.defaults(), 21);
    Peer b = new Peer(B, A, SctpAssociation.Config.defaults(), 22);
    VirtualTimeDriver d = driver(LinkConditions.perfect().withDelay(40 * MS, 0), 21, a, b);
    a.sctp.connect(0);
    assertThat(d.runUntil(() -> a.connected && b.connected, 5_000 * MS)).isTrue();
    assertThat(a.sctp.smoothedRttNanos()).isEqualTo(-1);
    a.sctp.send(1, 53, new byte[100], true, d.nowNanos());
    d.flush();
    assertThat(d.runUntil(() -> b.messages.size() == 1, 5_000 * MS)).isTrue();
    d.advance(1_000 * MS);
    assertThat(a.sctp.smoothedRttNanos()).as("from the SACK").isBetween(80 * MS, 300 * MS);
    d.advance(40_000 * MS); // idle: b has sent nothing, so it probes with a heartbeat
    assertThat(b.sctp.smoothedRttNanos()).as("from b's heartbeat").isBetween(80 * MS, 81 * MS);
  }

  @Test
  void fragmentsAndReassemblesAMegabyteMessage() {
    SctpAssociation.Config big = new SctpAssociation.Config(5000, 1 << 21, 2 << 20, 1200, Duration.ofSeconds(1),
        Duration.ofSeconds(10), 10);
    Peer a = new Peer(A, B, big, 7);
    Peer b = new Peer(B, A, big, 8);
    VirtualTimeDriver d = driver(LinkConditions.perfect().withDelay(5 * MS, 0), 7, a, b);
    a.sctp.connect(0);
    d.runUntil(() -> a.connected && b.connected, 5_000 * MS);
    byte[] m = new byte[1 << 20];
    new SplittableRandom(9).nextBytes(m);
    a.sctp.send(3, 53, m, true, d.nowNanos());
    d.flush();
    assertThat(d.runUntil(() -> b.messages.size() == 1, 60_000 * MS)).isTrue();
    assertThat(b.messages.get(0).payload()).isEqualTo(m);
    assertThat(b.messages.get(0).streamId()).isEqualTo(3);
  }

  @Test
  void dropsAMessageOverTheBoundAndCarriesOn() {
    SctpAssociation.Config small = new SctpAssociation.Config(5000, 1 << 20, 10_000, 1200, Duration.ofSeconds(1),
        Duration.ofSeconds(10), 10);
    Peer a = new Peer(A, B, SctpAssociation.Config.defaults(), 10);
    Peer b = new Peer(B, A, small, 11);
    VirtualTimeDriver d = driver(LinkConditions.perfect(), 10, a, b);
    a.sctp.connect(0);
    d.runUntil(() -> a.connected && b.connected, 5_000 * MS);
    a.sctp.send(1, 53, new byte[50_000], true, d.nowNanos());
    a.sctp.send(1, 51, "after".getBytes(), true, d.nowNanos());
    d.flush();
    d.runUntil(() -> !b.messages.isEmpty(), 10_000 * MS);
    assertThat(b.events).anySatisfy(e -> assertThat(e).isInstanceOf(SctpOutput.MessageDropped.class));
    assertThat(b.messages).singleElement().satisfies(m -> assertThat(new String(m.payload())).isEqualTo("after"));
  }

  @Test
  void shutsDownGracefully() {
    Peer a = new Peer(A, B, SctpAssociation.Config.defaults(), 12);
    Peer b = new Peer(B, A, SctpAssociation.Config.defaults(), 13);
    VirtualTimeDriver d = driver(LinkConditions.perfect(), 12, a, b);
    a.sctp.connect(0);
    d.runUntil(() -> a.connected && b.connected, 5_000 * MS);
    a.sctp.shutdown();
    d.flush();
    d.runUntil(() -> a.events.stream().anyMatch(e -> e instanceof SctpOutput.Closed)
        && b.events.stream().anyMatch(e -> e instanceof SctpOutput.Closed), 5_000 * MS);
    assertThat(a.events).anySatisfy(e -> assertThat(e).isInstanceOf(SctpOutput.Closed.class));
    assertThat(b.events).anySatisfy(e -> assertThat(e).isInstanceOf(SctpOutput.Closed.class));
  }

  @Test
  void opensDataChannelsAndCarriesTextBinaryAndEmptyMessages() {
    Peer client = new Peer(A, B, SctpAssociation.Config.defaults(), 14);
    Peer server = new Peer(B, A, SctpAssociation.Config.defaults(), 15);
    client.channels = new DataChannels(client.sctp, true);
    server.channels = new DataChannels(server.sctp, false);
    VirtualTimeDriver d = driver(LinkConditions.perfect().withDelay(10 * MS, 0), 14, client, server);
    client.sctp.connect(0);
    d.runUntil(() -> client.connected && server.connected, 5_000 * MS);

    int stream = client.channels.open("_reliable", true, d.nowNanos());
    assertThat(stream % 2).isZero();
    d.flush();
    d.runUntil(() -> !client.channelEvents.isEmpty() && !server.channelEvents.isEmpty(), 5_000 * MS);
    assertThat(server.channelEvents.get(0)).isEqualTo(new DataChannels.Event.Opened(stream, "_reliable", true));
    assertThat(client.channelEvents.get(0)).isEqualTo(new DataChannels.Event.Opened(stream, "_reliable", true));

    client.channels.sendText(stream, "hello", d.nowNanos());
    client.channels.sendBinary(stream, new byte[] {1, 2, 3}, d.nowNanos());
    client.channels.sendText(stream, "", d.nowNanos());
    d.flush();
    d.runUntil(() -> server.channelEvents.size() == 4, 5_000 * MS);
    List<DataChannels.Event> got = server.channelEvents.subList(1, 4);
    assertThat(((DataChannels.Event.Received) got.get(0)).text()).isEqualTo("hello");
    assertThat(((DataChannels.Event.Received) got.get(1)).data()).containsExactly(1, 2, 3);
    assertThat(((DataChannels.Event.Received) got.get(1)).binary()).isTrue();
    assertThat(((DataChannels.Event.Received) got.get(2)).data()).isEmpty();
  }
}
