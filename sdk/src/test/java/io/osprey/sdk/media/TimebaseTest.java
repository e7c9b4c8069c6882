package io.osprey.sdk.media;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TimebaseTest {
  @Test
  void convertsNtscFrameRatesExactlyWithoutDrift() {
    Timebase ntsc = new Timebase(1001, 30000);
    assertThat(ntsc.toNanos(30000)).isEqualTo(1001L * 1_000_000_000L);
    assertThat(ntsc.toRtp(1, 90000)).isEqualTo(3003);
    assertThat(ntsc.toRtp(1_000_000, 90000)).isEqualTo(3_003_000_000L);
  }

  @Test
  void roundsRtpTimestampsToTheNearestTickFromTheAbsoluteTime() {
    Timebase ms = new Timebase(1, 1000);
    // 1 ms at 90 kHz is exactly 90; at 44.1 kHz 44.1 ticks: rounding happens per timestamp, not per step.
    assertThat(ms.toRtp(1, 44100)).isEqualTo(44);
    assertThat(ms.toRtp(10, 44100)).isEqualTo(441);
    assertThat(ms.toRtp(3_600_000L * 24, 90000)).isEqualTo(90000L * 3600 * 24);
  }
}
