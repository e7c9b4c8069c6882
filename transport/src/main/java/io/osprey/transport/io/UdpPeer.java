package io.osprey.transport.io;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.ScheduledFuture;
import io.osprey.transport.session.PeerOutput;
import io.osprey.transport.session.PeerSession;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One client peer connection on its own UDP socket: the client side of {@link UdpMux}. A server
 * routes by the client's address, so every client connection needs a port of its own, but not a
 * thread: many of them share an {@link EventLoopGroup}, each pinned to one loop. The session and
 * everything that drives it live on {@link #eventLoop()}.
 */
public final class UdpPeer implements AutoCloseable {
  private Channel channel;
  private PeerSession session;
  private Consumer<PeerOutput> listener;
  private ScheduledFuture<?> timer;
  private long timerAt = Long.MAX_VALUE;
  private final java.util.concurrent.atomic.AtomicBoolean wakePending = new java.util.concurrent.atomic.AtomicBoolean();

  private UdpPeer() {}

  /**
   * Binds {@code address} (port 0: any free port) on a loop of {@code group}; pass an
   * {@link EventLoop} to pin the socket to that loop. The future completes on that loop, so it may
   * be called from the loop itself.
   */
  public static CompletableFuture<UdpPeer> bind(EventLoopGroup group, NativeTransport transport,
                                                InetSocketAddress address) {
    UdpPeer peer = new UdpPeer();
    Bootstrap bootstrap = new Bootstrap();
    transport.configure(bootstrap);
    CompletableFuture<UdpPeer> bound = new CompletableFuture<>();
    bootstrap.group(group).channel(transport.datagramChannel())
        .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
          @Override
          protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            peer.receive(packet);
          }
        })
        .bind(address).addListener((ChannelFuture f) -> {
          if (f.isSuccess()) {
            peer.channel = f.channel();
            bound.complete(peer);
          } else {
            bound.completeExceptionally(f.cause());
          }
        });
    return bound;
  }

  /** The bound address: the host candidate to give the session. */
  public InetSocketAddress localAddress() {
    return (InetSocketAddress) channel.localAddress();
  }

  public EventLoop eventLoop() {
    return channel.eventLoop();
  }

  /**
   * Drives {@code session} from now on (replacing any earlier one, as an ICE restart does); its
   * outputs other than datagrams go to {@code listener} on the loop. Call on the loop.
   */
  public void attach(PeerSession session, Consumer<PeerOutput> listener) {
    this.session = session;
    this.listener = listener;
    session.setWakeup(() -> { // the DTLS handshake runs beside the loop and wakes it
      if (wakePending.compareAndSet(false, true)) {
        channel.eventLoop().execute(() -> {
          wakePending.set(false);
          if (this.session == session) {
            session.handleWakeup(System.nanoTime());
            flush();
          }
        });
      }
    });
    flush();
  }

  /**
   * Sends what the session has queued, hands its events to the listener and re-arms its timer.
   * Call on the loop after driving the session from outside its own input (sending media, data,
   * applying an answer).
   */
  public void flush() {
    PeerSession s = session;
    if (s == null) {
      return;
    }
    boolean wrote = false;
    for (PeerOutput o; (o = s.poll()) != null; ) {
      if (o instanceof PeerOutput.Transmit t) {
        channel.write(new DatagramPacket(channel.alloc().buffer(t.data().length).writeBytes(t.data()), t.remote()));
        wrote = true;
      } else {
        listener.accept(o);
      }
    }
    if (wrote) {
      channel.flush();
    }
    schedule(s);
  }

  private void receive(DatagramPacket packet) {
    if (session != null) {
      byte[] data = ByteBufUtil.getBytes(packet.content());
      session.handleDatagram(localAddress(), packet.sender(), data, 0, data.length, System.nanoTime());
      flush();
    }
  }

  private void schedule(PeerSession s) {
    long deadline = s.nextDeadlineNanos();
    if (deadline == Long.MAX_VALUE || deadline >= timerAt) {
      return;
    }
    if (timer != null) {
      timer.cancel(false);
    }
    timerAt = deadline;
    timer = channel.eventLoop().schedule(() -> {
      timerAt = Long.MAX_VALUE;
      if (session == s) {
        s.handleTimeout(System.nanoTime());
        flush();
      }
    }, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
  }

  /** Closes the session (its last words are sent) and the socket. */
  @Override
  public void close() {
    channel.eventLoop().execute(() -> {
      if (session != null) {
        session.close();
        flush();
      }
      if (timer != null) {
        timer.cancel(false);
      }
      channel.close();
    });
  }
}
