package io.osprey.transport.rtpsession;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReceiveStatisticsTest {
  private static final long MS = 1_000_000;

  @Test
  void countsLossFromGapsAfterProbation() {
    ReceiveStatistics s = new ReceiveStatistics(90000);
    for (int seq = 100; seq < 200; seq++) {
      if (seq % 10 != 5) {
        s.handlePacket(seq, seq * 3000L, seq * 33 * MS);
      }
    }
    // Counting starts at 101 (probation); 105, 115, ..., 195 are missing.
    assertThat(s.extendedHighestSequence()).isEqualTo(199);
    assertThat(s.cumulativeLost()).isEqualTo(10);
    assertThat(s.takeFractionLost()).isEqualTo(10 * 256 / 99);
    assertThat(s.takeFractionLost()).isZero();
  }

  @Test
  void countsCyclesAcrossTheWrap() {
    ReceiveStatistics s = new ReceiveStatistics(48000);
    for (int i = 0; i < 20; i++) {
      s.handlePacket((65530 + i) & 0xffff, i * 960L, i * 20 * MS);
    }
    assertThat(s.extendedHighestSequence()).isEqualTo(65536 + 13);
    assertThat(s.cumulativeLost()).isZero();
  }

  @Test
  void jitterIsZeroForPerfectlyPacedArrivalsAndGrowsWithVariation() {
    ReceiveStatistics steady = new ReceiveStatistics(90000);
    ReceiveStatistics jittery = new ReceiveStatistics(90000);
    for (int i = 0; i < 200; i++) {
      steady.handlePacket(i, i * 3000L, i * 33_333_333L);
      jittery.handlePacket(i, i * 3000L, i * 33_333_333L + (i % 2 == 0 ? 0 : 10 * MS));
    }
    assertThat(steady.jitter()).isLessThanOrEqualTo(1);
    // Alternating 10 ms (900 ticks) of transit difference converges towards 900.
    assertThat(jittery.jitter()).isBetween(800L, 900L);
  }

  @Test
  void reportsTheLastSenderReportAndTheDelaySince() {
    ReceiveStatistics s = new ReceiveStatistics(90000);
    assertThat(s.lastSenderReport()).isZero();
    s.handleSenderReport(0x1122_3344_5566_7788L, 1000 * MS);
    assertThat(s.lastSenderReport()).isEqualTo(0x3344_5566L);
    assertThat(s.delaySinceLastSenderReport(1500 * MS)).isEqualTo(65536 / 2);
  }

  @Test
  void resynchronisesWhenTheSourceRestartsItsNumbering() {
    ReceiveStatistics s = new ReceiveStatistics(90000);
    for (int i = 0; i < 10; i++) {
      s.handlePacket(1000 + i, 0, 0);
    }
    assertThat(s.handlePacket(40000, 0, 0)).isFalse();
    assertThat(s.handlePacket(40001, 0, 0)).isTrue();
    assertThat(s.extendedHighestSequence()).isEqualTo(40001);
    assertThat(s.cumulativeLost()).isZero();
  }
}
