package io.osprey.sfu.bwe;

import static org.assertj.core.api.Assertions.assertThat;

import io.osprey.testkit.Datagram;
import io.osprey.testkit.LinkConditions;
import io.osprey.testkit.NetSim;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Drives the estimator in a closed loop over a simulated bottleneck: a sender paced at the current
 * estimate, a receiver that reports every packet's arrival (TWCC) every 50 ms over a 20 ms path.
 */
class SendSideEstimatorTest {
  private static final long MS = 1_000_000;
  private static final InetSocketAddress SENDER = new InetSocketAddress("10.0.0.1", 1);
  private static final InetSocketAddress RECEIVER = new InetSocketAddress("10.0.0.2", 2);
  private static final int SIZE = 1200;

  private final NetSim net;
  private final SendSideEstimator estimator = new SendSideEstimator(SendSideEstimator.Config.defaults());
  private final Map<Integer, Long> sentAt = new HashMap<>();
  private final Map<Integer, Long> arrivedAt = new HashMap<>();
  private long now;
  private int nextSeq;
  private int reportedUpTo;
  private double sendBudgetBits;

  SendSideEstimatorTest() {
    this.net = new NetSim(7, LinkConditions.perfect());
  }

  private void path(LinkConditions conditions) {
    net.setLink(SENDER, RECEIVER, conditions);
  }

  private static LinkConditions bottleneck(long bps) {
    return LinkConditions.perfect().withDelay(20 * MS, 0).withRate(bps, 100_000);
  }

  /** Runs the loop for {@code millis} of virtual time. */
  private void run(long millis) {
    long end = now + millis * MS;
    for (; now < end; now += MS) {
      sendBudgetBits = Math.min(sendBudgetBits + estimator.estimateBps() / 1000.0, 10 * SIZE * 8);
      while (sendBudgetBits >= SIZE * 8) {
        byte[] p = new byte[SIZE];
        int seq = nextSeq++;
        p[0] = (byte) (seq >>> 24);
        p[1] = (byte) (seq >>> 16);
        p[2] = (byte) (seq >>> 8);
        p[3] = (byte) seq;
        sentAt.put(seq, now);
        net.send(new Datagram(SENDER, RECEIVER, p), now);
        sendBudgetBits -= SIZE * 8;
      }
      for (Datagram d : net.pollArrived(now)) {
        byte[] p = d.payload();
        int seq = (p[0] & 0xff) << 24 | (p[1] & 0xff) << 16 | (p[2] & 0xff) << 8 | (p[3] & 0xff);
        arrivedAt.put(seq, now);
      }
      if (now % (50 * MS) == 0) {
        feedback();
      }
    }
  }

  /** Reports every packet up to the newest that arrived at least 20 ms ago (the feedback's trip). */
  private void feedback() {
    int newest = -1;
    for (Map.Entry<Integer, Long> e : arrivedAt.entrySet()) {
      if (e.getValue() <= now - 20 * MS) {
        newest = Math.max(newest, e.getKey());
      }
    }
    for (int seq = reportedUpTo; seq <= newest; seq++) {
      Long arrival = arrivedAt.remove(seq);
      estimator.handlePacketFeedback(sentAt.remove(seq), arrival == null ? 0 : arrival, arrival == null, SIZE, now);
    }
    reportedUpTo = Math.max(reportedUpTo, newest + 1);
    estimator.handleFeedbackEnd(now);
  }

  @Test
  void convergesNearTheBottleneckRate() {
    path(bottleneck(2_000_000));
    run(30_000);
    assertThat(estimator.estimateBps()).isBetween(1_300_000L, 2_400_000L);
    assertThat(estimator.ackedBps(now)).isBetween(1_200_000L, 2_000_000L);
  }

  @Test
  void climbsFromALowStartWhenThePathAllows() {
    path(bottleneck(5_000_000));
    long start = estimator.estimateBps();
    run(20_000);
    assertThat(estimator.estimateBps()).isGreaterThan(2 * start);
  }

  @Test
  void backsOffWithinSecondsWhenCapacityDrops() {
    path(bottleneck(3_000_000));
    run(20_000);
    assertThat(estimator.estimateBps()).isGreaterThan(1_800_000);
    path(bottleneck(1_000_000));
    run(4_000);
    assertThat(estimator.estimateBps()).isLessThan(1_300_000);
  }

  @Test
  void heavyRandomLossLowersTheEstimate() {
    path(LinkConditions.perfect().withDelay(20 * MS, 0).withLoss(0.25));
    long start = estimator.estimateBps();
    run(10_000);
    assertThat(estimator.estimateBps()).isLessThan(start / 2);
  }
}
