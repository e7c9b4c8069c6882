package io.osprey.sfu.audio;

/**
 * Turns the RFC 6464 audio levels carried in one audio track's packets into a smoothed speaking
 * level in [0, 1], as LiveKit reports in {@code SpeakerInfo.level}.
 *
 * <p>Each interval, the packets at or louder than the active level are counted by duration; if
 * they cover the minimum share of the interval, the interval's level is the mean linear amplitude
 * (10^(-dBov/20)) of those packets, else 0. The reported level is the mean of the last
 * {@code smoothIntervals} intervals, so a speaker fades in and, once silent, drops to exactly 0
 * after that many intervals. No allocation; owned by one event loop.
 */
public final class AudioLevelMeter {
  private final AudioLevelConfig config;
  private long intervalStart = Long.MIN_VALUE;
  private long activeNanos;
  private double activeSum;
  private int activeCount;
  private final double[] recent;
  private int recentNext;
  private double smoothed;

  public AudioLevelMeter(AudioLevelConfig config) {
    this.config = config;
    this.recent = new double[config.smoothIntervals()];
  }

  /**
   * Records one packet's level.
   *
   * @param level          RFC 6464 level, 0 (loudest) to 127 (silence), i.e. -dBov
   * @param durationNanos  audio the packet carries (20 ms for typical Opus)
   */
  public void observe(int level, long durationNanos, long nowNanos) {
    roll(nowNanos);
    if (level <= config.activeLevel()) {
      activeNanos += durationNanos;
      activeSum += Math.pow(10, -level / 20.0);
      activeCount++;
    }
  }

  /** The smoothed level at {@code nowNanos}, closing any intervals that have ended. */
  public double level(long nowNanos) {
    roll(nowNanos);
    return smoothed;
  }

  private void roll(long nowNanos) {
    if (intervalStart == Long.MIN_VALUE) {
      intervalStart = nowNanos;
      return;
    }
    long interval = config.updateIntervalNanos();
    while (nowNanos - intervalStart >= interval) {
      boolean speaking = activeNanos * 100 >= interval * config.minPercentile() && activeCount > 0;
      double level = speaking ? activeSum / activeCount : 0;
      recent[recentNext] = level;
      recentNext = (recentNext + 1) % recent.length;
      double sum = 0;
      for (double l : recent) {
        sum += l;
      }
      smoothed = sum / recent.length;
      activeNanos = 0;
      activeSum = 0;
      activeCount = 0;
      intervalStart += interval;
      if (nowNanos - intervalStart >= interval * (long) config.smoothIntervals() * 4) {
        intervalStart = nowNanos; // long silence (no packets, e.g. DTX): skip ahead
        java.util.Arrays.fill(recent, 0);
        smoothed = 0;
      }
    }
  }
}
