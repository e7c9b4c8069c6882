package io.osprey.server.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The server's configuration, typed: livekit-server's YAML keys after defaults, file, flags and
 * environment have been applied. Sections are nested records.
 *
 * @param keys API key to secret
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
    Audio audio,
    int prometheusPort) {

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

  /** {@code redis}: unset address means one node with in-memory state. */
  public record Redis(String address, String username, String password, int db, boolean useTls) {
    public boolean enabled() {
      return !address.isBlank();
    }
  }

  /** {@code audio}: speaker detection. */
  public record Audio(int activeLevel, int minPercentile, Duration updateInterval, int smoothIntervals) {}
}
