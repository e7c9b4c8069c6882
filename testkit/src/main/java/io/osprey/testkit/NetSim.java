package io.osprey.testkit;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * A deterministic simulated network in virtual time: datagrams go in with the time they were sent
 * and come out at the time they arrive, after the loss, delay, jitter, reordering, duplication and
 * rate cap of the link between the two addresses. The same seed gives the same run.
 *
 * <p>Links are directional and keyed by (source, destination); unknown pairs use the default
 * conditions. Not thread-safe: a test drives it from one thread.
 */
public final class NetSim {
  private record Link(InetSocketAddress from, InetSocketAddress to) {}

  private record InFlight(long arrivalNanos, long order, Datagram datagram) {}

  /** Bottleneck state of one directional link. */
  private static final class Bottleneck {
    long busyUntilNanos;
    final ArrayList<long[]> queued = new ArrayList<>(); // {departureNanos, bytes}
  }

  private final SplittableRandom random;
  private final LinkConditions defaults;
  private final Map<Link, LinkConditions> links = new HashMap<>();
  private final Map<Link, Bottleneck> bottlenecks = new HashMap<>();
  private final PriorityQueue<InFlight> inFlight =
      new PriorityQueue<>((a, b) -> a.arrivalNanos != b.arrivalNanos
          ? Long.compare(a.arrivalNanos, b.arrivalNanos) : Long.compare(a.order, b.order));
  private long order;
  private long sent;
  private long dropped;
  private long delivered;

  public NetSim(long seed, LinkConditions defaults) {
    this.random = new SplittableRandom(seed);
    this.defaults = defaults;
  }

  /** Sets the conditions of the link from {@code from} to {@code to} (one direction). */
  public void setLink(InetSocketAddress from, InetSocketAddress to, LinkConditions conditions) {
    links.put(new Link(from, to), conditions);
  }

  /** Sets the conditions both ways between two addresses. */
  public void setPath(InetSocketAddress a, InetSocketAddress b, LinkConditions conditions) {
    setLink(a, b, conditions);
    setLink(b, a, conditions);
  }

  /** Puts a datagram on the wire at {@code nowNanos}. */
  public void send(Datagram datagram, long nowNanos) {
    sent++;
    Link link = new Link(datagram.source(), datagram.destination());
    LinkConditions c = links.getOrDefault(link, defaults);
    if (c.loss() > 0 && random.nextDouble() < c.loss()) {
      dropped++;
      return;
    }
    long departure = nowNanos;
    if (c.rateBitsPerSecond() > 0) {
      Bottleneck b = bottlenecks.computeIfAbsent(link, k -> new Bottleneck());
      b.queued.removeIf(q -> q[0] <= nowNanos);
      long queuedBytes = 0;
      for (long[] q : b.queued) {
        queuedBytes += q[1];
      }
      if (c.queueBytes() > 0 && queuedBytes + datagram.payload().length > c.queueBytes()) {
        dropped++;
        return;
      }
      long serialization = datagram.payload().length * 8L * 1_000_000_000L / c.rateBitsPerSecond();
      b.busyUntilNanos = Math.max(b.busyUntilNanos, nowNanos) + serialization;
      departure = b.busyUntilNanos;
      b.queued.add(new long[] {departure, datagram.payload().length});
    }
    schedule(datagram, departure + oneWayDelay(c));
    if (c.duplicate() > 0 && random.nextDouble() < c.duplicate()) {
      schedule(datagram, departure + oneWayDelay(c));
    }
  }

  private long oneWayDelay(LinkConditions c) {
    long delay = c.delayNanos();
    if (c.jitterNanos() > 0) {
      delay += random.nextLong(c.jitterNanos() + 1);
    }
    if (c.reorder() > 0 && random.nextDouble() < c.reorder()) {
      delay += 2 * c.delayNanos() + 1_000_000;
    }
    return delay;
  }

  private void schedule(Datagram datagram, long arrivalNanos) {
    inFlight.add(new InFlight(arrivalNanos, order++, datagram));
  }

  /** Removes and returns, in arrival order, every datagram that has arrived by {@code nowNanos}. */
  public List<Datagram> pollArrived(long nowNanos) {
    List<Datagram> out = new ArrayList<>();
    while (!inFlight.isEmpty() && inFlight.peek().arrivalNanos <= nowNanos) {
      out.add(inFlight.poll().datagram);
      delivered++;
    }
    return out;
  }

  /** The arrival time of the next datagram in flight, or {@link Long#MAX_VALUE} if none. */
  public long nextArrivalNanos() {
    return inFlight.isEmpty() ? Long.MAX_VALUE : inFlight.peek().arrivalNanos;
  }

  public long sentCount() {
    return sent;
  }

  public long droppedCount() {
    return dropped;
  }

  public long deliveredCount() {
    return delivered;
  }
}
