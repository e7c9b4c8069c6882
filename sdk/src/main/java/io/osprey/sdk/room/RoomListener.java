package io.osprey.sdk.room;

import io.osprey.protocol.livekit.LivekitModels.ConnectionQuality;
import io.osprey.protocol.livekit.LivekitModels.DisconnectReason;
import java.util.List;
import java.util.Map;

/**
 * What happens in a room, as the Go SDK's RoomCallback and ParticipantCallback tell it. Every
 * method does nothing unless overridden. Calls come on the room's event loop, one at a time and in
 * the order things happened: return quickly, and hand long work to a thread of your own.
 */
public interface RoomListener {
  default void onParticipantConnected(RemoteParticipant participant) {}

  default void onParticipantDisconnected(RemoteParticipant participant) {}

  /** A remote participant published a track (we may subscribe). */
  default void onTrackPublished(RemoteTrackPublication publication, RemoteParticipant participant) {}

  default void onTrackUnpublished(RemoteTrackPublication publication, RemoteParticipant participant) {}

  /** Media of a subscribed track can now arrive: attach sinks or a recorder to {@code track}. */
  default void onTrackSubscribed(RemoteTrack track, RemoteTrackPublication publication, RemoteParticipant participant) {}

  default void onTrackUnsubscribed(RemoteTrack track, RemoteTrackPublication publication,
                                   RemoteParticipant participant) {}

  default void onTrackMuted(TrackPublication publication, Participant participant) {}

  default void onTrackUnmuted(TrackPublication publication, Participant participant) {}

  /** One of our tracks is published (the server gave it a sid). */
  default void onLocalTrackPublished(LocalTrackPublication publication) {}

  default void onLocalTrackUnpublished(LocalTrackPublication publication) {}

  /** The participants speaking now, loudest first. */
  default void onActiveSpeakersChanged(List<Participant> speakers) {}

  default void onIsSpeakingChanged(Participant participant, boolean speaking) {}

  default void onMetadataChanged(String oldMetadata, Participant participant) {}

  default void onNameChanged(String oldName, Participant participant) {}

  default void onAttributesChanged(Map<String, String> changed, Participant participant) {}

  default void onConnectionQualityChanged(ConnectionQuality quality, Participant participant) {}

  default void onRoomMetadataChanged(String metadata) {}

  /**
   * A data packet.
   *
   * @param from  the sender, or null when the server itself sent it (RoomService SendData)
   * @param topic empty when the sender gave none
   */
  default void onDataReceived(byte[] data, RemoteParticipant from, DataKind kind, String topic) {}

  /** The connection dropped; the room is reconnecting. */
  default void onReconnecting() {}

  /** The room is connected again, with our tracks republished. */
  default void onReconnected() {}

  /** The room is over for us: we left, were removed, or could not reconnect. */
  default void onDisconnected(DisconnectReason reason) {}
}
