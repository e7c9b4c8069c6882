package io.osprey.server.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The server's configuration, typed: livekit-server's YAML keys after defaults, file, flags and
 * environment have been applied. Sections are nested records.
 *
 * @param keys API key to secret
 * @param drainTimeout how long a node shutting down keeps forwarding for participants it asked to
 *                     rejoin elsewhere, until they have gone ({@code drain_timeout}, osprey's own key)
 */
public record ServerConfig(
    int port,
    List<String> bindAddresses,
    String region,
    Map<String, String> keys,
    boolean development,
    String logLevel,
    Rtc rtc,
    Room room,
    Limits limits,
    Webhook webhook,
    Redis redis,
    NodeSelector nodeSelector,
    Duration nodeStatsInterval,
    Audio audio,
    int prometheusPort,
    Duration drainTimeout) {

  public ServerConfig {
    bindAddresses = List.copyOf(bindAddresses);
    keys = Map.copyOf(keys);
  }

  /** {@code rtc}: the media transport. {@code udpPort} is the single UDP mux port. */
  public record Rtc(int tcpPort, int udpPort, String nodeIp, boolean useIceLite, boolean enableLoopbackCandidate,
                    int packetBufferSizeVideo, int packetBufferSizeAudio, Duration pliThrottleLow,
                    Duration pliThrottleMid, Duration pliThrottleHigh, boolean congestionControl) {}

  /** {@code room}: room defaults. Timeouts in seconds; 0 participants means unlimited. */
  public record Room(boolean autoCreate, int emptyTimeoutSeconds, int departureTimeoutSeconds, int maxParticipants,
                     List<String> enabledCodecs) {
    public Room {
      enabledCodecs = List.copyOf(enabledCodecs);
    }
  }

  /** {@code limit}: sizes in bytes or characters; 0 means unlimited. */
  public record Limits(int maxMetadataSize, int maxAttributesSize, int maxRoomNameLength,
                       int maxParticipantIdentityLength, int maxParticipantNameLength, int signalMessageSizeLimit,
                       int maxApiRequestBodySize) {}

  /** {@code webhook}: where events go and how long undeliverable ones wait. */
  public record Webhook(String apiKey, List<String> urls, Duration maxAge, int maxDepth, List<String> includeEvents,
                        List<String> excludeEvents) {
    public Webhook {
      urls = List.copyOf(urls);
      includeEvents = List.copyOf(includeEvents);
      excludeEvents = List.copyOf(excludeEvents);
    }
  }

  /**
   * {@code redis}: unset address (and no sentinels) means one node with in-memory state. With
   * {@code sentinelMasterName} and {@code sentinelAddresses} the master is found through Redis
   * Sentinel, as livekit's {@code redis.go} does.
   *
   * @param connectTimeout {@code dial_timeout}; zero takes the client's default
   * @param commandTimeout {@code read_timeout}; zero takes the client's default
   */
  public record Redis(String address, String username, String password, int db, boolean useTls,
                      String sentinelMasterName, String sentinelUsername, String sentinelPassword,
                      List<String> sentinelAddresses, Duration connectTimeout, Duration commandTimeout) {
    public Redis {
      sentinelAddresses = List.copyOf(sentinelAddresses);
    }

    /** No Redis: a single node. */
    public static Redis none() {
      return new Redis("", "", "", 0, false, "", "", "", List.of(), Duration.ZERO, Duration.ZERO);
    }

    public boolean enabled() {
      return !address.isBlank() || sentinel();
    }

    /** Whether the master is found through Sentinel. */
    public boolean sentinel() {
      return !sentinelMasterName.isBlank() && !sentinelAddresses.isEmpty();
    }
  }

  /**
   * {@code node_selector}: how a new room's node is chosen among the live, serving nodes
   * (livekit's {@code routing/selector}). {@code kind} {@code any} takes every such node,
   * {@code cpuload}/{@code sysload} first drop those over their limit; {@code sortBy} orders the
   * rest ({@code random}, {@code cpuload}, {@code sysload}, {@code rooms}, {@code clients}) and
   * {@code algorithm} picks the {@code lowest} or the better of {@code twochoice} random ones.
   */
  public record NodeSelector(String kind, String sortBy, String algorithm, double cpuLoadLimit, double sysloadLimit) {
    public static final NodeSelector DEFAULT = new NodeSelector("any", "random", "lowest", 0.9, 0.9);
  }

  /** {@code audio}: speaker detection. */
  public record Audio(int activeLevel, int minPercentile, Duration updateInterval, int smoothIntervals) {}
}
