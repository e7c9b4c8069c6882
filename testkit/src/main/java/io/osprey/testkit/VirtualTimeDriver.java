package io.osprey.testkit;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Runs two or more {@link SimPeer}s against each other over a {@link NetSim} in virtual time:
 * it jumps the clock to the earliest of the next arrival and the peers' deadlines, delivers or
 * fires it, and collects what the peers transmit. No threads, no sleeps; a run is reproducible.
 */
public final class VirtualTimeDriver {
  private final NetSim net;
  private final List<SimPeer> peers = new ArrayList<>();
  private final Map<InetSocketAddress, SimPeer> byAddress = new HashMap<>();
  private long nowNanos;
  private long steps;
  private long undeliverable;

  public VirtualTimeDriver(NetSim net, long startNanos) {
    this.net = net;
    this.nowNanos = startNanos;
  }

  public VirtualTimeDriver add(SimPeer peer) {
    peers.add(peer);
    for (InetSocketAddress a : peer.addresses()) {
      byAddress.put(a, peer);
    }
    return this;
  }

  /** The current virtual time. */
  public long nowNanos() {
    return nowNanos;
  }

  public NetSim net() {
    return net;
  }

  /** Datagrams that arrived for an address no peer owns. */
  public long undeliverableCount() {
    return undeliverable;
  }

  /** Collects every peer's pending transmits onto the network. Call after poking a peer from a test. */
  public void flush() {
    for (SimPeer p : peers) {
      for (Datagram d : p.pollTransmits(nowNanos)) {
        net.send(d, nowNanos);
      }
    }
  }

  /**
   * Advances virtual time one event at a time until {@code done} is true or {@code maxNanos} of
   * virtual time have passed.
   *
   * @return whether {@code done} became true
   */
  public boolean runUntil(BooleanSupplier done, long maxNanos) {
    long end = nowNanos + maxNanos;
    flush();
    while (!done.getAsBoolean()) {
      long next = net.nextArrivalNanos();
      for (SimPeer p : peers) {
        next = Math.min(next, p.nextDeadlineNanos());
      }
      if (next == Long.MAX_VALUE || next > end) {
        nowNanos = Math.max(nowNanos, Math.min(end, next));
        return done.getAsBoolean();
      }
      nowNanos = Math.max(nowNanos, next);
      step();
    }
    return true;
  }

  /** Advances virtual time by {@code nanos}, processing every event on the way. */
  public void advance(long nanos) {
    long end = nowNanos + nanos;
    runUntil(() -> nowNanos >= end && nextEventNanos() > end, nanos);
    nowNanos = Math.max(nowNanos, end);
  }

  private long nextEventNanos() {
    long next = net.nextArrivalNanos();
    for (SimPeer p : peers) {
      next = Math.min(next, p.nextDeadlineNanos());
    }
    return next;
  }

  private void step() {
    steps++;
    for (Datagram d : net.pollArrived(nowNanos)) {
      SimPeer to = byAddress.get(d.destination());
      if (to == null) {
        undeliverable++;
        continue;
      }
      to.handleDatagram(d, nowNanos);
      for (Datagram out : to.pollTransmits(nowNanos)) {
        net.send(out, nowNanos);
      }
    }
    for (SimPeer p : peers) {
      if (p.nextDeadlineNanos() <= nowNanos) {
        p.handleTimeout(nowNanos);
      }
      for (Datagram out : p.pollTransmits(nowNanos)) {
        net.send(out, nowNanos);
      }
    }
  }

  /** How many events the driver has processed. */
  public long steps() {
    return steps;
  }
}
