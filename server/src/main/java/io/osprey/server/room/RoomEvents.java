package io.osprey.server.room;

import io.osprey.protocol.livekit.LivekitModels;

/** What rooms tell the rest of the server (webhooks, metrics). Called on the room's loop; must not block. */
public interface RoomEvents {
  default void roomStarted(LivekitModels.Room room) {}

  default void roomFinished(LivekitModels.Room room) {}

  default void participantJoined(LivekitModels.Room room, LivekitModels.ParticipantInfo participant) {}

  default void participantLeft(LivekitModels.Room room, LivekitModels.ParticipantInfo participant) {}

  default void participantConnectionAborted(LivekitModels.Room room, LivekitModels.ParticipantInfo participant) {}

  default void trackPublished(LivekitModels.Room room, LivekitModels.ParticipantInfo participant,
      LivekitModels.TrackInfo track) {}

  default void trackUnpublished(LivekitModels.Room room, LivekitModels.ParticipantInfo participant,
      LivekitModels.TrackInfo track) {}

  /** Sends to several listeners in order. */
  static RoomEvents all(RoomEvents... listeners) {
    return new RoomEvents() {
      @Override public void roomStarted(LivekitModels.Room r) { for (RoomEvents l : listeners) l.roomStarted(r); }
      @Override public void roomFinished(LivekitModels.Room r) { for (RoomEvents l : listeners) l.roomFinished(r); }
      @Override public void participantJoined(LivekitModels.Room r, LivekitModels.ParticipantInfo p) {
        for (RoomEvents l : listeners) l.participantJoined(r, p);
      }
      @Override public void participantLeft(LivekitModels.Room r, LivekitModels.ParticipantInfo p) {
        for (RoomEvents l : listeners) l.participantLeft(r, p);
      }
      @Override public void participantConnectionAborted(LivekitModels.Room r, LivekitModels.ParticipantInfo p) {
        for (RoomEvents l : listeners) l.participantConnectionAborted(r, p);
      }
      @Override public void trackPublished(LivekitModels.Room r, LivekitModels.ParticipantInfo p, LivekitModels.TrackInfo t) {
        for (RoomEvents l : listeners) l.trackPublished(r, p, t);
      }
      @Override public void trackUnpublished(LivekitModels.Room r, LivekitModels.ParticipantInfo p, LivekitModels.TrackInfo t) {
        for (RoomEvents l : listeners) l.trackUnpublished(r, p, t);
      }
    };
  }
}
