package io.osprey.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NetSimTest {
  private static final InetSocketAddress A = new InetSocketAddress("10.0.0.1", 1000);
  private static final InetSocketAddress B = new InetSocketAddress("10.0.0.2", 2000);
  private static final long MS = 1_000_000;

  private static Datagram numbered(int n, int size) {
    byte[] p = new byte[size];
    p[0] = (byte) (n >>> 24);
    p[1] = (byte) (n >>> 16);
    p[2] = (byte) (n >>> 8);
    p[3] = (byte) n;
    return new Datagram(A, B, p);
  }

  private static int number(Datagram d) {
    byte[] p = d.payload();
    return (p[0] & 0xff) << 24 | (p[1] & 0xff) << 16 | (p[2] & 0xff) << 8 | (p[3] & 0xff);
  }

  private static List<Integer> sendAndCollect(NetSim net, int count, long spacingNanos, int size) {
    List<Integer> got = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      net.send(numbered(i, size), i * spacingNanos);
    }
    for (Datagram d : net.pollArrived(Long.MAX_VALUE - 1)) {
      got.add(number(d));
    }
    return got;
  }

  @Test
  void perfectLinkDeliversEverythingInOrderAfterTheDelay() {
    NetSim net = new NetSim(1, LinkConditions.perfect());
    net.send(numbered(7, 100), 0);
    assertThat(net.pollArrived(MS - 1)).isEmpty();
    assertThat(net.nextArrivalNanos()).isEqualTo(MS);
    assertThat(net.pollArrived(MS)).extracting(NetSimTest::number).containsExactly(7);
  }

  @Test
  void dropsAboutTheConfiguredShareOfDatagrams() {
    NetSim net = new NetSim(42, LinkConditions.perfect().withLoss(0.05));
    List<Integer> got = sendAndCollect(net, 20_000, MS, 100);
    assertThat(1 - got.size() / 20_000.0).isCloseTo(0.05, within(0.01));
    assertThat(net.droppedCount()).isEqualTo(20_000 - got.size());
  }

  @Test
  void sameSeedGivesTheSameRun() {
    LinkConditions lossy = LinkConditions.perfect().withLoss(0.1).withDelay(5 * MS, 5 * MS).withReorder(0.05);
    assertThat(sendAndCollect(new NetSim(9, lossy), 1000, MS, 50))
        .isEqualTo(sendAndCollect(new NetSim(9, lossy), 1000, MS, 50));
  }

  @Test
  void reorderingLetsLaterDatagramsOvertake() {
    NetSim net = new NetSim(3, LinkConditions.perfect().withReorder(0.1));
    List<Integer> got = sendAndCollect(net, 1000, MS / 10, 50);
    assertThat(got).hasSize(1000).containsExactlyInAnyOrderElementsOf(java.util.stream.IntStream.range(0, 1000).boxed().toList());
    assertThat(got).isNotEqualTo(got.stream().sorted().toList());
  }

  @Test
  void duplicatesSomeDatagrams() {
    NetSim net = new NetSim(5, LinkConditions.perfect().withDuplicate(0.1));
    List<Integer> got = sendAndCollect(net, 1000, MS, 50);
    assertThat(got.size()).isBetween(1050, 1150);
  }

  @Test
  void rateCapSpacesDatagramsAndTailDropsBeyondTheQueue() {
    // 1 Mbit/s: a 1250-byte datagram takes 10 ms to serialize; the queue holds 5 of them.
    NetSim net = new NetSim(1, LinkConditions.perfect().withRate(1_000_000, 5 * 1250));
    for (int i = 0; i < 10; i++) {
      net.send(numbered(i, 1250), 0);
    }
    assertThat(net.droppedCount()).isEqualTo(5);
    List<Long> arrivals = new ArrayList<>();
    while (net.nextArrivalNanos() != Long.MAX_VALUE) {
      long t = net.nextArrivalNanos();
      arrivals.add(t);
      net.pollArrived(t);
    }
    assertThat(arrivals).containsExactly(11 * MS, 21 * MS, 31 * MS, 41 * MS, 51 * MS);
  }
}
