package io.osprey.sfu.audio;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ActiveSpeakersTest {
  private static final long MS = 1_000_000;

  /** Feeds 20 ms packets of one level from {@code from} to {@code to}. */
  private static void talk(AudioLevelMeter meter, int level, long from, long to) {
    for (long t = from; t < to; t += 20 * MS) {
      meter.observe(level, 20 * MS, t);
    }
  }

  @Test
  void aLoudSpeakerRisesAndSilenceFallsBackToZero() {
    AudioLevelMeter meter = new AudioLevelMeter(AudioLevelConfig.defaults());
    talk(meter, 10, 0, 2000 * MS);
    double speaking = meter.level(2000 * MS);
    assertThat(speaking).isGreaterThan(0.2).isLessThanOrEqualTo(1);
    talk(meter, 127, 2000 * MS, 8000 * MS);
    assertThat(meter.level(8000 * MS)).isZero();
  }

  @Test
  void briefBlipsBelowTheMinimumShareDoNotCount() {
    AudioLevelMeter meter = new AudioLevelMeter(AudioLevelConfig.defaults());
    for (long t = 0; t < 3000 * MS; t += 20 * MS) {
      boolean blip = (t / (20 * MS)) % 10 == 0; // 10 % of packets loud
      meter.observe(blip ? 5 : 100, 20 * MS, t);
    }
    assertThat(meter.level(3000 * MS)).isZero();
  }

  @Test
  void ordersSpeakersLoudestFirstAndReportsChanges() {
    ActiveSpeakers<String> speakers = new ActiveSpeakers<>(AudioLevelConfig.defaults());
    talk(speakers.meter("quiet"), 28, 0, 2000 * MS);
    talk(speakers.meter("loud"), 3, 0, 2000 * MS);
    talk(speakers.meter("silent"), 127, 0, 2000 * MS);

    assertThat(speakers.update(2000 * MS)).isTrue();
    assertThat(speakers.speakers()).extracting(ActiveSpeakers.Speaker::participant).containsExactly("loud", "quiet");
    assertThat(speakers.update(2000 * MS)).isFalse();

    speakers.remove("loud");
    assertThat(speakers.update(2000 * MS)).isTrue();
    assertThat(speakers.speakers()).extracting(ActiveSpeakers.Speaker::participant).containsExactly("quiet");
  }
}
