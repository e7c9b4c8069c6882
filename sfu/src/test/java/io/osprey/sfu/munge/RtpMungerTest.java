package io.osprey.sfu.munge;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RtpMungerTest {
  private static final long MS = 1_000_000;

  private static int seq(long r) {
    return (int) (r >>> 32);
  }

  private static long ts(long r) {
    return r & 0xffffffffL;
  }

  @Test
  void passesTheFirstSourceThroughUnchanged() {
    RtpMunger m = new RtpMunger();
    m.switchSource(100, 5000, 0, 90000);
    long r = m.munge(100, 5000, 0);
    assertThat(seq(r)).isEqualTo(100);
    assertThat(ts(r)).isEqualTo(5000);
    assertThat(seq(m.munge(101, 8000, 33 * MS))).isEqualTo(101);
  }

  @Test
  void keepsSequenceAndTimestampContinuousAcrossALayerSwitch() {
    RtpMunger m = new RtpMunger();
    m.switchSource(100, 5000, 0, 90000);
    m.munge(100, 5000, 0);
    m.munge(101, 8000, 33 * MS);
    // The high layer has unrelated numbering; the switch happens 33 ms later.
    m.switchSource(40000, 1_000_000, 66 * MS, 90000);
    long r = m.munge(40000, 1_000_000, 66 * MS);
    assertThat(seq(r)).isEqualTo(102);
    assertThat(ts(r)).isEqualTo(8000 + 33 * 90);
    long next = m.munge(40001, 1_003_000, 99 * MS);
    assertThat(seq(next)).isEqualTo(103);
    assertThat(ts(next)).isEqualTo(8000 + 33 * 90 + 3000);
  }

  @Test
  void keepsGapsFromRealLossSoTheSubscriberCanNack() {
    RtpMunger m = new RtpMunger();
    m.switchSource(10, 0, 0, 90000);
    m.munge(10, 0, 0);
    assertThat(seq(m.munge(13, 0, 0))).isEqualTo(13);
    assertThat(seq(m.munge(11, 0, 0))).isEqualTo(11); // the retransmission fills the gap
  }

  @Test
  void closesTheGapOfASkippedPacket() {
    RtpMunger m = new RtpMunger();
    m.switchSource(10, 0, 0, 90000);
    m.munge(10, 0, 0);
    m.skip(11);
    assertThat(seq(m.munge(12, 0, 0))).isEqualTo(11);
    assertThat(m.munge(11, 0, 0)).isEqualTo(RtpMunger.DROP); // a duplicate of the skipped one
  }

  @Test
  void mapsLatePacketsWithTheOffsetInEffectForThem() {
    RtpMunger m = new RtpMunger();
    m.switchSource(10, 0, 0, 90000);
    m.munge(10, 0, 0);
    m.munge(12, 0, 0); // 11 lost for now
    m.skip(13);
    assertThat(seq(m.munge(14, 0, 0))).isEqualTo(13);
    assertThat(seq(m.munge(11, 0, 0))).isEqualTo(11);
  }

  @Test
  void dropsPacketsFromBeforeTheSwitch() {
    RtpMunger m = new RtpMunger();
    m.switchSource(500, 0, 0, 90000);
    m.munge(500, 0, 0);
    assertThat(m.munge(499, 0, 0)).isEqualTo(RtpMunger.DROP);
  }

  @Test
  void wrapsSequenceNumbersAndTimestamps() {
    RtpMunger m = new RtpMunger();
    m.switchSource(65535, 0xffffffffL, 0, 48000);
    m.munge(65535, 0xffffffffL, 0);
    long r = m.munge(0, 959, 20 * MS);
    assertThat(seq(r)).isZero();
    assertThat(ts(r)).isEqualTo(959);
  }

  @Test
  void dropsEverythingBeforeTheFirstSource() {
    assertThat(new RtpMunger().munge(1, 1, 0)).isEqualTo(RtpMunger.DROP);
  }
}
