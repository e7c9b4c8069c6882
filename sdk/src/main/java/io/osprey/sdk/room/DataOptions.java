package io.osprey.sdk.room;

import java.util.List;

/**
 * How to send a data packet.
 *
 * @param destinations identities to deliver to; empty: everyone in the room
 * @param topic        empty for none
 */
public record DataOptions(DataKind kind, String topic, List<String> destinations) {
  public DataOptions {
    destinations = List.copyOf(destinations);
  }

  /** Reliable, to everyone, no topic. */
  public static DataOptions reliable() {
    return new DataOptions(DataKind.RELIABLE, "", List.of());
  }

  /** Lossy (the Go SDK's default), to everyone, no topic. */
  public static DataOptions lossy() {
    return new DataOptions(DataKind.LOSSY, "", List.of());
  }

  public DataOptions withTopic(String topic) {
    return new DataOptions(kind, topic, destinations);
  }

  public DataOptions to(String... identities) {
    return new DataOptions(kind, topic, List.of(identities));
  }
}
