package io.osprey.sfu.bwe;

/**
 * One subscriber's downstream bandwidth estimate, from the transport-wide congestion control
 * feedback it sends about the packets we sent it (draft-ietf-rmcat-gcc-02, send-side variant).
 *
 * <p>For each fed-back packet the caller gives our send time, its arrival time at the receiver
 * (or that it was lost) and its size. Packets sent within 5 ms form a group; the delay variation
 * between groups drives a {@link TrendlineDetector}; its verdict drives an AIMD rate controller
 * (§5.5): increase multiplicatively (8 %/s) while far from the last congestion point and
 * additively near it, hold on underuse, and on overuse drop to 85 % of what was acknowledged.
 * A loss-based controller (§6) caps the result: above 10 % loss it cuts by half the loss, below
 * 2 % it allows 5 % more. The stream allocator reads {@link #estimateBps()}.
 *
 * <p>Sans-IO: time is an argument; nothing is allocated per packet. Owned by one event loop.
 */
public final class SendSideEstimator {
  /** Limits and start value of the estimate. */
  public record Config(long startBps, long minBps, long maxBps) {
    public Config {
      if (minBps <= 0 || startBps < minBps || maxBps < startBps) {
        throw new IllegalArgumentException("need 0 < min <= start <= max: " + this);
      }
    }

    public static Config defaults() {
      return new Config(1_000_000, 30_000, 20_000_000);
    }
  }

  private static final long GROUP_NANOS = 5_000_000;

  private final Config config;
  private final TrendlineDetector detector = new TrendlineDetector();
  private final AckedBitrate acked = new AckedBitrate(500_000_000);

  private long delayBasedBps;
  private long lossBasedBps;
  private long lastIncreaseNanos = Long.MIN_VALUE;
  private double congestionPointBps = -1;

  // The group being filled and the last complete one.
  private long groupFirstSend = Long.MIN_VALUE;
  private long groupLastSend;
  private long groupLastArrival;
  private long prevGroupSend = Long.MIN_VALUE;
  private long prevGroupArrival;

  private int feedbackReceived;
  private int feedbackLost;
  private long lossWindowStart = Long.MIN_VALUE;

  public SendSideEstimator(Config config) {
    this.config = config;
    this.delayBasedBps = config.startBps();
    this.lossBasedBps = config.startBps();
  }

  /**
   * Feeds one packet's fate from a TWCC feedback message.
   *
   * @param sendNanos    when we sent it (our clock)
   * @param arrivalNanos when it arrived (the receiver's clock, any origin), ignored if lost
   * @param lost         whether the feedback reports it lost
   * @param size         its size in bytes
   */
  public void handlePacketFeedback(long sendNanos, long arrivalNanos, boolean lost, int size, long nowNanos) {
    if (lost) {
      feedbackLost++;
      return;
    }
    feedbackReceived++;
    acked.add(arrivalNanos, size);
    if (groupFirstSend == Long.MIN_VALUE) {
      startGroup(sendNanos, arrivalNanos);
      return;
    }
    if (sendNanos - groupFirstSend <= GROUP_NANOS) {
      groupLastSend = Math.max(groupLastSend, sendNanos);
      groupLastArrival = Math.max(groupLastArrival, arrivalNanos);
      return;
    }
    if (prevGroupSend != Long.MIN_VALUE) {
      double sendGapMs = (groupLastSend - prevGroupSend) / 1e6;
      double arrivalGapMs = (groupLastArrival - prevGroupArrival) / 1e6;
      TrendlineDetector.Usage usage =
          detector.update(arrivalGapMs - sendGapMs, sendGapMs, groupLastArrival / 1e6);
      control(usage, nowNanos);
    }
    prevGroupSend = groupLastSend;
    prevGroupArrival = groupLastArrival;
    startGroup(sendNanos, arrivalNanos);
  }

  /**
   * Closes a feedback message: updates the loss-based estimate once per ~second of feedback.
   */
  public void handleFeedbackEnd(long nowNanos) {
    if (lossWindowStart == Long.MIN_VALUE) {
      lossWindowStart = nowNanos;
    }
    int total = feedbackReceived + feedbackLost;
    if (nowNanos - lossWindowStart < 1_000_000_000L || total < 20) {
      return;
    }
    double loss = (double) feedbackLost / total;
    if (loss > 0.10) {
      lossBasedBps = clamp((long) (Math.min(lossBasedBps, delayBasedBps) * (1 - 0.5 * loss)));
    } else if (loss < 0.02) {
      lossBasedBps = clamp((long) (Math.max(lossBasedBps, delayBasedBps) * 1.05));
    }
    feedbackReceived = 0;
    feedbackLost = 0;
    lossWindowStart = nowNanos;
  }

  /**
   * A probe cluster's measured rate ({@link Prober}): the estimate rises to it at once, as
   * libwebrtc's rate control takes a probe result, instead of climbing there at 8 % a second. A
   * probe never lowers the estimate: delay and loss do that.
   */
  public void handleProbeResult(long bps, long nowNanos) {
    long raised = clamp(bps);
    if (raised <= estimateBps()) {
      return;
    }
    delayBasedBps = Math.max(delayBasedBps, raised);
    lossBasedBps = Math.max(lossBasedBps, raised);
    congestionPointBps = -1;
    lastIncreaseNanos = nowNanos;
  }

  /** The current estimate: the delay-based one capped by the loss-based one. */
  public long estimateBps() {
    return Math.min(delayBasedBps, lossBasedBps);
  }

  /** The acknowledged (delivered) bitrate, or -1 if not yet known. */
  public long ackedBps(long nowNanos) {
    return acked.bitsPerSecond(nowNanos);
  }

  private void startGroup(long sendNanos, long arrivalNanos) {
    groupFirstSend = sendNanos;
    groupLastSend = sendNanos;
    groupLastArrival = arrivalNanos;
  }

  private void control(TrendlineDetector.Usage usage, long nowNanos) {
    long ackedBps = acked.bitsPerSecond(nowNanos);
    switch (usage) {
      case OVERUSE -> {
        long base = ackedBps > 0 ? ackedBps : delayBasedBps;
        long decreased = (long) (0.85 * base);
        if (decreased < delayBasedBps) {
          delayBasedBps = clamp(decreased);
          congestionPointBps = base;
        }
        lastIncreaseNanos = nowNanos;
      }
      case UNDERUSE -> lastIncreaseNanos = nowNanos; // hold while the queue drains
      case NORMAL -> increase(ackedBps, nowNanos);
    }
  }

  private void increase(long ackedBps, long nowNanos) {
    if (lastIncreaseNanos == Long.MIN_VALUE) {
      lastIncreaseNanos = nowNanos;
      return;
    }
    double seconds = Math.min(1.0, (nowNanos - lastIncreaseNanos) / 1e9);
    lastIncreaseNanos = nowNanos;
    boolean nearCongestion = congestionPointBps > 0
        && Math.abs(delayBasedBps - congestionPointBps) < 0.2 * congestionPointBps;
    long next;
    if (nearCongestion) {
      // Additive: about one 1200-byte packet per response time (~100 ms + RTT) per second.
      next = delayBasedBps + (long) (Math.max(1000, 1200 * 8 / 0.2) * seconds);
    } else {
      next = (long) (delayBasedBps * Math.pow(1.08, seconds));
    }
    // Never run far ahead of what the path has shown it can deliver.
    if (ackedBps > 0) {
      next = Math.min(next, (long) (1.5 * ackedBps) + 10_000);
    }
    delayBasedBps = clamp(Math.max(next, delayBasedBps));
  }

  private long clamp(long bps) {
    return Math.max(config.minBps(), Math.min(config.maxBps(), bps));
  }
}
