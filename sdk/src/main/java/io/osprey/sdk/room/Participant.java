package io.osprey.sdk.room;

import io.osprey.protocol.livekit.LivekitModels.ParticipantInfo;
import java.util.Map;

/**
 * A participant of a room as the server last described it. Readable from any thread; the room
 * updates it on its event loop before telling listeners.
 */
public abstract sealed class Participant permits LocalParticipant, RemoteParticipant {
  volatile ParticipantInfo info;
  volatile boolean speaking;
  volatile float audioLevel;

  Participant(ParticipantInfo info) {
    this.info = info;
  }

  public String sid() {
    return info.getSid();
  }

  public String identity() {
    return info.getIdentity();
  }

  public String name() {
    return info.getName();
  }

  public String metadata() {
    return info.getMetadata();
  }

  public Map<String, String> attributes() {
    return info.getAttributesMap();
  }

  /** Whether the server counts this participant among the active speakers. */
  public boolean isSpeaking() {
    return speaking;
  }

  /** The last audio level the server reported (0 to 1). */
  public float audioLevel() {
    return audioLevel;
  }

  /** The server's full description. */
  public ParticipantInfo info() {
    return info;
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "(" + identity() + ", " + sid() + ")";
  }
}
