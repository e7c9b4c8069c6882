package io.osprey.server.room;

import io.osprey.protocol.livekit.LivekitModels.ParticipantInfo;
import io.osprey.protocol.livekit.LivekitModels.ParticipantPermission;
import io.osprey.protocol.livekit.LivekitModels.TrackInfo;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One participant of a room, as the room sees it: its public info (what other participants and
 * the RoomService see) and its session. Mutated only on the room's loop.
 */
public final class Participant {
  private ParticipantInfo.Builder info;
  private final Map<String, TrackInfo> tracks = new LinkedHashMap<>();
  private final ParticipantSession session;

  public Participant(ParticipantInfo info, ParticipantSession session) {
    this.info = info.toBuilder();
    this.session = session;
  }

  public String identity() {
    return info.getIdentity();
  }

  public String sid() {
    return info.getSid();
  }

  public ParticipantSession session() {
    return session;
  }

  public ParticipantPermission permission() {
    return info.getPermission();
  }

  public boolean hidden() {
    return info.getPermission().getHidden();
  }

  /** The participant's info with its current tracks. */
  public ParticipantInfo info() {
    return info.clone().clearTracks().addAllTracks(tracks.values()).setIsPublisher(!tracks.isEmpty()).build();
  }

  /** Applies a change to the info and bumps its version, as LiveKit does on every update. */
  public ParticipantInfo update(java.util.function.Consumer<ParticipantInfo.Builder> change) {
    change.accept(info);
    info.setVersion(info.getVersion() + 1);
    return info();
  }

  public Map<String, TrackInfo> tracks() {
    return tracks;
  }
}
