package io.osprey.server.config;

import io.osprey.protocol.auth.KeyProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Builds the {@link ServerConfig} as livekit-server does: built-in defaults, then the config file
 * (or body), then {@code --dev}, then flags and their environment variables, then validation.
 * Every failure is one line naming what is wrong.
 */
public final class ConfigLoader {
  /** The keys {@code --dev} uses when none are given. */
  public static final Map<String, String> DEV_KEYS = Map.of("devkey", "secret");
  /** The UDP mux port used when none is configured. */
  public static final int DEFAULT_UDP_PORT = 7882;

  private final Function<String, String> env;

  /** @param env reads an environment variable (null if unset); {@code System::getenv} in production */
  public ConfigLoader(Function<String, String> env) {
    this.env = env;
  }

  /** The result: the config and warnings worth logging. */
  public record Loaded(ServerConfig config, List<String> warnings) {}

  public Loaded load(ServerOptions o) throws ConfigException {
    ConfigTree tree = ConfigTree.defaults();
    boolean strict = !o.disableStrictConfig;
    String body = firstNonBlank(o.configBody, env.apply("LIVEKIT_CONFIG"));
    if (o.config != null) {
      tree = tree.merge(readFile(o.config, "config file"), strict);
    } else if (body != null) {
      tree = tree.merge(body, strict);
    }

    Map<String, String> keys = new LinkedHashMap<>(tree.stringMap("keys"));
    String keyFile = firstNonBlank(o.keyFile, tree.string("key_file"));
    if (keyFile != null) {
      try {
        keys.putAll(KeyProvider.readKeyFile(Path.of(keyFile)));
      } catch (NoSuchFileException e) {
        throw new ConfigException("config: key file " + keyFile + " does not exist");
      } catch (IOException e) {
        throw new ConfigException("config: " + e.getMessage());
      }
    }
    String keysText = firstNonBlank(o.keys, env.apply("LIVEKIT_KEYS"));
    if (keysText != null) {
      try {
        keys.putAll(KeyProvider.parseKeys(keysText));
      } catch (IllegalArgumentException e) {
        throw new ConfigException("config: --keys: " + e.getMessage());
      }
    }

    boolean dev = o.dev || tree.bool("development");
    List<String> bind = o.bind.isEmpty() ? tree.strings("bind_addresses") : o.bind;
    if (dev) {
      if (keys.isEmpty()) {
        keys.putAll(DEV_KEYS);
      }
      if (bind.isEmpty()) {
        bind = List.of("127.0.0.1", "::1");
      }
    }
    if (keys.isEmpty()) {
      throw new ConfigException("config: no API keys: give --keys, --key-file, keys in the config, or use --dev");
    }
    String logLevel = firstNonBlank(tree.string("log_level"), tree.string("logging.level"));
    if (dev && (logLevel == null || logLevel.equals("info"))) {
      logLevel = "debug";
    }

    String udp = firstNonBlank(o.udpPort, env.apply("UDP_PORT"), tree.string("rtc.udp_port"));
    String nodeIp = firstNonBlank(o.nodeIp, env.apply("NODE_IP"), tree.string("rtc.node_ip"));
    String redisAddress = firstNonBlank(o.redisHost, env.apply("REDIS_HOST"), tree.string("redis.address"));
    String redisPassword = firstNonBlank(o.redisPassword, env.apply("REDIS_PASSWORD"), tree.string("redis.password"));
    String region = firstNonBlank(o.region, env.apply("LIVEKIT_REGION"), tree.string("region"));

    List<String> warnings = new java.util.ArrayList<>();
    ServerConfig.Rtc rtc = new ServerConfig.Rtc(tree.port("rtc.tcp_port"), udpPort(udp), orEmpty(nodeIp),
        tree.bool("rtc.use_ice_lite"), tree.bool("rtc.enable_loopback_candidate"),
        (int) tree.integer("rtc.packet_buffer_size_video"), (int) tree.integer("rtc.packet_buffer_size_audio"),
        tree.duration("rtc.pli_throttle.low_quality", ChronoUnit.NANOS),
        tree.duration("rtc.pli_throttle.mid_quality", ChronoUnit.NANOS),
        tree.duration("rtc.pli_throttle.high_quality", ChronoUnit.NANOS),
        tree.bool("rtc.congestion_control.enabled"));
    ServerConfig.Room room = new ServerConfig.Room(tree.bool("room.auto_create"),
        nonNegative(tree, "room.empty_timeout"), nonNegative(tree, "room.departure_timeout"),
        nonNegative(tree, "room.max_participants"), codecMimes(tree));
    ServerConfig.Limits limits = new ServerConfig.Limits(nonNegative(tree, "limit.max_metadata_size"),
        nonNegative(tree, "limit.max_attributes_size"), nonNegative(tree, "limit.max_room_name_length"),
        nonNegative(tree, "limit.max_participant_identity_length"), nonNegative(tree, "limit.max_participant_name_length"),
        nonNegative(tree, "limit.signal_message_size_limit"), nonNegative(tree, "limit.max_api_request_body_size"));
    ServerConfig.Webhook webhook = new ServerConfig.Webhook(tree.string("webhook.api_key"), tree.strings("webhook.urls"),
        tree.duration("webhook.resource_url_notifier.max_age", ChronoUnit.SECONDS),
        nonNegative(tree, "webhook.resource_url_notifier.max_depth"),
        tree.strings("webhook.filter_params.include_events"), tree.strings("webhook.filter_params.exclude_events"));
    ServerConfig.Redis redis = new ServerConfig.Redis(orEmpty(redisAddress), tree.string("redis.username"),
        orEmpty(redisPassword), (int) tree.integer("redis.db"), tree.bool("redis.use_tls"),
        tree.string("redis.sentinel_master_name"), tree.string("redis.sentinel_username"),
        tree.string("redis.sentinel_password"), tree.strings("redis.sentinel_addresses"),
        tree.duration("redis.dial_timeout", ChronoUnit.MILLIS), tree.duration("redis.read_timeout", ChronoUnit.MILLIS));
    if (!tree.strings("redis.cluster_addresses").isEmpty()) {
      throw new ConfigException("config: redis.cluster_addresses: Redis Cluster is not supported by osprey;"
          + " give redis.address, or sentinel_master_name with sentinel_addresses");
    }
    if (redis.db() < 0) {
      throw new ConfigException("config: redis.db must not be negative, not " + redis.db());
    }
    ServerConfig.NodeSelector selector = nodeSelector(tree, warnings);
    java.time.Duration statsInterval = tree.duration("node_stats.stats_update_interval", ChronoUnit.NANOS);
    if (statsInterval.isNegative() || statsInterval.isZero() || statsInterval.compareTo(java.time.Duration.ofSeconds(4)) > 0) {
      throw new ConfigException("config: node_stats.stats_update_interval must be above 0 and at most 4s (a node"
          + " silent for 5s counts as gone), not " + statsInterval.toMillis() + "ms");
    }
    ServerConfig.Audio audio = new ServerConfig.Audio((int) tree.integer("audio.active_level"),
        (int) tree.integer("audio.min_percentile"), tree.duration("audio.update_interval", ChronoUnit.MILLIS),
        (int) tree.integer("audio.smooth_intervals"));
    java.time.Duration drainTimeout = tree.duration("drain_timeout", ChronoUnit.SECONDS);
    if (drainTimeout.isNegative()) {
      throw new ConfigException("config: drain_timeout must not be negative");
    }
    int prometheusPort = tree.port("prometheus.port");
    if (prometheusPort == 0) {
      prometheusPort = tree.port("prometheus_port");
    }

    if (!webhook.urls().isEmpty()) {
      if (webhook.apiKey().isEmpty()) {
        throw new ConfigException("config: webhook.urls are set but webhook.api_key is empty");
      }
      if (!keys.containsKey(webhook.apiKey())) {
        throw new ConfigException("config: webhook.api_key '" + webhook.apiKey() + "' is not one of the API keys");
      }
    }
    if (!dev) {
      keys.forEach((k, s) -> {
        if (s.length() < 32) {
          warnings.add("secret of API key " + k + " is shorter than 32 characters; use a long random secret");
        }
      });
    }
    ServerConfig config = new ServerConfig(tree.port("port"), bind, orEmpty(region), keys, dev,
        logLevel == null ? "info" : logLevel, rtc, room, limits, webhook, redis, selector, statsInterval, audio,
        prometheusPort, drainTimeout);
    return new Loaded(config, warnings);
  }

  /** The node selector; kinds and orders osprey does not implement fall back with a warning. */
  private static ServerConfig.NodeSelector nodeSelector(ConfigTree tree, List<String> warnings) throws ConfigException {
    String kind = tree.string("node_selector.kind").strip().toLowerCase(java.util.Locale.ROOT);
    String sortBy = tree.string("node_selector.sort_by").strip().toLowerCase(java.util.Locale.ROOT);
    String algorithm = tree.string("node_selector.algorithm").strip().toLowerCase(java.util.Locale.ROOT);
    if (kind.isEmpty()) {
      kind = "any";
    } else if (!List.of("any", "cpuload", "sysload").contains(kind)) {
      warnings.add("node_selector.kind " + kind + " is not supported by osprey; using any");
      kind = "any";
    }
    if (sortBy.isEmpty()) {
      sortBy = "random";
    } else if (!List.of("random", "cpuload", "sysload", "rooms", "clients").contains(sortBy)) {
      warnings.add("node_selector.sort_by " + sortBy + " is not supported by osprey; using random");
      sortBy = "random";
    }
    if (algorithm.isEmpty()) {
      algorithm = "lowest";
    } else if (!List.of("lowest", "twochoice").contains(algorithm)) {
      throw new ConfigException("config: node_selector.algorithm must be lowest or twochoice, not '" + algorithm + "'");
    }
    return new ServerConfig.NodeSelector(kind, sortBy, algorithm, tree.decimal("node_selector.cpu_load_limit"),
        tree.decimal("node_selector.sysload_limit"));
  }

  private static int udpPort(String udp) throws ConfigException {
    if (udp == null) {
      return DEFAULT_UDP_PORT;
    }
    String first = udp.strip().split("-")[0];
    try {
      int p = Integer.parseInt(first);
      if (p < 0 || p > 65535) { // 0: a free port (tests)
        throw new NumberFormatException();
      }
      return p;
    } catch (NumberFormatException e) {
      throw new ConfigException("config: rtc.udp_port must be a port like 7882, not '" + udp + "'");
    }
  }

  private static List<String> codecMimes(ConfigTree tree) throws ConfigException {
    List<String> mimes = new java.util.ArrayList<>();
    for (Map<String, Object> codec : tree.maps("room.enabled_codecs")) {
      Object mime = codec.get("mime");
      if (mime == null) {
        throw new ConfigException("config: room.enabled_codecs entries need a mime");
      }
      mimes.add(String.valueOf(mime));
    }
    return mimes;
  }

  private static int nonNegative(ConfigTree tree, String path) throws ConfigException {
    long v = tree.integer(path);
    if (v < 0 || v > Integer.MAX_VALUE) {
      throw new ConfigException("config: " + path + " must be between 0 and " + Integer.MAX_VALUE + ", not " + v);
    }
    return (int) v;
  }

  private static String readFile(String path, String what) throws ConfigException {
    try {
      return Files.readString(Path.of(path));
    } catch (NoSuchFileException e) {
      throw new ConfigException("config: " + what + " " + path + " does not exist");
    } catch (IOException e) {
      throw new ConfigException("config: cannot read " + what + " " + path + ": " + e.getMessage());
    }
  }

  private static String firstNonBlank(String... values) {
    for (String v : values) {
      if (v != null && !v.isBlank()) {
        return v;
      }
    }
    return null;
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }
}
