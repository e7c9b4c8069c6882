package io.osprey.server;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.osprey.protocol.auth.KeyProvider;
import io.osprey.protocol.auth.TokenVerifier;
import io.osprey.protocol.webhook.WebhookSigner;
import io.osprey.server.config.ConfigException;
import io.osprey.server.config.ConfigLoader;
import io.osprey.server.config.ServerConfig;
import io.osprey.server.config.ServerOptions;
import io.osprey.server.http.Authenticator;
import io.osprey.server.http.HttpRouter;
import io.osprey.server.http.HttpServer;
import io.osprey.server.http.RtcEndpoint;
import io.osprey.server.http.TwirpEndpoint;
import io.osprey.server.metrics.Metrics;
import io.osprey.server.room.RoomEvents;
import io.osprey.server.room.RoomManager;
import io.osprey.server.routing.LocalRouter;
import io.osprey.server.routing.NodeAddresses;
import io.osprey.server.routing.RedisRouter;
import io.osprey.server.routing.Router;
import io.osprey.server.signal.SignalEndpoint;
import io.osprey.server.twirp.RoomService;
import io.osprey.server.webhook.WebhookNotifier;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * The osprey-server and its one composition root: every part is built here by constructor from
 * the {@link ServerConfig}; nothing else creates services or holds static state.
 */
public final class OspreyServer implements AutoCloseable {
  private final java.util.concurrent.atomic.AtomicBoolean closing = new java.util.concurrent.atomic.AtomicBoolean();
  /** The version reported to clients (JoinResponse.server_info.version). */
  public static final String VERSION = io.osprey.server.rtc.ServerInfo.VERSION;

  private final ServerConfig config;
  private final EventLoopGroup loops;
  private final ScheduledExecutorService webhookThread;
  private final Metrics metrics;
  private final RoomManager rooms;
  private final WebhookNotifier webhooks;
  private final HttpServer http;
  private final io.osprey.server.rtc.MediaNode media;
  private final Router router;

  private OspreyServer(ServerConfig config, InstantSource clock) throws IOException, InterruptedException {
    this.config = config;
    boolean epoll = Epoll.isAvailable();
    this.loops = new MultiThreadIoEventLoopGroup(0, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    Class<? extends ServerChannel> serverChannel = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    this.metrics = new Metrics();
    this.webhookThread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "osprey-webhooks");
      t.setDaemon(true);
      return t;
    });
    KeyProvider keys = KeyProvider.of(config.keys());
    ServerConfig.Webhook wh = config.webhook();
    this.webhooks = new WebhookNotifier(
        new WebhookNotifier.Settings(wh.urls(), wh.maxAge(), wh.maxDepth(), Duration.ofSeconds(1), Duration.ofSeconds(30),
            Duration.ofSeconds(10), new HashSet<>(wh.includeEvents()), new HashSet<>(wh.excludeEvents())),
        new WebhookSigner(wh.apiKey(), wh.apiKey().isEmpty() ? "" : config.keys().get(wh.apiKey()), clock),
        clock, webhookThread, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(), metrics);
    RoomEvents counting = new RoomEvents() {
      @Override public void roomStarted(io.osprey.protocol.livekit.LivekitModels.Room r) { metrics.roomDelta(1); }
      @Override public void roomFinished(io.osprey.protocol.livekit.LivekitModels.Room r) { metrics.roomDelta(-1); }
      @Override public void participantJoined(io.osprey.protocol.livekit.LivekitModels.Room r,
          io.osprey.protocol.livekit.LivekitModels.ParticipantInfo p) { metrics.participantDelta(1); }
      @Override public void participantLeft(io.osprey.protocol.livekit.LivekitModels.Room r,
          io.osprey.protocol.livekit.LivekitModels.ParticipantInfo p) { metrics.participantDelta(-1); }
    };
    boolean loopbackOnly = config.development() || (!config.bindAddresses().isEmpty()
        && config.bindAddresses().stream().allMatch(a -> a.equals("127.0.0.1") || a.equals("::1") || a.equals("localhost")));
    String nodeId = io.osprey.protocol.Guid.next(io.osprey.protocol.Guid.NODE);
    this.media = io.osprey.server.rtc.MediaNode.start(config.rtc(), config.audio(), loopbackOnly, nodeId);
    // rooms live on the media loop with their participants' connections: routing needs no hand-offs
    // the router hears of room changes to keep the cluster's listing view of this node's rooms
    RoomEvents listing = new RoomEvents() {
      @Override public void roomStarted(io.osprey.protocol.livekit.LivekitModels.Room r) { router().roomUpdated(r); }
      @Override public void roomFinished(io.osprey.protocol.livekit.LivekitModels.Room r) {
        router().roomClosed(r.getName());
      }
      @Override public void participantJoined(io.osprey.protocol.livekit.LivekitModels.Room r,
          io.osprey.protocol.livekit.LivekitModels.ParticipantInfo p) { router().roomUpdated(r); }
      @Override public void participantLeft(io.osprey.protocol.livekit.LivekitModels.Room r,
          io.osprey.protocol.livekit.LivekitModels.ParticipantInfo p) { router().roomUpdated(r); }
    };
    this.rooms = new RoomManager(config.room(), config.limits(), media::loop,
        RoomEvents.all(webhooks, counting, listing), clock);
    try {
      this.router = config.redis().enabled() ? RedisRouter.connect(config, rooms, nodeId) : new LocalRouter(rooms, nodeId);
    } catch (RuntimeException e) {
      media.close();
      webhooks.close();
      webhookThread.shutdownNow();
      loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
      throw e;
    }
    Authenticator auth = new Authenticator(new TokenVerifier(keys, clock));
    TwirpEndpoint twirp = new TwirpEndpoint(Map.of("livekit.RoomService", new RoomService(rooms, router, clock)), auth,
        metrics);
    int signalLimit = config.limits().signalMessageSizeLimit() > 0 ? config.limits().signalMessageSizeLimit() : 2 << 20;
    RtcEndpoint rtc = new SignalEndpoint(auth, keys, rooms, router, config.room().autoCreate(), media, signalLimit);
    HttpRouter httpRouter = new HttpRouter(twirp, rtc, router::healthy);
    List<InetSocketAddress> addresses = (config.bindAddresses().isEmpty() ? List.of("0.0.0.0") : config.bindAddresses())
        .stream().map(a -> new InetSocketAddress(a, config.port())).toList();
    this.http = new HttpServer(loops, serverChannel, addresses, config.limits().maxApiRequestBodySize(), httpRouter);
    loops.scheduleAtFixedRate(rooms::sweep, 1, 1, TimeUnit.SECONDS);
    try {
      String host = NodeAddresses.host(config.bindAddresses(), config.rtc().nodeIp());
      router.register(NodeAddresses.httpUrl(config.bindAddresses(), config.rtc().nodeIp(),
          http.addresses().get(0).getPort()), config.rtc().nodeIp().isBlank() ? host : config.rtc().nodeIp());
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    router.serving();
    if (config.prometheusPort() > 0) {
      metrics.serve(config.bindAddresses().isEmpty() ? "0.0.0.0" : config.bindAddresses().get(0), config.prometheusPort());
    }
  }

  /** Starts a server with {@code config}. */
  public static OspreyServer start(ServerConfig config, InstantSource clock) throws IOException, InterruptedException {
    return new OspreyServer(config, clock);
  }

  public ServerConfig config() {
    return config;
  }

  /** Where HTTP listens (ports resolved). */
  public List<InetSocketAddress> httpAddresses() {
    return http.addresses();
  }

  public RoomManager rooms() {
    return rooms;
  }

  /** Where rooms live: this node only, or the cluster sharing Redis. */
  public Router router() {
    return router;
  }

  public Metrics metrics() {
    return metrics;
  }

  /** The media side (test hooks such as simulated loss). */
  public io.osprey.server.rtc.MediaNode media() {
    return media;
  }

  /** Where the media mux listens (UDP). */
  public InetSocketAddress rtcAddress() {
    return media.udpAddress();
  }

  public WebhookNotifier webhooks() {
    return webhooks;
  }

  /**
   * Shuts the server down, once (the SIGTERM hook and an owner may both ask). In a cluster it
   * drains first: no new joins or rooms here, every participant is asked to rejoin on another
   * node, and forwarding goes on until nothing is in flight (each participant has said it sends
   * no more, and everything sent to them is acknowledged) or {@code drain_timeout} ends; only
   * then are the rooms closed.
   */
  @Override
  public void close() {
    if (!closing.compareAndSet(false, true)) {
      return;
    }
    router.draining(); // no new rooms here
    http.close(); // no new joins; open connections stay to hear why they end
    if (router.clustered() && rooms.size() > 0 && config.drainTimeout().isPositive()) {
      drain();
    }
    rooms.closeAll(router.clustered()); // clustered: rejoin, the next join places the room on another node
    router.close();
    media.close();
    webhooks.close();
    metrics.close();
    webhookThread.shutdownNow();
    loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** Asks every participant to rejoin elsewhere and waits, forwarding, until nothing is in flight. */
  private void drain() {
    Logger log = LoggerFactory.getLogger(OspreyServer.class);
    long started = System.nanoTime();
    List<String> elsewhere = router.rejoinUrls().completeOnTimeout(List.of(), 1, TimeUnit.SECONDS)
        .exceptionally(e -> List.of()).join();
    int rooms = this.rooms.size();
    int asked = this.rooms.askAllToRejoin(elsewhere);
    log.info("drain: stopped accepting joins; asked {} participants in {} rooms to rejoin elsewhere {}", asked, rooms,
        elsewhere);
    long deadline = started + config.drainTimeout().toNanos();
    RoomManager.DrainProgress progress = this.rooms.drainProgress();
    while (!progress.drained() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(10); // polling what the room loops report, with a deadline
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      progress = this.rooms.drainProgress();
    }
    long ms = (System.nanoTime() - started) / 1_000_000;
    if (progress.drained()) {
      log.info("drain: nothing in flight after {} ms (every participant done sending, all data delivered);"
          + " closing {} rooms", ms, this.rooms.size());
    } else {
      log.warn("drain: drain_timeout {} s ended with {} of {} participants still sending or receiving; closing anyway",
          config.drainTimeout().toSeconds(), progress.busy(), progress.present());
    }
  }

  public static void main(String[] args) {
    ServerOptions options = new ServerOptions();
    CommandLine cli = new CommandLine(options);
    try {
      cli.parseArgs(args);
    } catch (CommandLine.ParameterException e) {
      System.err.println("osprey-server: " + e.getMessage());
      System.exit(2);
      return;
    }
    if (cli.isUsageHelpRequested()) {
      cli.usage(System.out);
      return;
    }
    if (cli.isVersionHelpRequested()) {
      cli.printVersionHelp(System.out);
      return;
    }
    ConfigLoader.Loaded loaded;
    try {
      loaded = new ConfigLoader(System::getenv).load(options);
    } catch (ConfigException e) {
      System.err.println("osprey-server: " + e.getMessage());
      System.exit(1);
      return;
    }
    Logging.configure(loaded.config().logLevel());
    Logger log = LoggerFactory.getLogger(OspreyServer.class);
    loaded.warnings().forEach(log::warn);
    try {
      OspreyServer server = start(loaded.config(), InstantSource.system());
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        log.info("shutting down");
        server.close();
        log.info("shut down");
      }, "osprey-shutdown"));
      log.info("osprey-server {} listening on {} (rtc udp {}, tcp {}){}", VERSION, server.httpAddresses(),
          loaded.config().rtc().udpPort(), loaded.config().rtc().tcpPort(),
          loaded.config().development() ? " in development mode (API key devkey, secret secret)" : "");
    } catch (IOException | InterruptedException | RuntimeException e) {
      System.err.println("osprey-server: cannot start: " + rootMessage(e));
      System.exit(1);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }
}
