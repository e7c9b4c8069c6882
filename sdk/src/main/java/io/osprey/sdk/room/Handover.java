package io.osprey.sdk.room;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.osprey.protocol.livekit.LivekitModels.DisconnectReason;
import io.osprey.protocol.livekit.LivekitRtc;
import io.osprey.protocol.livekit.LivekitRtc.SignalRequest;
import java.util.concurrent.TimeUnit;

/**
 * The connection a draining server asked us to leave (a LeaveRequest with action RECONNECT),
 * handed over without losing a message: nothing new is sent on it; once everything already sent
 * on it is acknowledged by the server's SCTP stack (so the server has forwarded it), we say leave
 * on its signal connection and rejoin elsewhere; it stays open, receiving, until the server
 * closes it (having delivered what others sent us) or {@link #RECEIVE_NANOS} pass. Lives on the
 * room's loop.
 *
 * <p>"In flight" is exact here: a message handed to the old connection before the leave arrived
 * is either acknowledged by the server before we rejoin or, after {@link #FLUSH_NANOS} without
 * an acknowledgement (the server vanished), reported in the log as possibly lost.
 */
final class Handover {
  private static final System.Logger log = System.getLogger(Handover.class.getName());
  /** The longest we wait for the server to acknowledge what we sent before rejoining anyway. */
  static final long FLUSH_NANOS = 2_000_000_000L;
  /** The longest the old connection stays open to receive. */
  static final long RECEIVE_NANOS = 10_000_000_000L;
  private static final long POLL_MILLIS = 5;

  /** The old signal connection's generation: what it says goes to this handover. */
  final int generation;
  private final SignalClient signal;
  private final RtcEngine engine;
  private final EventLoop loop;
  private final long startedNanos = System.nanoTime();
  private Runnable rejoin;
  private ScheduledFuture<?> poll;
  private ScheduledFuture<?> limit;
  private boolean left;
  private boolean closed;

  Handover(int generation, SignalClient signal, RtcEngine engine, EventLoop loop) {
    this.generation = generation;
    this.signal = signal;
    this.engine = engine;
    this.loop = loop;
  }

  /** Waits for our sent data to be acknowledged, then says leave and runs {@code rejoin} (once). */
  void start(Runnable rejoin) {
    this.rejoin = rejoin;
    limit = loop.schedule(this::close, RECEIVE_NANOS, TimeUnit.NANOSECONDS);
    check();
  }

  private void check() {
    if (left || closed) {
      return;
    }
    boolean pending = engine.dataPending();
    if (pending && System.nanoTime() - startedNanos < FLUSH_NANOS) {
      poll = loop.schedule(this::check, POLL_MILLIS, TimeUnit.MILLISECONDS);
      return;
    }
    if (pending) {
      log.log(System.Logger.Level.WARNING, "the server did not acknowledge all data we sent within "
          + FLUSH_NANOS / 1_000_000 + " ms of asking us to rejoin: some may be lost");
    }
    leave();
  }

  /** Tells the server we send nothing more here, and rejoins. */
  private void leave() {
    left = true;
    signal.send(SignalRequest.newBuilder().setLeave(LivekitRtc.LeaveRequest.newBuilder()
        .setReason(DisconnectReason.CLIENT_INITIATED).setAction(LivekitRtc.LeaveRequest.Action.RECONNECT)).build());
    log.log(System.Logger.Level.DEBUG, () -> "handover: all sent data acknowledged after "
        + (System.nanoTime() - startedNanos) / 1_000_000 + " ms; rejoining");
    rejoin.run();
  }

  /** Whether {@code e} is the old connection (it still delivers data, nothing else). */
  boolean owns(RtcEngine e) {
    return e == engine;
  }

  /**
   * The server closed the old signal connection: it has delivered what it had for us, or went
   * away. Either way nothing more will be acknowledged: rejoin now if we had not.
   */
  void signalClosed() {
    if (!left) {
      left = true;
      rejoin.run();
    }
    close();
  }

  /** Closes the old connection. */
  void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (poll != null) {
      poll.cancel(false);
    }
    if (limit != null) {
      limit.cancel(false);
    }
    signal.close();
    engine.close();
  }
}
