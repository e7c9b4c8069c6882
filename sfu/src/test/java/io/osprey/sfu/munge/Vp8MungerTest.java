package io.osprey.sfu.munge;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class Vp8MungerTest {
  @Test
  void passesTheFirstLayerThrough() {
    Vp8Munger m = new Vp8Munger();
    m.switchSource(1000, 20);
    assertThat(m.pictureId(1000, true)).isEqualTo(1000);
    assertThat(m.tl0PicIdx(20)).isEqualTo(20);
  }

  @Test
  void continuesPictureIdsAndTl0AcrossASwitch() {
    Vp8Munger m = new Vp8Munger();
    m.switchSource(1000, 20);
    m.pictureId(1000, true);
    m.pictureId(1001, true);
    m.tl0PicIdx(21);
    m.switchSource(32000, 250);
    assertThat(m.pictureId(32000, true)).isEqualTo(1002);
    assertThat(m.pictureId(32001, true)).isEqualTo(1003);
    assertThat(m.tl0PicIdx(250)).isEqualTo(22);
  }

  @Test
  void wrapsWithinTheFieldWidth() {
    Vp8Munger m = new Vp8Munger();
    m.switchSource(0x7ffe, 255);
    assertThat(m.pictureId(0x7ffe, true)).isEqualTo(0x7ffe);
    assertThat(m.pictureId(0x7fff, true)).isEqualTo(0x7fff);
    assertThat(m.pictureId(0, true)).isZero();
    assertThat(m.tl0PicIdx(255)).isEqualTo(255);
    assertThat(m.tl0PicIdx(0)).isZero();
  }

  @Test
  void aLateFrameDoesNotMoveTheContinuationPoint() {
    Vp8Munger m = new Vp8Munger();
    m.switchSource(10, -1);
    m.pictureId(10, true);
    m.pictureId(12, true);
    m.pictureId(11, true); // reordered
    m.switchSource(500, -1);
    assertThat(m.pictureId(500, true)).isEqualTo(13);
  }
}
