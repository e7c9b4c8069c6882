package io.osprey.transport.io;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.osprey.transport.session.PeerOutput;
import io.osprey.transport.session.PeerSession;
import io.osprey.wire.demux.PacketKind;
import io.osprey.wire.stun.StunFormatException;
import io.osprey.wire.stun.StunMessage;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Many {@link PeerSession}s on one UDP port (LiveKit's 7882 mux): a STUN check is routed by the
 * local ufrag in its USERNAME and teaches the mux the peer's address; every other datagram is
 * routed by that address. All sessions of a mux live on its channel's event loop: inputs, timers
 * and outputs are handled there, so sessions need no locks.
 *
 * <p>ICE-TCP (RFC 6544, passive): {@link #listenTcp} accepts connections whose frames use RFC 4571
 * framing (a 16-bit length before each STUN/DTLS/RTP packet); their connections are served on the
 * same loop, and a session's transmits to a TCP peer go back over that peer's connection.
 */
public final class UdpMux implements AutoCloseable {
  /** A registered session and what to do with its non-datagram outputs. */
  private static final class Entry {
    final PeerSession session;
    final BiConsumer<PeerSession, PeerOutput> listener;
    /** The session's ufrag as routed; an ICE restart changes the session's, and the next flush follows it. */
    String ufrag;
    ScheduledFuture<?> timer;
    long timerAt = Long.MAX_VALUE;
    boolean removed;
    final java.util.concurrent.atomic.AtomicBoolean wakePending = new java.util.concurrent.atomic.AtomicBoolean();

    Entry(PeerSession session, BiConsumer<PeerSession, PeerOutput> listener) {
      this.session = session;
      this.listener = listener;
    }
  }

  private final Channel channel;
  private final Map<String, Entry> byUfrag = new HashMap<>();
  private final Map<PeerSession, Entry> bySession = new java.util.IdentityHashMap<>();
  private final Map<InetSocketAddress, Entry> byRemote = new HashMap<>();
  private final Map<InetSocketAddress, Channel> tcpPeers = new HashMap<>();
  private Channel tcpServer;
  private boolean flushPending; // on the loop
  private long unroutable;
  private long sendFailures;
  private volatile double lossRate;
  private final java.util.SplittableRandom lossRandom = new java.util.SplittableRandom(7);
  private long simulatedDrops;
  private volatile long egressLimitBps;
  private double egressTokens;
  private long egressRefilledAt;

  /** Binds {@code address} (port 0 picks a free port) on a loop of {@code group}. */
  public UdpMux(EventLoopGroup group, Class<? extends DatagramChannel> channelType, InetSocketAddress address)
      throws InterruptedException {
    this(group, channelType, address, null);
  }

  /** Binds with the host's native transport ({@code group} must come from the same {@link NativeTransport}). */
  public UdpMux(EventLoopGroup group, NativeTransport transport, InetSocketAddress address) throws InterruptedException {
    this(group, transport.datagramChannel(), address, transport);
  }

  private UdpMux(EventLoopGroup group, Class<? extends DatagramChannel> channelType, InetSocketAddress address,
                 NativeTransport transport) throws InterruptedException {
    Bootstrap bootstrap = new Bootstrap();
    if (transport != null) {
      transport.configure(bootstrap);
    }
    this.channel = bootstrap.group(group).channel(channelType)
        .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
          @Override
          protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            receive(packet);
          }

          @Override
          public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            sendFailures++; // writes go without promises: a datagram the kernel refused is lost, as on the wire
          }
        })
        .bind(address).sync().channel();
  }

  public InetSocketAddress localAddress() {
    return (InetSocketAddress) channel.localAddress();
  }

  /** Registers a session (from any thread); its outputs other than datagrams go to {@code listener} on the loop. */
  public void register(PeerSession session, BiConsumer<PeerSession, PeerOutput> listener) {
    Entry e = new Entry(session, listener);
    // DTLS handshakes run beside the loop and wake it when they have something (many at once, one task)
    session.setWakeup(() -> {
      if (e.wakePending.compareAndSet(false, true)) {
        channel.eventLoop().execute(() -> {
          e.wakePending.set(false);
          e.session.handleWakeup(System.nanoTime());
          flush(e);
        });
      }
    });
    if (channel.eventLoop().inEventLoop()) {
      add(e);
    } else {
      channel.eventLoop().execute(() -> add(e));
    }
  }

  private void add(Entry e) {
    // media goes straight to the socket as it is protected; the rest comes out of the session's outputs
    e.session.setMediaSink((local, remote, data, off, len) -> {
      if (!e.removed) {
        send(remote, data, off, len);
      }
    });
    e.ufrag = e.session.localUfrag();
    byUfrag.put(e.ufrag, e);
    bySession.put(e.session, e);
  }

  /** Runs {@code work} on the mux's loop (e.g. sending media into a session), then flushes the session. */
  public void execute(PeerSession session, Runnable work) {
    channel.eventLoop().execute(() -> {
      work.run();
      Entry e = bySession.get(session);
      if (e != null) {
        flush(e);
      }
    });
  }

  /** The loop every session of this mux lives on. */
  public io.netty.channel.EventLoop eventLoop() {
    return channel.eventLoop();
  }

  /**
   * Sends what {@code session} has queued and re-arms its timer. Call on {@link #eventLoop()} after
   * driving a session from outside its own input (e.g. forwarding media into a subscriber).
   */
  public void flush(PeerSession session) {
    Entry e = bySession.get(session);
    if (e != null) {
      flush(e);
    }
  }

  /** Forgets a session (on the loop); its timer is cancelled. */
  public void unregister(PeerSession session) {
    Entry e = bySession.remove(session);
    if (e != null) {
      byUfrag.remove(e.ufrag);
      e.removed = true; // a flush still queued for it must not arm a timer again
      byRemote.values().removeIf(x -> x == e);
      if (e.timer != null) {
        e.timer.cancel(false);
      }
    }
  }

  /**
   * Test hook: drops this share of datagrams both ways (0 turns it off), to prove recovery (NACK,
   * retransmission, key frame requests) end to end.
   */
  public void simulateLoss(double rate) {
    if (rate < 0 || rate >= 1) {
      throw new IllegalArgumentException("loss rate must be in [0, 1): " + rate);
    }
    lossRate = rate;
  }

  /**
   * Test hook: polices what the mux sends to {@code bitsPerSecond} (a token bucket holding 100 ms
   * of it; datagrams beyond are dropped, as a congested link would), 0 turns it off.
   */
  public void simulateEgressLimit(long bitsPerSecond) {
    egressLimitBps = bitsPerSecond;
  }

  private boolean overEgressLimit(int bytes) {
    long limit = egressLimitBps;
    if (limit <= 0) {
      return false;
    }
    long now = System.nanoTime();
    double capacity = limit / 8.0 / 10; // 100 ms of the rate, in bytes
    egressTokens = Math.min(capacity, egressTokens + (now - egressRefilledAt) * (limit / 8.0) / 1e9);
    egressRefilledAt = now;
    if (egressTokens < bytes) {
      simulatedDrops++;
      return true;
    }
    egressTokens -= bytes;
    return false;
  }

  /** Datagrams the loss hook dropped (read on the loop). */
  public long simulatedDrops() {
    return simulatedDrops;
  }

  private boolean lose() {
    if (lossRate > 0 && lossRandom.nextDouble() < lossRate) {
      simulatedDrops++;
      return true;
    }
    return false;
  }

  /** Datagrams the kernel refused to send (read on the loop). */
  public long sendFailures() {
    return sendFailures;
  }

  /** Datagrams that matched no session. */
  public long unroutableCount() {
    return unroutable;
  }

  /**
   * Accepts ICE-TCP connections on {@code address} (LiveKit's 7881), RFC 4571 framed (frames are
   * at most 65535 bytes by construction of the 16-bit length).
   */
  public InetSocketAddress listenTcp(Class<? extends ServerChannel> serverType, InetSocketAddress address)
      throws InterruptedException {
    tcpServer = new ServerBootstrap().group(channel.eventLoop(), channel.eventLoop()).channel(serverType)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline()
                .addLast(new LengthFieldBasedFrameDecoder(65535 + 2, 0, 2, 0, 2))
                .addLast(new LengthFieldPrepender(2))
                .addLast(new SimpleChannelInboundHandler<ByteBuf>() {
                  @Override
                  protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
                    InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
                    tcpPeers.put(remote, ctx.channel());
                    receive(ByteBufUtil.getBytes(frame), remote, (InetSocketAddress) ctx.channel().localAddress());
                  }

                  @Override
                  public void channelInactive(ChannelHandlerContext ctx) {
                    tcpPeers.remove((InetSocketAddress) ctx.channel().remoteAddress());
                  }

                  @Override
                  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                    ctx.close(); // an over-long or broken frame ends that connection only
                  }
                });
          }
        })
        .bind(address).sync().channel();
    return (InetSocketAddress) tcpServer.localAddress();
  }

  private void receive(DatagramPacket packet) {
    receive(ByteBufUtil.getBytes(packet.content()), packet.sender(), localAddress());
  }

  private void receive(byte[] data, InetSocketAddress remote, InetSocketAddress local) {
    if (lose()) {
      return;
    }
    Entry e = null;
    if (PacketKind.of(data, 0, data.length) == PacketKind.STUN) {
      try {
        String user = StunMessage.parse(data, 0, data.length).username();
        if (user != null) {
          int colon = user.indexOf(':');
          e = byUfrag.get(colon < 0 ? user : user.substring(0, colon));
          if (e != null) {
            byRemote.put(remote, e);
          }
        }
      } catch (StunFormatException ignored) {
        // malformed STUN: dropped below
      }
    }
    if (e == null) {
      e = byRemote.get(remote);
    }
    if (e == null) {
      unroutable++;
      return;
    }
    e.session.handleDatagram(local, remote, data, 0, data.length, System.nanoTime());
    flush(e);
  }

  private void flush(Entry e) {
    if (!e.removed && !e.ufrag.equals(e.session.localUfrag())) { // ICE restart: checks now name the new ufrag
      byUfrag.remove(e.ufrag);
      e.ufrag = e.session.localUfrag();
      byUfrag.put(e.ufrag, e);
    }
    for (PeerOutput o; (o = e.session.poll()) != null; ) {
      if (o instanceof PeerOutput.Transmit t) {
        send(t.remote(), t.data(), 0, t.data().length);
      } else {
        e.listener.accept(e.session, o);
        if (o instanceof PeerOutput.Closed) {
          unregister(e.session);
        }
      }
    }
    schedule(e);
  }

  /**
   * Writes one datagram (to the peer's TCP connection if it came over ICE-TCP); the socket is flushed once the loop
   * is done, see {@link #flushSoon()}. Copies {@code data}, once, into a pooled direct buffer: the caller's array is
   * free again on return. On the loop.
   */
  private void send(InetSocketAddress remote, byte[] data, int off, int len) {
    if (lose() || overEgressLimit(len)) {
      return;
    }
    Channel tcp = tcpPeers.isEmpty() ? null : tcpPeers.get(remote);
    if (tcp != null) {
      tcp.writeAndFlush(Unpooled.copiedBuffer(data, off, len), tcp.voidPromise());
      return;
    }
    channel.write(new DatagramPacket(channel.alloc().directBuffer(len).writeBytes(data, off, len), remote),
        channel.voidPromise());
    flushSoon();
  }

  /**
   * Flushes the socket once the loop has finished what it is doing: everything written while
   * handling one batch of input (a packet fanned out to every subscriber, a recvmmsg batch) leaves
   * in one flush, which the epoll transport turns into sendmmsg calls of many datagrams.
   */
  private void flushSoon() {
    if (!flushPending) {
      flushPending = true;
      channel.eventLoop().execute(() -> {
        flushPending = false;
        channel.flush();
      });
    }
  }

  private void schedule(Entry e) {
    long deadline = e.session.nextDeadlineNanos();
    if (e.removed || deadline == Long.MAX_VALUE || deadline >= e.timerAt) {
      return;
    }
    if (e.timer != null) {
      e.timer.cancel(false);
    }
    e.timerAt = deadline;
    long delay = Math.max(0, deadline - System.nanoTime());
    e.timer = channel.eventLoop().schedule(() -> {
      e.timerAt = Long.MAX_VALUE;
      e.session.handleTimeout(System.nanoTime());
      flush(e);
    }, delay, TimeUnit.NANOSECONDS);
  }

  @Override
  public void close() {
    channel.eventLoop().execute(() -> byUfrag.values().forEach(e -> e.session.close()));
    if (tcpServer != null) {
      tcpServer.close().syncUninterruptibly();
    }
    channel.close().syncUninterruptibly();
  }
}
