package io.osprey.server.room;

import io.osprey.protocol.livekit.LivekitModels.DataPacket;
import io.osprey.protocol.livekit.LivekitModels.DisconnectReason;
import io.osprey.protocol.livekit.LivekitRtc.SignalResponse;

/**
 * The seam between a room and one participant's connection (signalling WebSocket and media
 * transport). The room calls it on its own loop; implementations hand work to the connection's
 * loop and return at once.
 */
public interface ParticipantSession {

  /** Sends a signal message to the participant. */
  void send(SignalResponse message);

  /** Delivers a data packet over the participant's data channel. */
  default void sendData(DataPacket packet, boolean reliable) {}

  /** Subscribes to or unsubscribes from tracks on the participant's behalf (RoomService). */
  default void updateSubscriptions(java.util.Set<String> trackSids, boolean subscribe) {}

  /** Tells the participant to leave (a LeaveRequest) and closes the connection. */
  void close(DisconnectReason reason);

  /**
   * Tells the participant to rejoin (a LeaveRequest with action RECONNECT: this node is going away
   * and another will take the room) and closes the connection.
   */
  default void closeForRejoin(DisconnectReason reason) {
    close(reason);
  }

  /**
   * The node is draining: tells the participant to rejoin (a LeaveRequest with action RECONNECT
   * and, as {@code regions}, the URLs of nodes that take rooms) but keeps its connection and its
   * forwarding, so what it sent and what is sent to it still arrives. It goes when its client
   * closes the signal connection, or when the drain closes the room.
   */
  default void askToRejoin(DisconnectReason reason, java.util.List<String> urls) {
    closeForRejoin(reason);
  }

  /**
   * Drain: whether the participant sends nothing more, that is it answered {@link #askToRejoin}
   * with its own leave once everything it had sent was acknowledged.
   */
  default boolean doneSending() {
    return true;
  }

  /** Drain: whether every data message sent to the participant has been acknowledged by it. */
  default boolean delivered() {
    return true;
  }
}
