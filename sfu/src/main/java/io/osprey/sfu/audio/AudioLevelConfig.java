package io.osprey.sfu.audio;

/**
 * Speaker detection tuning, livekit-server's {@code audio} config section.
 *
 * @param activeLevel       RFC 6464 level (0 loudest .. 127 silent, -dBov) at or below which a packet counts as speech (30)
 * @param minPercentile     share of an interval, in percent, that must be speech for the interval to count (40)
 * @param updateIntervalNanos length of an observation interval (500 ms)
 * @param smoothIntervals   intervals over which the reported level is smoothed (4)
 */
public record AudioLevelConfig(int activeLevel, int minPercentile, long updateIntervalNanos, int smoothIntervals) {
  public AudioLevelConfig {
    if (activeLevel < 0 || activeLevel > 127 || minPercentile < 0 || minPercentile > 100
        || updateIntervalNanos <= 0 || smoothIntervals < 1) {
      throw new IllegalArgumentException("invalid audio level config: " + this);
    }
  }

  public static AudioLevelConfig defaults() {
    return new AudioLevelConfig(30, 40, 500_000_000L, 4);
  }
}
