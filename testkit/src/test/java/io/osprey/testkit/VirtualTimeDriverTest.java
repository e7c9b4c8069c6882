package io.osprey.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class VirtualTimeDriverTest {
  private static final long MS = 1_000_000;

  /** Sends a numbered ping every 20 ms until it has sent {@code count}; echoes what it receives. */
  private static final class Pinger implements SimPeer {
    final InetSocketAddress self;
    final InetSocketAddress other;
    final int count;
    final List<Datagram> out = new ArrayList<>();
    final List<Long> echoesAt = new ArrayList<>();
    long nextPing;
    int sent;

    Pinger(InetSocketAddress self, InetSocketAddress other, int count) {
      this.self = self;
      this.other = other;
      this.count = count;
      this.nextPing = count > 0 ? 0 : Long.MAX_VALUE;
    }

    @Override public List<InetSocketAddress> addresses() { return List.of(self); }

    @Override public void handleDatagram(Datagram d, long now) {
      if (d.payload()[0] == 'p') {
        out.add(new Datagram(self, d.source(), new byte[] {'e'}));
      } else {
        echoesAt.add(now);
      }
    }

    @Override public void handleTimeout(long now) {
      out.add(new Datagram(self, other, new byte[] {'p'}));
      sent++;
      nextPing = sent < count ? now + 20 * MS : Long.MAX_VALUE;
    }

    @Override public List<Datagram> pollTransmits(long now) {
      List<Datagram> copy = List.copyOf(out);
      out.clear();
      return copy;
    }

    @Override public long nextDeadlineNanos() { return nextPing; }
  }

  @Test
  void runsPeersAgainstEachOtherInVirtualTime() {
    InetSocketAddress a = new InetSocketAddress("10.0.0.1", 1);
    InetSocketAddress b = new InetSocketAddress("10.0.0.2", 2);
    NetSim net = new NetSim(1, LinkConditions.perfect().withDelay(15 * MS, 0));
    Pinger client = new Pinger(a, b, 50);
    Pinger server = new Pinger(b, a, 0);
    VirtualTimeDriver driver = new VirtualTimeDriver(net, 0).add(client).add(server);

    boolean done = driver.runUntil(() -> client.echoesAt.size() == 50, 10_000 * MS);

    assertThat(done).isTrue();
    // Each echo returns one round trip (30 ms) after its ping; pings go every 20 ms.
    assertThat(client.echoesAt.get(0)).isEqualTo(30 * MS);
    assertThat(client.echoesAt.get(49)).isEqualTo(49 * 20 * MS + 30 * MS);
    assertThat(driver.nowNanos()).isEqualTo(client.echoesAt.get(49));
  }

  @Test
  void stopsAtTheTimeLimitWhenTheConditionNeverHolds() {
    InetSocketAddress a = new InetSocketAddress("10.0.0.1", 1);
    NetSim net = new NetSim(1, LinkConditions.perfect());
    Pinger lonely = new Pinger(a, new InetSocketAddress("10.0.0.9", 9), 1000);
    VirtualTimeDriver driver = new VirtualTimeDriver(net, 0).add(lonely);

    assertThat(driver.runUntil(() -> false, 100 * MS)).isFalse();
    assertThat(driver.nowNanos()).isEqualTo(100 * MS);
    assertThat(driver.undeliverableCount()).isEqualTo(5);
  }
}
