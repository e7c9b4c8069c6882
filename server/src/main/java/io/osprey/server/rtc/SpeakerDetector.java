package io.osprey.server.rtc;

import io.osprey.protocol.livekit.LivekitModels.SpeakerInfo;
import io.osprey.protocol.livekit.LivekitRtc.SignalResponse;
import io.osprey.protocol.livekit.LivekitRtc.SpeakersChanged;
import io.osprey.server.room.Participant;
import io.osprey.server.room.Room;
import io.osprey.sfu.audio.ActiveSpeakers;
import io.osprey.sfu.audio.AudioLevelConfig;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Active speakers per room, from the RFC 6464 levels in published audio: every update interval,
 * a room whose speakers changed tells its participants ({@code speakers_changed}, loudest first;
 * those who stopped are sent once with {@code active = false}). Hidden participants are heard but
 * never announced. Confined to the media loop.
 */
final class SpeakerDetector {
  private static final long PACKET_NANOS = 20_000_000L; // an Opus packet carries 20 ms

  private final AudioLevelConfig config;
  private final Map<Room, ActiveSpeakers<Participant>> rooms = new HashMap<>();
  private final Map<Room, Set<String>> announced = new HashMap<>();

  SpeakerDetector(AudioLevelConfig config) {
    this.config = config;
  }

  void observe(Room room, Participant participant, int level, long nowNanos) {
    rooms.computeIfAbsent(room, r -> new ActiveSpeakers<>(config)).meter(participant)
        .observe(level, PACKET_NANOS, nowNanos);
  }

  void remove(Room room, Participant participant) {
    ActiveSpeakers<Participant> speakers = rooms.get(room);
    if (speakers != null) {
      speakers.remove(participant);
    }
  }

  /** Recomputes every room's speakers and sends the changes. */
  void update(long nowNanos) {
    for (Iterator<Map.Entry<Room, ActiveSpeakers<Participant>>> it = rooms.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Room, ActiveSpeakers<Participant>> e = it.next();
      Room room = e.getKey();
      if (room.closed()) {
        it.remove();
        announced.remove(room);
        continue;
      }
      if (!e.getValue().update(nowNanos)) {
        continue;
      }
      SpeakersChanged.Builder changed = SpeakersChanged.newBuilder();
      Set<String> now = new HashSet<>();
      for (ActiveSpeakers.Speaker<Participant> s : e.getValue().speakers()) {
        if (!s.participant().hidden()) {
          now.add(s.participant().sid());
          changed.addSpeakers(SpeakerInfo.newBuilder().setSid(s.participant().sid()).setLevel((float) s.level())
              .setActive(true));
        }
      }
      for (String sid : announced.getOrDefault(room, Set.of())) {
        if (!now.contains(sid)) {
          changed.addSpeakers(SpeakerInfo.newBuilder().setSid(sid).setLevel(0).setActive(false));
        }
      }
      announced.put(room, now);
      if (changed.getSpeakersCount() > 0) {
        room.broadcast(SignalResponse.newBuilder().setSpeakersChanged(changed).build(), null);
      }
    }
  }
}
