package io.osprey.transport.rtpsession;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RoundTripTimeTest {
  private static final long MS = 1_000_000;

  @Test
  void measuresFromAnEchoedSenderReport() {
    RoundTripTime rtt = new RoundTripTime();
    long ntp = 0xAAAA_0001_0002_BBBBL;
    rtt.handleSenderReportSent(ntp, 1000 * MS);
    // The peer held the SR for 250 ms (DLSR = 0.25 * 65536); the round trip adds 80 ms.
    long measured = rtt.handleReportBlock(0x0001_0002L, 65536 / 4, 1330 * MS);
    assertThat(measured).isEqualTo(80 * MS);
    assertThat(rtt.smoothedNanos()).isEqualTo(80 * MS);
  }

  @Test
  void ignoresBlocksEchoingNothingWeSent() {
    RoundTripTime rtt = new RoundTripTime();
    assertThat(rtt.handleReportBlock(0, 0, 5 * MS)).isEqualTo(-1);
    assertThat(rtt.handleReportBlock(1234, 0, 5 * MS)).isEqualTo(-1);
    assertThat(rtt.smoothedNanos()).isEqualTo(-1);
  }

  @Test
  void smoothsSuccessiveMeasurements() {
    RoundTripTime rtt = new RoundTripTime();
    rtt.handleSenderReportSent(1L << 16, 0);
    rtt.handleReportBlock(1, 0, 100 * MS);
    rtt.handleSenderReportSent(2L << 16, 1000 * MS);
    rtt.handleReportBlock(2, 0, 1180 * MS);
    assertThat(rtt.latestNanos()).isEqualTo(180 * MS);
    assertThat(rtt.smoothedNanos()).isEqualTo(110 * MS);
  }
}
