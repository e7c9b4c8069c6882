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
 * A subscriber held to a low layer: media goes out at a fixed 300 kbit/s, the allocation wants
 * 2.5 Mbit/s. In virtual time over a simulated bottleneck, as the server does it: padding on a
 * 20 ms tick, transport-wide feedback every 50 ms over a 20 ms path, the estimator fed with every
 * packet and the prober with those of its clusters.
 */
class ProberTest {
  private static final long MS = 1_000_000;
  private static final InetSocketAddress SENDER = new InetSocketAddress("10.0.0.1", 1);
  private static final InetSocketAddress RECEIVER = new InetSocketAddress("10.0.0.2", 2);
  private static final int MEDIA = 1200;
  private static final int PADDING = 275; // RTX header, transport-cc extension, 255 bytes of padding
  private static final long WANTED = 2_500_000;

  private final NetSim net = new NetSim(3, LinkConditions.perfect());
  private final SendSideEstimator estimator = new SendSideEstimator(
      new SendSideEstimator.Config(300_000, 30_000, 20_000_000));
  private final Prober prober = new Prober(Prober.Config.defaults());
  private final Map<Integer, long[]> sent = new HashMap<>(); // seq -> {send time, size, cluster}
  private final Map<Integer, Long> arrivedAt = new HashMap<>();
  private long now;
  private int nextSeq;
  private int reportedUpTo;
  private double mediaBudgetBits;
  private int clustersStarted;
  private long lastResult = -1;

  private void bottleneck(long bps) {
    net.setLink(SENDER, RECEIVER, LinkConditions.perfect().withDelay(20 * MS, 0).withRate(bps, 60_000));
  }

  private void send(int size) {
    int cluster = prober.cluster(now);
    if (cluster != Prober.NONE) {
      prober.onSent(size);
    }
    int seq = nextSeq++;
    sent.put(seq, new long[] {now, size, cluster});
    byte[] p = new byte[size];
    p[0] = (byte) (seq >>> 24);
    p[1] = (byte) (seq >>> 16);
    p[2] = (byte) (seq >>> 8);
    p[3] = (byte) seq;
    net.send(new Datagram(SENDER, RECEIVER, p), now);
  }

  private void run(long millis) {
    long end = now + millis * MS;
    for (; now < end; now += MS) {
      mediaBudgetBits += 300_000 / 1000.0;
      while (mediaBudgetBits >= MEDIA * 8) {
        send(MEDIA);
        mediaBudgetBits -= MEDIA * 8;
      }
      if (now % (20 * MS) == 0) { // the media loop's tick
        if (prober.maybeStart(estimator.estimateBps(), WANTED, now)) {
          clustersStarted++;
        }
        for (long due = prober.paddingDue(now); due > 0; due -= PADDING) {
          send(PADDING);
        }
      }
      for (Datagram d : net.pollArrived(now)) {
        byte[] p = d.payload();
        arrivedAt.put((p[0] & 0xff) << 24 | (p[1] & 0xff) << 16 | (p[2] & 0xff) << 8 | (p[3] & 0xff), now);
      }
      if (now % (50 * MS) == 0) {
        feedback();
      }
    }
  }

  private void feedback() {
    int newest = -1;
    for (Map.Entry<Integer, Long> e : arrivedAt.entrySet()) {
      if (e.getValue() <= now - 20 * MS) {
        newest = Math.max(newest, e.getKey());
      }
    }
    for (int seq = reportedUpTo; seq <= newest; seq++) {
      Long arrival = arrivedAt.remove(seq);
      long[] s = sent.remove(seq);
      boolean lost = arrival == null;
      estimator.handlePacketFeedback(s[0], lost ? 0 : arrival, lost, (int) s[1], now);
      prober.onFeedback((int) s[2], s[0], lost ? 0 : arrival, lost, (int) s[1]);
    }
    reportedUpTo = Math.max(reportedUpTo, newest + 1);
    estimator.handleFeedbackEnd(now);
    long result = prober.pollResult(now);
    if (result > 0) {
      lastResult = result;
      estimator.handleProbeResult(result, now);
    }
  }

  @Test
  void withoutProbesTheEstimateStaysNearWhatIsSent() {
    bottleneck(10_000_000);
    for (int i = 0; i < 10_000; i++) { // the same loop with the prober never asked to start
      now += MS;
      mediaBudgetBits += 300;
      while (mediaBudgetBits >= MEDIA * 8) {
        send(MEDIA);
        mediaBudgetBits -= MEDIA * 8;
      }
      for (Datagram d : net.pollArrived(now)) {
        byte[] p = d.payload();
        arrivedAt.put((p[0] & 0xff) << 24 | (p[1] & 0xff) << 16 | (p[2] & 0xff) << 8 | (p[3] & 0xff), now);
      }
      if (now % (50 * MS) == 0) {
        feedback();
      }
    }
    assertThat(estimator.estimateBps()).as("held within 1.5 times the 300 kbit/s acknowledged").isLessThan(WANTED / 4);
  }

  @Test
  void probesClimbToWhatTheAllocationWantsWhenThePathHasRoom() {
    bottleneck(10_000_000);
    run(6_000);
    assertThat(estimator.estimateBps()).isGreaterThanOrEqualTo((long) (0.9 * WANTED));
    assertThat(lastResult).as("the last cluster measured about its target").isBetween(WANTED / 2, 2 * WANTED);
  }

  @Test
  void aFullPathIsProbedRarelyAndTheEstimateStaysWithinIt() {
    bottleneck(600_000);
    run(60_000);
    assertThat(estimator.estimateBps()).isLessThan(800_000);
    assertThat(clustersStarted).as("failed clusters back off, doubling up to 10 s").isBetween(5, 12);
  }

  @Test
  void noClusterRunsWhileTheEstimateCoversTheAllocation() {
    assertThat(prober.maybeStart(3_000_000, WANTED, 0)).isFalse();
    assertThat(prober.cluster(0)).isEqualTo(Prober.NONE);
    assertThat(prober.paddingDue(0)).isZero();
    assertThat(prober.pollResult(5_000 * MS)).isEqualTo(-1);
  }

  @Test
  void aClusterWhoseFeedbackNeverComesGivesNoResult() {
    assertThat(prober.maybeStart(500_000, WANTED, 0)).isTrue();
    assertThat(prober.maybeStart(500_000, WANTED, 0)).as("one at a time").isFalse();
    for (long t = 0; t < 200 * MS; t += 20 * MS) {
      for (long due = prober.paddingDue(t); due > 0; due -= PADDING) {
        prober.onSent(PADDING);
      }
    }
    assertThat(prober.pollResult(500 * MS)).as("still waiting for feedback").isEqualTo(-1);
    assertThat(prober.pollResult(1_200 * MS)).isEqualTo(-1);
    assertThat(prober.cluster(1_200 * MS)).isEqualTo(Prober.NONE);
    assertThat(prober.maybeStart(500_000, WANTED, 2_000 * MS)).as("waits after a failure").isFalse();
    assertThat(prober.maybeStart(500_000, WANTED, 3_300 * MS)).isTrue();
  }
}
