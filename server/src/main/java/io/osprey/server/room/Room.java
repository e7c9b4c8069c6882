package io.osprey.server.room;

import io.osprey.protocol.livekit.LivekitModels;
import io.osprey.protocol.livekit.LivekitModels.DisconnectReason;
import io.osprey.protocol.livekit.LivekitModels.ParticipantInfo;
import io.osprey.protocol.livekit.LivekitRtc.ParticipantUpdate;
import io.osprey.protocol.livekit.LivekitRtc.SignalResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * One room: its settings, its participants, and the lifecycle livekit-server gives it (closed
 * after {@code empty_timeout} if nobody ever joins, after {@code departure_timeout} once the last
 * participant has left). Every method runs on the room's own executor (one event loop, no locks);
 * other threads read the immutable {@link #snapshot()}.
 */
public final class Room {
  private final Executor loop;
  private final RoomEvents events;
  private final java.time.InstantSource clock;
  private final Map<String, Participant> participants = new LinkedHashMap<>();
  private LivekitModels.Room.Builder state;
  private volatile LivekitModels.Room snapshot;
  private Instant lastLeftAt;
  private boolean everJoined;
  private boolean closed;
  private int versionTicks;
  /**
   * Updates about participants that publish nothing (their joining, their connection coming up),
   * held for {@link #flushUpdates()} rather than sent to everyone at once, as livekit-server batches
   * them: N subscribers joining would otherwise cost N squared messages. Latest info per sid.
   */
  private final Map<String, ParticipantInfo> heldUpdates = new LinkedHashMap<>();

  Room(LivekitModels.Room initial, Executor loop, RoomEvents events, java.time.InstantSource clock) {
    this.state = initial.toBuilder();
    this.loop = loop;
    this.events = events;
    this.clock = clock;
    publish();
  }

  /** The executor that owns this room. */
  public Executor loop() {
    return loop;
  }

  /** The room as the RoomService reports it; safe from any thread. */
  public LivekitModels.Room snapshot() {
    return snapshot;
  }

  public String name() {
    return snapshot.getName();
  }

  public boolean closed() {
    return closed;
  }

  public Collection<Participant> participants() {
    return participants.values();
  }

  public Optional<Participant> participant(String identity) {
    return Optional.ofNullable(participants.get(identity));
  }

  /** The identities in the room, readable from any thread (published with each snapshot). */
  private volatile java.util.Set<String> identities = java.util.Set.of();

  /** Whether a participant with this identity is in the room (any thread; as of the last change). */
  public boolean hasParticipant(String identity) {
    return identities.contains(identity);
  }

  /** Whether one more participant may join under {@code max_participants}. */
  public boolean full() {
    int max = state.getMaxParticipants();
    return max > 0 && participants.size() >= max;
  }

  /**
   * Adds a participant. One with the same identity is replaced and told DUPLICATE_IDENTITY.
   * Others get a ParticipantUpdate; webhooks get participant_joined.
   */
  public void join(Participant p) {
    Participant previous = participants.remove(p.identity());
    if (previous != null) {
      previous.session().close(DisconnectReason.DUPLICATE_IDENTITY);
      events.participantLeft(snapshot, previous.info());
    }
    participants.put(p.identity(), p);
    everJoined = true;
    lastLeftAt = null;
    publish();
    events.participantJoined(snapshot, p.info());
    announce(p.info(), false);
  }

  /** Removes a participant (it left, or was removed), telling the others. */
  public Optional<Participant> leave(String identity, Instant now) {
    Participant p = participants.remove(identity);
    if (p == null) {
      return Optional.empty();
    }
    if (participants.isEmpty()) {
      lastLeftAt = now;
    }
    publish();
    ParticipantInfo gone = p.info().toBuilder().setState(ParticipantInfo.State.DISCONNECTED).build();
    events.participantLeft(snapshot, gone);
    announce(gone, true);
    return Optional.of(p);
  }

  /** A participant published a track: the others are told, webhooks get track_published. */
  public void trackPublished(Participant p, LivekitModels.TrackInfo track) {
    p.tracks().put(track.getSid(), track);
    ParticipantInfo info = p.update(b -> { });
    publish();
    events.trackPublished(snapshot, info, track);
    announce(info, true);
  }

  /** A participant's track is gone: the others are told, webhooks get track_unpublished. */
  public void trackUnpublished(Participant p, String trackSid) {
    LivekitModels.TrackInfo track = p.tracks().remove(trackSid);
    if (track == null) {
      return;
    }
    ParticipantInfo info = p.update(b -> { });
    publish();
    events.trackUnpublished(snapshot, info, track);
    announce(info, true);
  }

  /** A participant's info changed (metadata, name, attributes, a track's mute): the others are told now. */
  public void participantChanged(Participant p, java.util.function.Consumer<ParticipantInfo.Builder> change) {
    ParticipantInfo info = p.update(change);
    publish();
    announce(info, true);
  }

  /**
   * A participant's connection state changed (its media came up): the others are told now if it
   * publishes, with the next {@link #flushUpdates()} if not.
   */
  public void participantStateChanged(Participant p, ParticipantInfo.State state) {
    ParticipantInfo info = p.update(b -> b.setState(state));
    publish();
    announce(info, false);
  }

  /** A participant's connection was lost without a goodbye (webhook participant_connection_aborted). */
  public void connectionAborted(Participant p) {
    events.participantConnectionAborted(snapshot, p.info());
  }

  /** Changes the room's metadata and tells everyone (RoomUpdate). */
  public LivekitModels.Room updateMetadata(String metadata) {
    state.setMetadata(metadata);
    publish();
    broadcast(SignalResponse.newBuilder().setRoomUpdate(
        io.osprey.protocol.livekit.LivekitRtc.RoomUpdate.newBuilder().setRoom(snapshot)).build(), null);
    return snapshot;
  }

  /** Applies CreateRoom options to an existing room (CreateRoom is idempotent). */
  public LivekitModels.Room reconfigure(int emptyTimeout, int departureTimeout, int maxParticipants, String metadata) {
    if (emptyTimeout > 0) {
      state.setEmptyTimeout(emptyTimeout);
    }
    if (departureTimeout > 0) {
      state.setDepartureTimeout(departureTimeout);
    }
    if (maxParticipants > 0) {
      state.setMaxParticipants(maxParticipants);
    }
    if (!metadata.isEmpty()) {
      state.setMetadata(metadata);
    }
    publish();
    return snapshot;
  }

  /** Sends a message to every participant but {@code exceptSid}. */
  public void broadcast(SignalResponse message, String exceptSid) {
    for (Participant p : participants.values()) {
      if (!p.sid().equals(exceptSid)) {
        p.session().send(message);
      }
    }
  }

  /** Tells the others (not the participant itself) about its new state now (hidden participants are not announced). */
  public void broadcastParticipant(ParticipantInfo info) {
    announce(info, true);
  }

  /**
   * Tells the others (not the participant itself) about {@code info}: now if {@code immediate} or the
   * participant publishes, else with the next {@link #flushUpdates()}. What is sent now replaces what was held.
   */
  private void announce(ParticipantInfo info, boolean immediate) {
    if (info.getPermission().getHidden()) {
      return;
    }
    if (immediate || info.getIsPublisher()) {
      heldUpdates.remove(info.getSid());
      broadcast(SignalResponse.newBuilder().setUpdate(ParticipantUpdate.newBuilder().addParticipants(info)).build(),
          info.getSid());
    } else {
      heldUpdates.put(info.getSid(), info);
    }
  }

  /**
   * Sends the held updates in one ParticipantUpdate to everyone (each without its own info); the
   * room manager calls this every second. Returns how many participants' updates went out.
   */
  public int flushUpdates() {
    if (heldUpdates.isEmpty()) {
      return 0;
    }
    int count = heldUpdates.size();
    SignalResponse all = SignalResponse.newBuilder()
        .setUpdate(ParticipantUpdate.newBuilder().addAllParticipants(heldUpdates.values())).build();
    for (Participant p : participants.values()) {
      if (!heldUpdates.containsKey(p.sid())) {
        p.session().send(all);
      } else if (count > 1) {
        ParticipantUpdate.Builder others = ParticipantUpdate.newBuilder();
        heldUpdates.forEach((sid, info) -> {
          if (!sid.equals(p.sid())) {
            others.addParticipants(info);
          }
        });
        p.session().send(SignalResponse.newBuilder().setUpdate(others).build());
      }
    }
    heldUpdates.clear();
    return count;
  }

  /** Whether the room's timeouts say it should close at {@code now}. */
  public boolean expired(Instant now) {
    if (!participants.isEmpty() || closed) {
      return false;
    }
    if (!everJoined) {
      Instant created = Instant.ofEpochMilli(state.getCreationTimeMs());
      return !now.isBefore(created.plusSeconds(state.getEmptyTimeout()));
    }
    return lastLeftAt != null && !now.isBefore(lastLeftAt.plusSeconds(state.getDepartureTimeout()));
  }

  /** Closes the room: every participant is told {@code reason} and removed. */
  public void close(DisconnectReason reason) {
    close(reason, false);
  }

  /** Closes the room; {@code rejoin}: its participants are asked to rejoin (the node is going away). */
  public void close(DisconnectReason reason, boolean rejoin) {
    if (closed) {
      return;
    }
    closed = true;
    heldUpdates.clear(); // nobody is left to tell
    List<Participant> all = new ArrayList<>(participants.values());
    participants.clear();
    for (Participant p : all) {
      if (rejoin) {
        p.session().closeForRejoin(reason);
      } else {
        p.session().close(reason);
      }
      events.participantLeft(snapshot, p.info().toBuilder().setState(ParticipantInfo.State.DISCONNECTED).build());
    }
    publish();
    events.roomFinished(snapshot);
  }

  /** Recomputes the snapshot after a change. */
  public void publish() {
    int publishers = 0;
    int visible = 0;
    for (Participant p : participants.values()) {
      if (!p.hidden()) {
        visible++;
      }
      if (!p.tracks().isEmpty()) {
        publishers++;
      }
    }
    identities = java.util.Set.copyOf(participants.keySet());
    state.setNumParticipants(visible).setNumPublishers(publishers)
        .setVersion(LivekitModels.TimedVersion.newBuilder().setUnixMicro(clock.millis() * 1000)
            .setTicks(++versionTicks));
    snapshot = state.build();
  }
}
