package io.osprey.sfu.seq;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SequenceUnwrapperTest {
  @Test
  void extendsAcrossTheWrap() {
    SequenceUnwrapper u = new SequenceUnwrapper();
    assertThat(u.unwrap(65534)).isEqualTo(65534);
    assertThat(u.unwrap(65535)).isEqualTo(65535);
    assertThat(u.unwrap(0)).isEqualTo(65536);
    assertThat(u.unwrap(1)).isEqualTo(65537);
  }

  @Test
  void mapsReorderedPacketsFromBeforeTheWrapBelowTheNewest() {
    SequenceUnwrapper u = new SequenceUnwrapper();
    u.unwrap(65535);
    u.unwrap(2);
    assertThat(u.unwrap(65534)).isEqualTo(65534);
    assertThat(u.highest()).isEqualTo(65538);
  }

  @Test
  void doesNotGoBelowTheFirstCycle() {
    SequenceUnwrapper u = new SequenceUnwrapper();
    u.unwrap(5);
    assertThat(u.unwrap(65530)).isEqualTo(65530);
  }

  @Test
  void comparesInSerialArithmetic() {
    assertThat(SequenceUnwrapper.isNewer(1, 65535)).isTrue();
    assertThat(SequenceUnwrapper.isNewer(65535, 1)).isFalse();
    assertThat(SequenceUnwrapper.isNewer(7, 7)).isFalse();
  }
}
