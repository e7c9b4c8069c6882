package io.osprey.sdk.room;

import io.osprey.protocol.livekit.LivekitModels;
import io.osprey.protocol.livekit.LivekitModels.ParticipantInfo;
import io.osprey.protocol.livekit.LivekitModels.TrackInfo;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Who is in the room, as the server's participant updates tell it: remote participants and
 * their publications, speaking state, and the listener calls each change makes. Lives on the
 * room's loop; the map is readable from any thread.
 */
final class Roster {
  private final Room room;
  private final RoomListener listener;
  private final Consumer<String> trackGone;
  private final Map<String, RemoteParticipant> participants = new ConcurrentHashMap<>();
  private volatile List<Participant> activeSpeakers = List.of();

  /** @param trackGone told the sid of every track that stops being published (to end its subscription) */
  Roster(Room room, RoomListener listener, Consumer<String> trackGone) {
    this.room = room;
    this.listener = listener;
    this.trackGone = trackGone;
  }

  Collection<RemoteParticipant> remote() {
    return List.copyOf(participants.values());
  }

  Optional<RemoteParticipant> byIdentity(String identity) {
    return participants.values().stream().filter(p -> p.identity().equals(identity)).findFirst();
  }

  /** The participant {@code sid}, local or remote, or null. */
  Participant bySid(String sid) {
    LocalParticipant local = room.localParticipant();
    if (local != null && local.sid().equals(sid)) {
      return local;
    }
    return participants.get(sid);
  }

  List<Participant> activeSpeakers() {
    return activeSpeakers;
  }

  /** The publication of track {@code trackSid}, whoever publishes it, or null. */
  RemoteTrackPublication publication(String trackSid) {
    for (RemoteParticipant p : participants.values()) {
      RemoteTrackPublication pub = p.publications.get(trackSid);
      if (pub != null) {
        return pub;
      }
    }
    return null;
  }

  /**
   * The others present at a join. On a rejoin ({@code announce}), those new to us are announced
   * and those gone meanwhile leave.
   */
  void joined(List<ParticipantInfo> others, boolean announce) {
    Set<String> present = new HashSet<>();
    for (ParticipantInfo p : others) {
      present.add(p.getSid());
      update(p, announce);
    }
    for (RemoteParticipant gone : List.copyOf(participants.values())) {
      if (!present.contains(gone.sid())) {
        remove(gone);
      }
    }
  }

  /** One entry of a participant update. */
  void onInfo(ParticipantInfo p) {
    LocalParticipant local = room.localParticipant();
    if (local != null && (p.getSid().equals(local.sid()) || p.getIdentity().equals(local.identity()))) {
      if (p.getSid().equals(local.sid())) {
        ParticipantInfo before = local.info;
        local.info = p;
        notifyChanges(before, p, local);
      }
      return;
    }
    if (p.getState() == ParticipantInfo.State.DISCONNECTED) {
      RemoteParticipant gone = participants.get(p.getSid());
      if (gone != null) {
        remove(gone);
      }
      return;
    }
    update(p, true);
  }

  private void update(ParticipantInfo p, boolean announce) {
    RemoteParticipant rp = participants.get(p.getSid());
    boolean isNew = rp == null;
    ParticipantInfo before = isNew ? null : rp.info;
    if (isNew) {
      rp = new RemoteParticipant(p);
      participants.put(p.getSid(), rp);
      if (announce) {
        listener.onParticipantConnected(rp);
      }
    } else {
      rp.info = p;
      notifyChanges(before, p, rp);
    }
    Set<String> tracks = new HashSet<>();
    for (TrackInfo t : p.getTracksList()) {
      tracks.add(t.getSid());
      RemoteTrackPublication pub = rp.publications.get(t.getSid());
      if (pub == null) {
        pub = new RemoteTrackPublication(t, room, rp);
        rp.publications.put(t.getSid(), pub);
        if (announce || !isNew) {
          listener.onTrackPublished(pub, rp);
        }
      } else {
        boolean wasMuted = pub.muted();
        pub.info = t;
        if (wasMuted != t.getMuted()) {
          if (t.getMuted()) {
            listener.onTrackMuted(pub, rp);
          } else {
            listener.onTrackUnmuted(pub, rp);
          }
        }
      }
    }
    for (RemoteTrackPublication pub : List.copyOf(rp.publications.values())) {
      if (!tracks.contains(pub.sid())) {
        unpublished(rp, pub);
      }
    }
  }

  private void unpublished(RemoteParticipant rp, RemoteTrackPublication pub) {
    trackGone.accept(pub.sid());
    rp.publications.remove(pub.sid());
    listener.onTrackUnpublished(pub, rp);
  }

  private void remove(RemoteParticipant rp) {
    for (RemoteTrackPublication pub : List.copyOf(rp.publications.values())) {
      unpublished(rp, pub);
    }
    participants.remove(rp.sid());
    listener.onParticipantDisconnected(rp);
  }

  private void notifyChanges(ParticipantInfo before, ParticipantInfo after, Participant p) {
    if (!before.getMetadata().equals(after.getMetadata())) {
      listener.onMetadataChanged(before.getMetadata(), p);
    }
    if (!before.getName().equals(after.getName())) {
      listener.onNameChanged(before.getName(), p);
    }
    if (!before.getAttributesMap().equals(after.getAttributesMap())) {
      Map<String, String> changed = new HashMap<>();
      after.getAttributesMap().forEach((k, v) -> {
        if (!v.equals(before.getAttributesMap().get(k))) {
          changed.put(k, v);
        }
      });
      before.getAttributesMap().keySet().forEach(k -> {
        if (!after.getAttributesMap().containsKey(k)) {
          changed.put(k, "");
        }
      });
      listener.onAttributesChanged(changed, p);
    }
  }

  /** A speakers update: levels and speaking flags change, the active list is rebuilt loudest first. */
  void onSpeakers(List<LivekitModels.SpeakerInfo> speakers) {
    for (LivekitModels.SpeakerInfo s : speakers) {
      Participant p = bySid(s.getSid());
      if (p == null) {
        continue;
      }
      p.audioLevel = s.getLevel();
      if (p.speaking != s.getActive()) {
        p.speaking = s.getActive();
        listener.onIsSpeakingChanged(p, s.getActive());
      }
    }
    List<Participant> active = new ArrayList<>();
    for (Participant p : participants.values()) {
      if (p.speaking) {
        active.add(p);
      }
    }
    LocalParticipant local = room.localParticipant();
    if (local != null && local.speaking) {
      active.add(local);
    }
    active.sort((a, b) -> Float.compare(b.audioLevel, a.audioLevel));
    activeSpeakers = List.copyOf(active);
    listener.onActiveSpeakersChanged(activeSpeakers);
  }
}
