package io.osprey.sfu.nack;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class NackGeneratorTest {
  private static final long MS = 1_000_000;

  private static int[] poll(NackGenerator g, long now) {
    int[] out = new int[64];
    return Arrays.copyOf(out, g.pollNacks(now, out));
  }

  @Test
  void requestsAGapAfterTheReorderAllowance() {
    NackGenerator g = new NackGenerator(NackGenerator.Config.defaults());
    g.handlePacket(10, 0);
    g.handlePacket(13, MS);
    assertThat(g.missingCount()).isEqualTo(2);
    assertThat(poll(g, 2 * MS)).isEmpty();
    assertThat(g.nextDeadlineNanos()).isEqualTo(6 * MS);
    assertThat(poll(g, 6 * MS)).containsExactly(11, 12);
  }

  @Test
  void stopsAskingOnceThePacketArrives() {
    NackGenerator g = new NackGenerator(NackGenerator.Config.defaults());
    g.handlePacket(10, 0);
    g.handlePacket(12, 0);
    assertThat(poll(g, 10 * MS)).containsExactly(11);
    g.handlePacket(11, 20 * MS);
    assertThat(g.missingCount()).isZero();
    assertThat(g.recoveredCount()).isEqualTo(1);
    assertThat(poll(g, 100 * MS)).isEmpty();
  }

  @Test
  void retriesEveryRoundTripUntilTheAttemptsRunOut() {
    NackGenerator g = new NackGenerator(new NackGenerator.Config(64, 3, 0, 20 * MS, 10_000 * MS));
    g.setRttNanos(50 * MS);
    g.handlePacket(1, 0);
    g.handlePacket(3, 0);
    assertThat(poll(g, 0)).containsExactly(2);
    assertThat(poll(g, 49 * MS)).isEmpty();
    assertThat(poll(g, 50 * MS)).containsExactly(2);
    assertThat(poll(g, 100 * MS)).containsExactly(2);
    assertThat(poll(g, 150 * MS)).isEmpty();
    assertThat(g.missingCount()).isZero();
    assertThat(g.keyFrameNeeded()).isTrue();
  }

  @Test
  void handlesGapsAcrossTheSequenceWrap() {
    NackGenerator g = new NackGenerator(NackGenerator.Config.defaults());
    g.handlePacket(65534, 0);
    g.handlePacket(1, 0);
    assertThat(poll(g, 10 * MS)).containsExactly(65535, 0);
  }

  @Test
  void givesUpOnGapsTooLargeToRepairAndAsksForAKeyFrame() {
    NackGenerator g = new NackGenerator(new NackGenerator.Config(16, 10, 0, 20 * MS, 1000 * MS));
    g.handlePacket(0, 0);
    g.handlePacket(1000, 0);
    assertThat(g.missingCount()).isZero();
    assertThat(g.keyFrameNeeded()).isTrue();
    g.clearKeyFrameNeeded();
    assertThat(g.keyFrameNeeded()).isFalse();
  }

  @Test
  void dropsRequestsOlderThanTheMaximumAge() {
    NackGenerator g = new NackGenerator(new NackGenerator.Config(16, 100, 0, 20 * MS, 100 * MS));
    g.handlePacket(0, 0);
    g.handlePacket(2, 0);
    poll(g, 0);
    assertThat(poll(g, 101 * MS)).isEmpty();
    assertThat(g.missingCount()).isZero();
  }
}
