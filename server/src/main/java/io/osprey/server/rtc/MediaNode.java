package io.osprey.server.rtc;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.osprey.server.config.ServerConfig;
import io.osprey.transport.dtls.DtlsCertificate;
import io.osprey.transport.io.NativeTransport;
import io.osprey.transport.io.UdpMux;
import io.osprey.transport.session.PeerOutput;
import io.osprey.transport.session.PeerSession;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The media side of this node: the UDP mux (LiveKit's {@code rtc.udp_port}), passive ICE-TCP
 * ({@code rtc.tcp_port}), the DTLS certificate every peer connection presents, and the addresses
 * advertised as host candidates. Every peer connection, and every room, lives on the mux's loop.
 */
public final class MediaNode implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MediaNode.class);

  private final ServerConfig.Rtc config;
  private final NativeTransport transport;
  private final EventLoopGroup group;
  private final UdpMux mux;
  private final DtlsCertificate certificate;
  private final List<InetSocketAddress> udpCandidates;
  private final List<InetSocketAddress> tcpCandidates;

  private final SpeakerDetector speakers;
  /** What runs every {@link #TICK_MILLIS} (participants' feedback, allocation, reports), on the loop. */
  private final List<Runnable> ticking = new ArrayList<>();
  static final long TICK_MILLIS = 20;
  private final io.osprey.protocol.livekit.LivekitModels.ServerInfo serverInfo;
  private final java.util.concurrent.atomic.LongAdder retransmissions = new java.util.concurrent.atomic.LongAdder();
  private final java.util.concurrent.atomic.LongAdder nacksToPublishers = new java.util.concurrent.atomic.LongAdder();

  private MediaNode(ServerConfig.Rtc rtc, ServerConfig.Audio audio, boolean loopbackOnly, String nodeId)
      throws InterruptedException {
    this.config = rtc;
    this.serverInfo = ServerInfo.of(nodeId);
    this.transport = NativeTransport.detect();
    this.group = transport.newGroup(1);
    InetAddress bind = loopbackOnly ? InetAddress.getLoopbackAddress() : anyAddress();
    this.mux = new UdpMux(group, transport, new InetSocketAddress(bind, rtc.udpPort()));
    this.certificate = DtlsCertificate.generate();
    List<InetAddress> advertised = advertised(rtc, loopbackOnly);
    int udpPort = mux.localAddress().getPort();
    this.udpCandidates = advertised.stream().map(a -> new InetSocketAddress(a, udpPort)).toList();
    List<InetSocketAddress> tcp = List.of();
    if (rtc.tcpPort() > 0) {
      try {
        int tcpPort = mux.listenTcp(transport.serverChannel(), new InetSocketAddress(bind, rtc.tcpPort())).getPort();
        tcp = advertised.stream().map(a -> new InetSocketAddress(a, tcpPort)).toList();
      } catch (RuntimeException e) {
        log.warn("ICE-TCP disabled: cannot listen on {}:{}: {}", bind.getHostAddress(), rtc.tcpPort(), e.getMessage());
      }
    }
    this.tcpCandidates = tcp;
    var levels = new io.osprey.sfu.audio.AudioLevelConfig(audio.activeLevel(), audio.minPercentile(),
        audio.updateInterval().toNanos(), Math.max(1, audio.smoothIntervals()));
    this.speakers = new SpeakerDetector(levels);
    long every = levels.updateIntervalNanos();
    mux.eventLoop().scheduleAtFixedRate(() -> speakers.update(System.nanoTime()), every, every,
        java.util.concurrent.TimeUnit.NANOSECONDS);
    mux.eventLoop().scheduleAtFixedRate(this::tickAll, TICK_MILLIS, TICK_MILLIS,
        java.util.concurrent.TimeUnit.MILLISECONDS);
    log.info("rtc: udp {} tcp {} advertising {}", mux.localAddress(), tcp, advertised);
  }

  /**
   * Runs {@code tick} on the loop every {@link #TICK_MILLIS} until the returned handle is run. Every participant
   * ticks from the one timer: the loop wakes once a period for all of them, not once for each.
   */
  Runnable everyTick(Runnable tick) {
    onLoop(() -> ticking.add(tick));
    return () -> onLoop(() -> ticking.remove(tick));
  }

  private void tickAll() {
    for (Runnable tick : ticking.toArray(Runnable[]::new)) { // a tick may end its own ticking, or another's
      try {
        tick.run();
      } catch (RuntimeException e) {
        log.warn("a participant's tick failed", e); // the others, and its next tick, still run
      }
    }
  }

  private void onLoop(Runnable work) {
    if (loop().inEventLoop()) {
      work.run();
    } else {
      loop().execute(work);
    }
  }

  /**
   * Starts the media side.
   *
   * @param loopbackOnly bind and advertise loopback only (development mode, loopback bind addresses)
   * @param nodeId       this node's id, told to clients in their JoinResponse
   */
  public static MediaNode start(ServerConfig.Rtc rtc, ServerConfig.Audio audio, boolean loopbackOnly, String nodeId)
      throws InterruptedException {
    return new MediaNode(rtc, audio, loopbackOnly, nodeId);
  }

  /** JoinResponse.server_info of this node. */
  io.osprey.protocol.livekit.LivekitModels.ServerInfo serverInfo() {
    return serverInfo;
  }

  /** Active speakers of every room on this node. */
  SpeakerDetector speakers() {
    return speakers;
  }

  /** {@code video.dynacast_pause_delay}: how long a fall in demand holds before layers are paused. */
  long dynacastPauseDelayNanos() {
    return 5_000_000_000L;
  }

  /** The {@code rtc} settings (buffer sizes, throttles). */
  public ServerConfig.Rtc config() {
    return config;
  }

  /** The loop of every peer connection and room of this node. */
  public EventLoop loop() {
    return mux.eventLoop();
  }

  public InetSocketAddress udpAddress() {
    return mux.localAddress();
  }

  /** A new server-role peer connection, registered with the mux; outputs other than datagrams go to {@code listener}. */
  public PeerSession newSession(BiConsumer<PeerSession, PeerOutput> listener) {
    PeerSession s = new PeerSession(new PeerSession.Config(certificate, udpCandidates, false, false, tcpCandidates));
    mux.register(s, listener);
    return s;
  }

  /** Packets resent to subscribers on their NACKs, since start. */
  public long retransmissions() {
    return retransmissions.sum();
  }

  /** NACK messages sent to publishers for packets they lost on the way in, since start. */
  public long nacksToPublishers() {
    return nacksToPublishers.sum();
  }

  void countRetransmission() {
    retransmissions.increment();
  }

  void countNackToPublisher() {
    nacksToPublishers.increment();
  }

  /** Test hook: drops this share of media datagrams both ways (see {@link UdpMux#simulateLoss}). */
  public void simulateLoss(double rate) {
    mux.simulateLoss(rate);
  }

  /** Test hook: polices the media node's sending rate (see {@link UdpMux#simulateEgressLimit}). */
  public void simulateEgressLimit(long bitsPerSecond) {
    mux.simulateEgressLimit(bitsPerSecond);
  }

  /** Sends what {@code session} queued (on the loop). */
  public void flush(PeerSession session) {
    mux.flush(session);
  }

  /** Closes and forgets a session (on the loop). */
  public void remove(PeerSession session) {
    session.close();
    mux.flush(session);
    mux.unregister(session);
  }

  @Override
  public void close() {
    mux.close();
    group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
  }

  private static InetAddress anyAddress() {
    try {
      return InetAddress.getByName("0.0.0.0");
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  /** node_ip if set; else loopback in development; else this host's up, non-loopback IPv4 addresses. */
  private static List<InetAddress> advertised(ServerConfig.Rtc rtc, boolean loopbackOnly) {
    List<InetAddress> out = new ArrayList<>();
    if (!rtc.nodeIp().isBlank()) {
      try {
        out.add(InetAddress.getByName(rtc.nodeIp()));
      } catch (java.net.UnknownHostException e) {
        throw new IllegalArgumentException("rtc.node_ip is not an address: " + rtc.nodeIp());
      }
      return out;
    }
    if (!loopbackOnly) {
      try {
        for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
          if (nif.isUp() && !nif.isLoopback()) {
            for (InetAddress a : Collections.list(nif.getInetAddresses())) {
              if (a instanceof Inet4Address) {
                out.add(a);
              }
            }
          }
        }
      } catch (SocketException e) {
        log.warn("cannot list network interfaces: {}", e.getMessage());
      }
    }
    if (out.isEmpty() || loopbackOnly || rtc.enableLoopbackCandidate()) {
      out.add(InetAddress.getLoopbackAddress());
    }
    return out;
  }
}
