package io.osprey.cli.load;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Every counter of one load test, and the sums the progress line and the result are made of:
 * subscribed tracks, tracks that delivered media, packets, bytes, gaps, latency and join-to-first-
 * packet times.
 */
public final class LoadMeter {
  /** What every counted track has received so far. */
  public record Totals(long packets, long bytes, long lost, long tracksReceived) {}

  private final ConcurrentLinkedQueue<TrackCounter> tracks = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<Long> firstPacketNanos = new ConcurrentLinkedQueue<>();
  private final Histogram latency = new Histogram();

  /** A subscriber that starts joining at {@code joinStartedNanos}. */
  public SubscriberMeter subscriber(long joinStartedNanos) {
    return new SubscriberMeter(this, joinStartedNanos);
  }

  Histogram latency() {
    return latency;
  }

  void add(TrackCounter c) {
    tracks.add(c);
  }

  void firstPacket(long nanos) {
    firstPacketNanos.add(nanos);
  }

  /** Forgets the latencies so far (the measurement window starts). */
  public void clearLatency() {
    latency.clear();
  }

  /** Subscribers that have received a packet. */
  public int subscribersReceiving() {
    return firstPacketNanos.size();
  }

  /** Sums over every track; a track counts as received once a packet of it arrived. */
  public Totals totals() {
    long packets = 0;
    long bytes = 0;
    long lost = 0;
    long received = 0;
    for (TrackCounter t : tracks) {
      long p = t.packets();
      packets += p;
      bytes += t.bytes();
      lost += t.lost();
      received += p > 0 ? 1 : 0;
    }
    return new Totals(packets, bytes, lost, received);
  }

  /** Latency at quantile {@code q} in milliseconds, NaN if nothing was timed. */
  public double latencyMs(double q) {
    return latency.percentile(q) / 1000.0;
  }

  /** The median join-to-first-packet time in milliseconds, NaN if none. */
  public double firstPacketP50Ms() {
    List<Long> first = new ArrayList<>(firstPacketNanos);
    first.sort(null);
    return first.isEmpty() ? Double.NaN : first.get(first.size() / 2) / 1e6;
  }
}
