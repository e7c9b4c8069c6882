package io.osprey.sdk.room;

import io.netty.channel.EventLoopGroup;
import java.time.Duration;

/**
 * How to join a room.
 *
 * @param autoSubscribe     subscribe to every track as it is published (the LiveKit default)
 * @param connectTimeout    for the signal connection, the join response and the media connection each
 * @param maxReconnects     attempts after a connection is lost, with back-off (0: give up at once)
 * @param loops             the event loops rooms run on; null: one shared loop group for the process
 *                          ({@link RtcLoops#shared()}), so hundreds of rooms need no thread each
 */
public record RoomOptions(boolean autoSubscribe, Duration connectTimeout, int maxReconnects, EventLoopGroup loops) {
  public static RoomOptions defaults() {
    return new RoomOptions(true, Duration.ofSeconds(15), 10, null);
  }

  public RoomOptions withAutoSubscribe(boolean autoSubscribe) {
    return new RoomOptions(autoSubscribe, connectTimeout, maxReconnects, loops);
  }

  public RoomOptions withConnectTimeout(Duration timeout) {
    return new RoomOptions(autoSubscribe, timeout, maxReconnects, loops);
  }

  public RoomOptions withMaxReconnects(int attempts) {
    return new RoomOptions(autoSubscribe, connectTimeout, attempts, loops);
  }

  public RoomOptions withLoops(EventLoopGroup loops) {
    return new RoomOptions(autoSubscribe, connectTimeout, maxReconnects, loops);
  }
}
