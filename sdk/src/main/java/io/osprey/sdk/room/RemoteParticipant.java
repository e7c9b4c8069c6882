package io.osprey.sdk.room;

import io.osprey.protocol.livekit.LivekitModels.ParticipantInfo;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Another participant of the room. */
public final class RemoteParticipant extends Participant {
  final Map<String, RemoteTrackPublication> publications = new ConcurrentHashMap<>();

  RemoteParticipant(ParticipantInfo info) {
    super(info);
  }

  /** The tracks this participant publishes. */
  public Collection<RemoteTrackPublication> trackPublications() {
    return List.copyOf(publications.values());
  }

  public Optional<RemoteTrackPublication> trackPublication(String sid) {
    return Optional.ofNullable(publications.get(sid));
  }
}
