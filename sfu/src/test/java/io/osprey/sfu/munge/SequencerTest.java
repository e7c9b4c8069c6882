package io.osprey.sfu.munge;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SequencerTest {
  private static final long MS = 1_000_000;

  @Test
  void mapsAnOutgoingNumberBackToTheIncomingPacketAndLayer() {
    Sequencer s = new Sequencer(1024);
    s.record(7, 40007, 2);
    int r = s.lookup(7, 0, 10 * MS);
    assertThat(r >>> 16).isEqualTo(2);
    assertThat(r & 0xffff).isEqualTo(40007);
  }

  @Test
  void throttlesRepeatedRetransmissionsOfOnePacket() {
    Sequencer s = new Sequencer(1024);
    s.record(7, 1, 0);
    assertThat(s.lookup(7, 0, 10 * MS)).isNotEqualTo(Sequencer.NONE);
    assertThat(s.lookup(7, 5 * MS, 10 * MS)).isEqualTo(Sequencer.NONE);
    assertThat(s.lookup(7, 10 * MS, 10 * MS)).isNotEqualTo(Sequencer.NONE);
  }

  @Test
  void forgetsNumbersOverwrittenByNewerOnes() {
    Sequencer s = new Sequencer(4);
    s.record(1, 1, 0);
    s.record(5, 5, 0);
    assertThat(s.lookup(1, 0, 0)).isEqualTo(Sequencer.NONE);
    assertThat(s.lookup(9, 0, 0)).isEqualTo(Sequencer.NONE);
  }
}
