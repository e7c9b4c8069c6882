package io.osprey.sfu.layer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SimulcastSelectorTest {
  @Test
  void waitsForAKeyFrameOfTheTargetBeforeForwardingAnything() {
    SimulcastSelector s = new SimulcastSelector();
    s.setTarget(2);
    assertThat(s.select(2, false)).isEqualTo(LayerDecision.DROP);
    assertThat(s.keyFrameWanted()).isTrue();
    assertThat(s.select(2, true)).isEqualTo(LayerDecision.SWITCH);
    assertThat(s.select(2, false)).isEqualTo(LayerDecision.FORWARD);
    assertThat(s.keyFrameWanted()).isFalse();
  }

  @Test
  void startsOnALowerLayerKeyFrameRatherThanShowNothing() {
    SimulcastSelector s = new SimulcastSelector();
    s.setTarget(2);
    assertThat(s.select(0, true)).isEqualTo(LayerDecision.SWITCH);
    assertThat(s.select(0, false)).isEqualTo(LayerDecision.FORWARD);
    assertThat(s.keyFrameWanted()).isTrue();
  }

  @Test
  void keepsTheCurrentLayerFlowingUntilTheTargetHasAKeyFrame() {
    SimulcastSelector s = new SimulcastSelector();
    s.setTarget(0);
    s.select(0, true);
    s.setTarget(2);
    assertThat(s.select(0, false)).isEqualTo(LayerDecision.FORWARD);
    assertThat(s.select(2, false)).isEqualTo(LayerDecision.DROP);
    assertThat(s.select(1, true)).isEqualTo(LayerDecision.SWITCH); // on the way up
    assertThat(s.select(0, false)).isEqualTo(LayerDecision.DROP);
    assertThat(s.select(2, true)).isEqualTo(LayerDecision.SWITCH);
    assertThat(s.current()).isEqualTo(2);
  }

  @Test
  void switchesDownOnlyAtAKeyFrameOfTheLowerLayer() {
    SimulcastSelector s = new SimulcastSelector();
    s.setTarget(2);
    s.select(2, true);
    s.setTarget(0);
    assertThat(s.select(2, false)).isEqualTo(LayerDecision.FORWARD);
    assertThat(s.select(1, true)).isEqualTo(LayerDecision.DROP);
    assertThat(s.select(0, true)).isEqualTo(LayerDecision.SWITCH);
    assertThat(s.select(2, false)).isEqualTo(LayerDecision.DROP);
  }

  @Test
  void pausingDropsEverything() {
    SimulcastSelector s = new SimulcastSelector();
    s.setTarget(1);
    s.select(1, true);
    s.setTarget(SimulcastSelector.NONE);
    assertThat(s.select(1, true)).isEqualTo(LayerDecision.DROP);
    assertThat(s.keyFrameWanted()).isFalse();
  }
}
