package io.osprey.sdk.room;

import io.osprey.protocol.livekit.LivekitModels.ParticipantInfo;
import io.osprey.protocol.livekit.LivekitRtc.SignalRequest;
import io.osprey.protocol.livekit.LivekitRtc.UpdateParticipantMetadata;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/** Us, in the room: what we publish and say about ourselves. Every method may be called from any thread. */
public final class LocalParticipant extends Participant {
  private final Room room;
  final Map<String, LocalTrackPublication> publications = new ConcurrentHashMap<>();

  LocalParticipant(ParticipantInfo info, Room room) {
    super(info);
    this.room = room;
  }

  /**
   * Publishes a track: the server is told of it ({@code add_track}), gives it a sid, and its media
   * section is negotiated; the future completes then (or fails after 10 s without an answer), and
   * the track's samples start leaving at their pace.
   */
  public CompletableFuture<LocalTrackPublication> publishTrack(LocalTrack track) {
    return room.publish(track);
  }

  /** Stops a track: its section goes inactive and the server unpublishes it. */
  public CompletableFuture<Void> unpublishTrack(String trackSid) {
    return room.unpublish(trackSid);
  }

  /**
   * Sends a data packet to the room (or to {@link DataOptions#destinations()}). Completes once
   * handed to the data channel; fails if the room is not connected.
   */
  public CompletableFuture<Void> publishData(byte[] data, DataOptions options) {
    return room.publishData(data, options);
  }

  public Collection<LocalTrackPublication> trackPublications() {
    return List.copyOf(publications.values());
  }

  public void setMetadata(String metadata) {
    room.signal(SignalRequest.newBuilder().setUpdateMetadata(UpdateParticipantMetadata.newBuilder()
        .setMetadata(metadata)).build());
  }

  public void setName(String name) {
    room.signal(SignalRequest.newBuilder().setUpdateMetadata(UpdateParticipantMetadata.newBuilder()
        .setName(name)).build());
  }

  /** Sets these attributes (others stay; an empty value removes one). */
  public void setAttributes(Map<String, String> attributes) {
    room.signal(SignalRequest.newBuilder().setUpdateMetadata(UpdateParticipantMetadata.newBuilder()
        .putAllAttributes(attributes)).build());
  }
}
