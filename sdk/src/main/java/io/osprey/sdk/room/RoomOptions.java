package io.osprey.sdk.room;

import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.List;

/**
 * How to join a room.
 *
 * @param autoSubscribe     subscribe to every track as it is published (the LiveKit default)
 * @param connectTimeout    for the signal connection, the join response and the media connection each
 * @param maxReconnects     attempts after a connection is lost, with back-off (0: give up at once)
 * @param loops             the event loops rooms run on; null: one shared loop group for the process
 *                          ({@link RtcLoops#shared()}), so hundreds of rooms need no thread each
 * @param fallbackUrls      other URLs of the same deployment (its other nodes, or other load
 *                          balancers): when the server in use cannot be reached (a refused or timed
 *                          out connection), joining and rejoining go on at the next of these at once.
 *                          Any node of a cluster hosts or relays any room, so a participant whose node
 *                          died rejoins the room, re-created on a node that is alive. Empty: only the
 *                          URL given to {@code connect} (behind a load balancer, that is enough)
 */
public record RoomOptions(boolean autoSubscribe, Duration connectTimeout, int maxReconnects, EventLoopGroup loops,
                          List<String> fallbackUrls) {
  public RoomOptions {
    fallbackUrls = List.copyOf(fallbackUrls);
  }

  public static RoomOptions defaults() {
    return new RoomOptions(true, Duration.ofSeconds(15), 10, null, List.of());
  }

  public RoomOptions withAutoSubscribe(boolean autoSubscribe) {
    return new RoomOptions(autoSubscribe, connectTimeout, maxReconnects, loops, fallbackUrls);
  }

  public RoomOptions withConnectTimeout(Duration timeout) {
    return new RoomOptions(autoSubscribe, timeout, maxReconnects, loops, fallbackUrls);
  }

  public RoomOptions withMaxReconnects(int attempts) {
    return new RoomOptions(autoSubscribe, connectTimeout, attempts, loops, fallbackUrls);
  }

  public RoomOptions withLoops(EventLoopGroup loops) {
    return new RoomOptions(autoSubscribe, connectTimeout, maxReconnects, loops, fallbackUrls);
  }

  /** With {@code urls} tried, in order, when the server in use cannot be reached. */
  public RoomOptions withFallbackUrls(List<String> urls) {
    return new RoomOptions(autoSubscribe, connectTimeout, maxReconnects, loops, urls);
  }
}
