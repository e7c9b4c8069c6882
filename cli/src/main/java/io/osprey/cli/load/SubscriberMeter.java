package io.osprey.cli.load;

/**
 * One subscriber's share of the measurement: when it started joining, when its first packet came
 * (join to first packet), and a {@link TrackCounter} per track it receives.
 */
public final class SubscriberMeter {
  private final LoadMeter meter;
  private final long joinStartedNanos;
  private volatile boolean first;

  SubscriberMeter(LoadMeter meter, long joinStartedNanos) {
    this.meter = meter;
    this.joinStartedNanos = joinStartedNanos;
  }

  /** A counter for a new track of this subscriber, whose payloads are laid out as {@code payload}. */
  public TrackCounter track(TrackCounter.Payload payload) {
    TrackCounter c = new TrackCounter(this, payload, meter.latency());
    meter.add(c);
    return c;
  }

  void firstPacket(long nowNanos) {
    if (!first) {
      first = true;
      meter.firstPacket(nowNanos - joinStartedNanos);
    }
  }
}
