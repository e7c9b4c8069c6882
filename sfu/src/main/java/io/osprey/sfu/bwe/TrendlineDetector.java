package io.osprey.sfu.bwe;

/**
 * Detects whether the path's queue is growing (overuse), draining (underuse) or steady, from the
 * delay variation between consecutive packet groups (draft-ietf-rmcat-gcc-02 §5.3, with the
 * trendline filter libwebrtc replaced the Kalman filter with).
 *
 * <p>Each delay variation is accumulated and smoothed; the slope of a least-squares line through
 * the last {@code window} (time, smoothed delay) points, scaled, is compared with an adaptive
 * threshold (§5.4): overuse only if it stays above for a while and keeps growing.
 */
final class TrendlineDetector {
  /** The detector's verdict. */
  enum Usage { NORMAL, OVERUSE, UNDERUSE }

  private static final int WINDOW = 20;
  private static final double SMOOTHING = 0.9;
  private static final double GAIN = 4.0;
  private static final double K_UP = 0.0087;
  private static final double K_DOWN = 0.039;
  private static final double OVERUSE_TIME_MS = 10;

  private final double[] times = new double[WINDOW];
  private final double[] delays = new double[WINDOW];
  private int count;
  private int next;
  private int deltas;
  private double accumulated;
  private double smoothed;
  private double firstArrivalMs = Double.NaN;
  private double threshold = 12.5;
  private double lastThresholdUpdateMs = Double.NaN;
  private double overuseMs;
  private int overuseCount;
  private double previousTrend;
  private Usage usage = Usage.NORMAL;

  /**
   * Adds one group's delay variation.
   *
   * @param delayVariationMs (arrival gap - send gap) between this group and the previous one
   * @param sendGapMs        send time gap between the two groups
   * @param arrivalMs        this group's arrival time
   */
  Usage update(double delayVariationMs, double sendGapMs, double arrivalMs) {
    if (Double.isNaN(firstArrivalMs)) {
      firstArrivalMs = arrivalMs;
    }
    deltas = Math.min(deltas + 1, 1000);
    accumulated += delayVariationMs;
    smoothed = SMOOTHING * smoothed + (1 - SMOOTHING) * accumulated;
    times[next] = arrivalMs - firstArrivalMs;
    delays[next] = smoothed;
    next = (next + 1) % WINDOW;
    count = Math.min(count + 1, WINDOW);
    if (count == WINDOW) {
      double trend = slope() * Math.min(deltas, 60) * GAIN;
      detect(trend, sendGapMs, arrivalMs);
    }
    return usage;
  }

  Usage usage() {
    return usage;
  }

  private double slope() {
    double meanX = 0;
    double meanY = 0;
    for (int i = 0; i < WINDOW; i++) {
      meanX += times[i];
      meanY += delays[i];
    }
    meanX /= WINDOW;
    meanY /= WINDOW;
    double num = 0;
    double den = 0;
    for (int i = 0; i < WINDOW; i++) {
      num += (times[i] - meanX) * (delays[i] - meanY);
      den += (times[i] - meanX) * (times[i] - meanX);
    }
    return den == 0 ? 0 : num / den;
  }

  private void detect(double trend, double sendGapMs, double nowMs) {
    if (trend > threshold) {
      overuseMs += sendGapMs;
      overuseCount++;
      if (overuseMs > OVERUSE_TIME_MS && overuseCount > 1 && trend >= previousTrend) {
        overuseMs = 0;
        overuseCount = 0;
        usage = Usage.OVERUSE;
      }
    } else if (trend < -threshold) {
      overuseMs = 0;
      overuseCount = 0;
      usage = Usage.UNDERUSE;
    } else {
      overuseMs = 0;
      overuseCount = 0;
      usage = Usage.NORMAL;
    }
    previousTrend = trend;
    adaptThreshold(trend, nowMs);
  }

  private void adaptThreshold(double trend, double nowMs) {
    if (Double.isNaN(lastThresholdUpdateMs)) {
      lastThresholdUpdateMs = nowMs;
    }
    if (Math.abs(trend) > threshold + 15) {
      lastThresholdUpdateMs = nowMs; // a spike: do not chase it
      return;
    }
    double k = Math.abs(trend) < threshold ? K_DOWN : K_UP;
    double elapsed = Math.min(nowMs - lastThresholdUpdateMs, 100);
    threshold += k * (Math.abs(trend) - threshold) * elapsed;
    threshold = Math.max(6, Math.min(600, threshold));
    lastThresholdUpdateMs = nowMs;
  }
}
