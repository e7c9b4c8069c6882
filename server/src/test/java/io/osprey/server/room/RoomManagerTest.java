package io.osprey.server.room;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.osprey.protocol.livekit.LivekitModels;
import io.osprey.protocol.livekit.LivekitModels.DisconnectReason;
import io.osprey.protocol.livekit.LivekitModels.ParticipantInfo;
import io.osprey.protocol.livekit.LivekitRtc.SignalResponse;
import io.osprey.server.config.ServerConfig;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Room lifecycle in virtual time: a direct executor and a clock the test moves. */
class RoomManagerTest {
  private Instant now = Instant.parse("2026-11-22T12:00:00Z");
  private final InstantSource clock = () -> now;
  private final List<String> events = new ArrayList<>();
  private final RoomEvents recorder = new RoomEvents() {
    @Override public void roomStarted(LivekitModels.Room r) { events.add("started " + r.getName()); }
    @Override public void roomFinished(LivekitModels.Room r) { events.add("finished " + r.getName()); }
    @Override public void participantJoined(LivekitModels.Room r, ParticipantInfo p) { events.add("joined " + p.getIdentity()); }
    @Override public void participantLeft(LivekitModels.Room r, ParticipantInfo p) { events.add("left " + p.getIdentity()); }
  };
  private final RoomManager rooms = new RoomManager(
      new ServerConfig.Room(true, 300, 20, 2, List.of()),
      new ServerConfig.Limits(64, 0, 10, 256, 256, 0, 0),
      () -> Runnable::run, recorder, clock);

  /** A session that records what it is told. */
  private static final class FakeSession implements ParticipantSession {
    final List<SignalResponse> sent = new ArrayList<>();
    DisconnectReason closedWith;

    @Override public void send(SignalResponse m) { sent.add(m); }
    @Override public void close(DisconnectReason reason) { closedWith = reason; }
  }

  private static Participant participant(String identity, FakeSession s) {
    return new Participant(ParticipantInfo.newBuilder().setIdentity(identity).setSid("PA_" + identity)
        .setState(ParticipantInfo.State.ACTIVE).build(), s);
  }

  private Room room(String name) throws Exception {
    rooms.create(name, RoomManager.CreateOptions.DEFAULTS).join();
    return rooms.get(name).orElseThrow();
  }

  @Test
  void aRoomNobodyJoinsClosesAfterTheEmptyTimeout() throws Exception {
    room("lonely");
    now = now.plusSeconds(299);
    rooms.sweep();
    assertThat(rooms.get("lonely")).isPresent();
    now = now.plusSeconds(1);
    rooms.sweep();
    assertThat(rooms.get("lonely")).isEmpty();
    assertThat(events).containsExactly("started lonely", "finished lonely");
  }

  @Test
  void aRoomClosesAfterTheDepartureTimeoutOnceTheLastOneLeft() throws Exception {
    Room r = room("meet");
    r.join(participant("alice", new FakeSession()));
    now = now.plus(Duration.ofHours(1));
    rooms.sweep();
    assertThat(rooms.get("meet")).isPresent();
    r.leave("alice", now);
    now = now.plusSeconds(19);
    rooms.sweep();
    assertThat(rooms.get("meet")).isPresent();
    now = now.plusSeconds(1);
    rooms.sweep();
    assertThat(rooms.get("meet")).isEmpty();
    assertThat(events).containsExactly("started meet", "joined alice", "left alice", "finished meet");
  }

  @Test
  void createIsIdempotentAndAppliesNewOptions() throws Exception {
    LivekitModels.Room first = rooms.create("idem", RoomManager.CreateOptions.DEFAULTS).join();
    LivekitModels.Room second = rooms.create("idem", new RoomManager.CreateOptions(42, 0, 5, "meta")).join();
    assertThat(second.getSid()).isEqualTo(first.getSid());
    assertThat(second.getEmptyTimeout()).isEqualTo(42);
    assertThat(second.getMaxParticipants()).isEqualTo(5);
    assertThat(second.getMetadata()).isEqualTo("meta");
    assertThat(first.getSid()).matches("RM_[2-9A-HJ-NP-Za-km-z]{12}");
    assertThat(events).containsExactly("started idem");
  }

  @Test
  void aSecondSessionWithTheSameIdentityReplacesTheFirst() throws Exception {
    Room r = room("dup");
    FakeSession first = new FakeSession();
    FakeSession watcher = new FakeSession();
    r.join(participant("bob", first));
    r.join(participant("carol", watcher));
    r.join(participant("bob", new FakeSession()));
    assertThat(first.closedWith).isEqualTo(DisconnectReason.DUPLICATE_IDENTITY);
    assertThat(r.participants()).extracting(Participant::identity).containsExactlyInAnyOrder("bob", "carol");
    rooms.sweep(); // subscribers' joins go out with the next sweep
    assertThat(watcher.sent).isNotEmpty();
    assertThat(watcher.sent.get(watcher.sent.size() - 1).getUpdate().getParticipants(0).getIdentity()).isEqualTo("bob");
  }

  @Test
  void deletingARoomTellsEveryoneRoomDeleted() throws Exception {
    Room r = room("gone");
    FakeSession s = new FakeSession();
    r.join(participant("dave", s));
    assertThat(rooms.delete("gone").join()).isTrue();
    assertThat(s.closedWith).isEqualTo(DisconnectReason.ROOM_DELETED);
    assertThat(rooms.delete("gone").join()).isFalse();
    assertThat(events).endsWith("left dave", "finished gone");
  }

  @Test
  void knowsWhenItIsFull() throws Exception {
    Room r = room("small");
    r.join(participant("a", new FakeSession()));
    assertThat(r.full()).isFalse();
    r.join(participant("b", new FakeSession()));
    assertThat(r.full()).isTrue();
  }

  @Test
  void enforcesNameAndMetadataLimits() {
    assertThatThrownBy(() -> rooms.create("x".repeat(11), RoomManager.CreateOptions.DEFAULTS))
        .hasMessage("room name length exceeds limits");
    assertThatThrownBy(() -> rooms.create("ok", new RoomManager.CreateOptions(0, 0, 0, "m".repeat(65))))
        .hasMessage("metadata size exceeds limits");
    assertThatThrownBy(() -> rooms.create(" ", RoomManager.CreateOptions.DEFAULTS)).hasMessage("room name is required");
  }

  @Test
  void subscribersJoinsGoOutTogetherWithTheNextSweepWhatPublishersDoGoesOutAtOnce() throws Exception {
    Room r = room("batch");
    FakeSession alice = new FakeSession();
    FakeSession bob = new FakeSession();
    r.join(participant("alice", alice));
    r.join(participant("bob", bob));
    r.join(participant("carol", new FakeSession()));
    assertThat(alice.sent).isEmpty(); // nobody hears of subscribers joining one by one
    rooms.sweep();
    assertThat(alice.sent).hasSize(1);
    assertThat(alice.sent.get(0).getUpdate().getParticipantsList()).extracting(ParticipantInfo::getIdentity)
        .containsExactly("bob", "carol"); // one message, without alice's own info
    assertThat(bob.sent.get(0).getUpdate().getParticipantsList()).extracting(ParticipantInfo::getIdentity)
        .containsExactly("alice", "carol");
    rooms.sweep();
    assertThat(alice.sent).hasSize(1); // nothing held, nothing sent

    Participant dave = participant("dave", new FakeSession());
    r.join(dave);
    r.trackPublished(dave, LivekitModels.TrackInfo.newBuilder().setSid("TR_1").build());
    assertThat(alice.sent).hasSize(2); // a publisher's news go out at once, and replace its held join
    assertThat(alice.sent.get(1).getUpdate().getParticipants(0).getIsPublisher()).isTrue();
    rooms.sweep();
    assertThat(alice.sent).hasSize(2);

    r.join(participant("erin", new FakeSession()));
    r.leave("erin", now);
    assertThat(alice.sent).hasSize(3); // leaving is told at once
    assertThat(alice.sent.get(2).getUpdate().getParticipants(0).getState()).isEqualTo(ParticipantInfo.State.DISCONNECTED);
    rooms.sweep();
    assertThat(alice.sent).hasSize(3); // the held join is not sent after the leave

    r.participantChanged(r.participant("bob").orElseThrow(), b -> b.setMetadata("hi"));
    assertThat(alice.sent).hasSize(4); // metadata goes out at once
    assertThat(alice.sent.get(3).getUpdate().getParticipants(0).getMetadata()).isEqualTo("hi");
  }

  @Test
  void hiddenParticipantsAreNotCountedOrAnnounced() throws Exception {
    Room r = room("hide");
    FakeSession watcher = new FakeSession();
    r.join(participant("w", watcher));
    r.join(new Participant(ParticipantInfo.newBuilder().setIdentity("h").setSid("PA_h")
        .setPermission(LivekitModels.ParticipantPermission.newBuilder().setHidden(true)).build(), new FakeSession()));
    assertThat(r.snapshot().getNumParticipants()).isEqualTo(1);
    rooms.sweep();
    assertThat(watcher.sent).isEmpty();
    assertThat(Set.copyOf(r.participants().stream().map(Participant::identity).toList())).containsExactlyInAnyOrder("w", "h");
  }
}
