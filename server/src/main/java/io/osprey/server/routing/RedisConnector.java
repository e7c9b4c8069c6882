package io.osprey.server.routing;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.event.connection.ConnectionActivatedEvent;
import io.lettuce.core.event.connection.ReconnectAttemptEvent;
import io.lettuce.core.event.connection.ReconnectFailedEvent;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.resource.DefaultClientResources;
import io.osprey.server.config.ServerConfig;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Lettuce connection to the cluster's Redis, from livekit's {@code redis} keys: a plain
 * address ({@code host:port}), or a master found through Sentinel; username/password, database,
 * TLS. The connection reconnects by itself (every 100 ms at first, at most every 2 s) and, while
 * Redis is away, refuses commands at once instead of queueing them, so callers fail fast with a
 * bounded error. Connection changes are logged as one clear line each.
 */
public final class RedisConnector implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RedisConnector.class);
  private static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(3);

  private final ClientResources resources;
  private final RedisClient client;
  private final StatefulRedisConnection<String, byte[]> connection;
  private final String where;
  private volatile boolean closing;
  private volatile Runnable onReconnect = () -> { };

  private RedisConnector(ServerConfig.Redis config) {
    RedisURI uri = uri(config);
    this.where = config.sentinel()
        ? "sentinel master " + config.sentinelMasterName() + " via " + config.sentinelAddresses()
        : config.address();
    this.resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(1)
        .reconnectDelay(Delay.exponential(Duration.ofMillis(100), Duration.ofSeconds(2), 2, TimeUnit.MILLISECONDS))
        .build();
    this.client = RedisClient.create(resources, uri);
    Duration connectTimeout = positive(config.connectTimeout(), DEFAULT_CONNECT_TIMEOUT);
    client.setOptions(ClientOptions.builder()
        .autoReconnect(true)
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .requestQueueSize(10_000)
        .socketOptions(SocketOptions.builder().connectTimeout(connectTimeout).keepAlive(true).build())
        .timeoutOptions(TimeoutOptions.enabled(positive(config.commandTimeout(), DEFAULT_COMMAND_TIMEOUT)))
        .build());
    resources.eventBus().get().subscribe(event -> {
      switch (event) {
        case ReconnectAttemptEvent e when !closing && e.getAttempt() == 1 ->
            log.warn("redis: connection to {} lost; reconnecting", e.remoteAddress());
        case ConnectionActivatedEvent e -> {
          log.info("redis: connected to {}", e.remoteAddress());
          onReconnect.run();
        }
        case ReconnectFailedEvent e when !closing && (e.getAttempt() <= 3 || e.getAttempt() % 10 == 0) ->
            log.warn("redis: reconnect attempt {} to {} failed: {}", e.getAttempt(), e.remoteAddress(),
                e.getCause() == null ? "?" : e.getCause().getMessage());
        default -> { }
      }
    });
    StatefulRedisConnection<String, byte[]> connected;
    try {
      connected = connectOnce();
    } catch (RedisConnectionException first) {
      // a handshake cut short (the connection closed before Redis's answer was read) is tried once
      // more, so a refusal such as WRONGPASS reaches the message instead of the bare close
      if (!String.valueOf(causeOf(first).getMessage()).contains("closed prematurely")) {
        throw failed(first);
      }
      try {
        connected = connectOnce();
      } catch (RedisConnectionException again) {
        throw failed(again);
      }
    }
    this.connection = connected;
  }

  private StatefulRedisConnection<String, byte[]> connectOnce() {
    return client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
  }

  private static Throwable causeOf(RedisConnectionException e) {
    return e.getCause() == null ? e : e.getCause();
  }

  private IllegalStateException failed(RedisConnectionException e) {
    shutdown();
    return new IllegalStateException("cannot connect to Redis at " + where + ": " + causeOf(e).getMessage(), e);
  }

  /**
   * Connects, or fails with a message naming the Redis it tried.
   *
   * @throws IllegalStateException if Redis cannot be reached or refuses the credentials
   */
  public static RedisConnector connect(ServerConfig.Redis config) {
    return new RedisConnector(config);
  }

  /** The connection (String keys, byte[] values); its async commands are pipelined in call order. */
  public StatefulRedisConnection<String, byte[]> connection() {
    return connection;
  }

  /** Runs {@code action} (on a Lettuce thread; it must not block) each time the connection is (re)established. */
  public void onConnected(Runnable action) {
    this.onReconnect = action;
  }

  /** Where Redis is, for log lines. */
  public String where() {
    return where;
  }

  @Override
  public void close() {
    closing = true;
    connection.close();
    shutdown();
  }

  private void shutdown() {
    closing = true;
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    resources.shutdown(0, 2, TimeUnit.SECONDS);
  }

  static RedisURI uri(ServerConfig.Redis config) {
    RedisURI.Builder b;
    if (config.sentinel()) {
      b = RedisURI.builder().withSentinelMasterId(config.sentinelMasterName());
      for (String address : config.sentinelAddresses()) {
        HostPort hp = HostPort.parse(address, 26379);
        RedisURI.Builder sentinel = RedisURI.builder().withHost(hp.host()).withPort(hp.port());
        if (!config.sentinelPassword().isEmpty()) {
          if (config.sentinelUsername().isEmpty()) {
            sentinel.withPassword(config.sentinelPassword().toCharArray());
          } else {
            sentinel.withAuthentication(config.sentinelUsername(), config.sentinelPassword());
          }
        }
        b.withSentinel(sentinel.build());
      }
    } else {
      HostPort hp = HostPort.parse(config.address(), 6379);
      b = RedisURI.builder().withHost(hp.host()).withPort(hp.port());
    }
    if (!config.password().isEmpty()) {
      if (config.username().isEmpty()) {
        b.withPassword(config.password().toCharArray());
      } else {
        b.withAuthentication(config.username(), config.password());
      }
    }
    return b.withDatabase(config.db()).withSsl(config.useTls()).withClientName("osprey").build();
  }

  private static Duration positive(Duration d, Duration otherwise) {
    return d.isZero() || d.isNegative() ? otherwise : d;
  }

  /** {@code host:port} (or {@code [v6]:port}, or a bare host taking the default port). */
  record HostPort(String host, int port) {
    static HostPort parse(String address, int defaultPort) {
      String a = address.strip();
      if (a.startsWith("redis://") || a.startsWith("rediss://")) {
        a = a.substring(a.indexOf("//") + 2);
      }
      int colon = a.lastIndexOf(':');
      if (colon < 0 || (a.startsWith("[") && !a.contains("]:"))) {
        return new HostPort(a.replace("[", "").replace("]", ""), defaultPort);
      }
      String host = a.substring(0, colon).replace("[", "").replace("]", "");
      try {
        return new HostPort(host, Integer.parseInt(a.substring(colon + 1)));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("redis address must be host:port, not " + address);
      }
    }
  }
}
