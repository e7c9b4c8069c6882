package io.osprey.sdk.room;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiPredicate;
import java.util.function.Predicate;

/**
 * Reliable data published while the room is rejoining: held in order (bounded) and sent once the
 * room is back, so a message published during a node's drain or a reconnect is neither lost nor
 * reordered. Sending waits (at most {@link #AWAIT_NANOS} from the room's return) until the
 * participants present when the connection was lost are back in the room too, as they rejoin at
 * about the same time and data reaches only those present. (The wait counts from the return, not
 * from the loss: a rejoin after a node died takes as long as the cluster needs to notice, and the
 * others come back when it has.) A message that does not fit fails its future at once, saying so.
 * Lives on the room's loop.
 */
final class OutgoingData {
  /** Messages held at most. */
  static final int MAX_MESSAGES = 4096;
  /** Bytes held at most. */
  static final int MAX_BYTES = 4 << 20;
  /** How long a rejoined room waits for the participants it had before sending what it held. */
  static final long AWAIT_NANOS = 3_000_000_000L;

  private record Held(byte[] packet, CompletableFuture<Void> done) {}

  private final ArrayDeque<Held> held = new ArrayDeque<>();
  private int bytes;
  private Set<String> awaited = Set.of();
  private boolean waiting;
  private long awaitSince;

  /** Whether messages are held: new ones queue behind them to keep their order. */
  boolean holding() {
    return !held.isEmpty();
  }

  /** The connection was lost: after the rejoin, sending waits for {@code present} to be back. */
  void lost(Collection<String> present) {
    awaited = Set.copyOf(present);
    waiting = false;
  }

  /** Holds a message; false (the future failed) when the bounds are reached. */
  boolean hold(byte[] packet, CompletableFuture<Void> done) {
    if (held.size() >= MAX_MESSAGES || bytes + packet.length > MAX_BYTES) {
      done.completeExceptionally(new RoomException("data cannot be sent: the room is rejoining and "
          + held.size() + " messages (" + bytes + " bytes) are waiting already"));
      return false;
    }
    held.add(new Held(packet, done));
    bytes += packet.length;
    return true;
  }

  /**
   * Sends what is held through {@code send} (false: not sent now, try later) once every awaited
   * participant is {@code back}, or the wait, which begins at the first call, is over. Returns
   * true when nothing is held any more.
   */
  boolean flush(Predicate<String> back, BiPredicate<byte[], CompletableFuture<Void>> send, long nowNanos) {
    if (held.isEmpty()) {
      return true;
    }
    if (!waiting) {
      waiting = true;
      awaitSince = nowNanos;
    }
    if (nowNanos - awaitSince < AWAIT_NANOS && !awaited.stream().allMatch(back)) {
      return false;
    }
    while (!held.isEmpty()) {
      Held h = held.peek();
      if (!send.test(h.packet(), h.done())) {
        return false;
      }
      held.poll();
      bytes -= h.packet().length;
      h.done().complete(null);
    }
    return true;
  }

  /** The room is gone: every held message fails. */
  void failAll(String why) {
    for (Held h; (h = held.poll()) != null; ) {
      h.done().completeExceptionally(new RoomException("data was not sent: " + why));
    }
    bytes = 0;
  }
}
