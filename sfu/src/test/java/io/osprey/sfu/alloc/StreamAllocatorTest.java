package io.osprey.sfu.alloc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StreamAllocatorTest {
  private static final long[] SIMULCAST = {150_000, 500_000, 1_700_000};

  private static int[] allocate(long bps, long audio, long[][] layers, int[] max) {
    int[] result = new int[layers.length];
    new StreamAllocator(1.1).allocate(bps, audio, layers, max, result);
    return result;
  }

  @Test
  void givesEveryTrackItsHighestWantedLayerWhenBandwidthIsPlenty() {
    assertThat(allocate(10_000_000, 64_000, new long[][] {SIMULCAST, SIMULCAST}, new int[] {2, 2}))
        .containsExactly(2, 2);
  }

  @Test
  void respectsTheSubscribersMaximumLayer() {
    assertThat(allocate(10_000_000, 0, new long[][] {SIMULCAST, SIMULCAST}, new int[] {0, StreamAllocator.PAUSED}))
        .containsExactly(0, StreamAllocator.PAUSED);
  }

  @Test
  void downgradesEvenlyBeforePausingAnything() {
    // 2 x low (300k) + one upgrade to mid (+350k x 1.1) fits in 800k; a second upgrade does not.
    assertThat(allocate(864_000, 64_000, new long[][] {SIMULCAST, SIMULCAST}, new int[] {2, 2}))
        .containsExactly(1, 0);
  }

  @Test
  void pausesLowerPriorityTracksWhenEvenTheLowestLayersDoNotFit() {
    assertThat(allocate(64_000 + 200_000, 64_000, new long[][] {SIMULCAST, SIMULCAST}, new int[] {2, 2}))
        .containsExactly(0, StreamAllocator.PAUSED);
  }

  @Test
  void skipsLayersThePublisherDoesNotSend() {
    long[] onlyHigh = {0, 0, 1_700_000};
    assertThat(allocate(10_000_000, 0, new long[][] {onlyHigh}, new int[] {2})).containsExactly(2);
    assertThat(allocate(1_000_000, 0, new long[][] {onlyHigh}, new int[] {2})).containsExactly(StreamAllocator.PAUSED);
  }

  @Test
  void needsHeadroomToUpgrade() {
    // Exactly enough for low + (mid - low) but not the 10% headroom on the upgrade.
    assertThat(allocate(500_000, 0, new long[][] {SIMULCAST}, new int[] {2})).containsExactly(0);
    assertThat(allocate(540_000, 0, new long[][] {SIMULCAST}, new int[] {2})).containsExactly(1);
  }
}
