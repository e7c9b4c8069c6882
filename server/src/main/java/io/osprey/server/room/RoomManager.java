package io.osprey.server.room;

import io.osprey.protocol.Guid;
import io.osprey.protocol.livekit.LivekitModels;
import io.osprey.protocol.livekit.LivekitModels.DisconnectReason;
import io.osprey.server.config.ServerConfig;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Owns the rooms of this node: creates them (explicitly or on first join), finds them, closes them
 * when deleted or when their timeouts expire ({@link #sweep}, called every second by the server).
 * Each room lives on an executor from {@code loops}; work on a room goes through {@link #onRoom}.
 */
public final class RoomManager {
  private final ConcurrentHashMap<String, Room> rooms = new ConcurrentHashMap<>();
  private final ServerConfig.Room defaults;
  private final ServerConfig.Limits limits;
  private final Supplier<Executor> loops;
  private final RoomEvents events;
  private final InstantSource clock;

  public RoomManager(ServerConfig.Room defaults, ServerConfig.Limits limits, Supplier<Executor> loops,
                     RoomEvents events, InstantSource clock) {
    this.defaults = defaults;
    this.limits = limits;
    this.loops = loops;
    this.events = events;
    this.clock = clock;
  }

  /** Options of a CreateRoom call; zero values take the configured defaults. */
  public record CreateOptions(int emptyTimeout, int departureTimeout, int maxParticipants, String metadata) {
    public static final CreateOptions DEFAULTS = new CreateOptions(0, 0, 0, "");
  }

  /** A room name or metadata the limits refuse. */
  public static final class LimitException extends Exception {
    private static final long serialVersionUID = 1L;

    public LimitException(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Returns the room, creating it if absent (room_started fires once). An existing room gets the
   * non-zero options applied, as CreateRoom does in livekit-server.
   */
  public CompletableFuture<LivekitModels.Room> create(String name, CreateOptions options) throws LimitException {
    checkName(name);
    checkMetadata(options.metadata());
    Room room = rooms.computeIfAbsent(name, n -> newRoom(n, options));
    return onRoom(room, r -> r.reconfigure(options.emptyTimeout(), options.departureTimeout(),
        options.maxParticipants(), options.metadata()));
  }

  private Room newRoom(String name, CreateOptions o) {
    Instant now = clock.instant();
    LivekitModels.Room initial = LivekitModels.Room.newBuilder()
        .setSid(Guid.next(Guid.ROOM)).setName(name)
        .setEmptyTimeout(o.emptyTimeout() > 0 ? o.emptyTimeout() : defaults.emptyTimeoutSeconds())
        .setDepartureTimeout(o.departureTimeout() > 0 ? o.departureTimeout() : defaults.departureTimeoutSeconds())
        .setMaxParticipants(o.maxParticipants() > 0 ? o.maxParticipants() : defaults.maxParticipants())
        .setMetadata(o.metadata())
        .setCreationTime(now.getEpochSecond()).setCreationTimeMs(now.toEpochMilli())
        .build();
    Room room = new Room(initial, loops.get(), events, clock);
    room.loop().execute(() -> events.roomStarted(room.snapshot()));
    return room;
  }

  /** The room named {@code name}, if it exists. */
  public Optional<Room> get(String name) {
    return Optional.ofNullable(rooms.get(name));
  }

  /** Snapshots of the rooms, all or those named. */
  public List<LivekitModels.Room> list(Collection<String> names) {
    List<LivekitModels.Room> out = new ArrayList<>();
    if (names.isEmpty()) {
      rooms.values().forEach(r -> out.add(r.snapshot()));
    } else {
      for (String n : names) {
        Room r = rooms.get(n);
        if (r != null) {
          out.add(r.snapshot());
        }
      }
    }
    out.sort((a, b) -> Long.compare(a.getCreationTimeMs(), b.getCreationTimeMs()));
    return out;
  }

  /** Closes and forgets a room; participants are told ROOM_DELETED. Completes false if absent. */
  public CompletableFuture<Boolean> delete(String name) {
    Room room = rooms.remove(name);
    if (room == null) {
      return CompletableFuture.completedFuture(false);
    }
    return onRoom(room, r -> {
      r.close(DisconnectReason.ROOM_DELETED);
      return true;
    });
  }

  /** Runs {@code work} on the room's loop. */
  public <T> CompletableFuture<T> onRoom(Room room, Function<Room, T> work) {
    return CompletableFuture.supplyAsync(() -> work.apply(room), room.loop());
  }

  /** Sends each room's held participant updates and closes rooms whose empty or departure timeout has passed. */
  public void sweep() {
    Instant now = clock.instant();
    for (Room room : rooms.values()) {
      room.loop().execute(() -> {
        room.flushUpdates();
        if (room.expired(now) && rooms.remove(room.name(), room)) {
          room.close(DisconnectReason.ROOM_CLOSED);
        }
      });
    }
  }

  /**
   * Drain, first step: every participant of every room is asked to rejoin, at one of {@code urls}
   * if it likes (see {@link ParticipantSession#askToRejoin}); rooms and forwarding stay. Returns
   * how many participants were asked.
   */
  public int askAllToRejoin(List<String> urls) {
    int asked = 0;
    for (Room room : List.copyOf(rooms.values())) {
      asked += onRoom(room, r -> {
        int n = 0;
        for (Participant p : r.participants()) {
          p.session().askToRejoin(DisconnectReason.SERVER_SHUTDOWN, urls);
          n++;
        }
        return n;
      }).join();
    }
    return asked;
  }

  /**
   * Drain: how many participants are still here, and how many of them still send or still have
   * data on its way to them.
   */
  public DrainProgress drainProgress() {
    int present = 0;
    int busy = 0;
    for (Room room : List.copyOf(rooms.values())) {
      int[] counts = onRoom(room, r -> {
        int here = 0;
        int sending = 0;
        boolean allDone = true;
        for (Participant p : r.participants()) {
          here++;
          allDone &= p.session().doneSending();
        }
        for (Participant p : r.participants()) {
          // once nobody sends, what was sent either reached its receiver or is still on its way
          if (!allDone ? !p.session().doneSending() : !p.session().delivered()) {
            sending++;
          }
        }
        return new int[] {here, sending};
      }).join();
      present += counts[0];
      busy += counts[1];
    }
    return new DrainProgress(present, busy);
  }

  /**
   * Where a drain stands: {@code present} participants are still connected, {@code busy} of them
   * still send (they have not answered the request to rejoin) or, once nobody sends, still have
   * data on its way to them. Nothing is in flight when busy is 0.
   */
  public record DrainProgress(int present, int busy) {
    public boolean drained() {
      return busy == 0;
    }
  }

  /**
   * Closes every room at server shutdown: participants hear SERVER_SHUTDOWN, and with
   * {@code rejoin} (other nodes will take the rooms) are asked to rejoin rather than to leave.
   */
  public void closeAll(boolean rejoin) {
    for (String name : List.copyOf(rooms.keySet())) {
      Room room = rooms.remove(name);
      if (room != null) {
        onRoom(room, r -> {
          r.close(DisconnectReason.SERVER_SHUTDOWN, rejoin);
          return true;
        }).join();
      }
    }
  }

  public int size() {
    return rooms.size();
  }

  public void checkName(String name) throws LimitException {
    if (name == null || name.isBlank()) {
      throw new LimitException("room name is required");
    }
    if (limits.maxRoomNameLength() > 0 && name.length() > limits.maxRoomNameLength()) {
      throw new LimitException("room name length exceeds limits");
    }
  }

  public void checkMetadata(String metadata) throws LimitException {
    if (limits.maxMetadataSize() > 0 && metadata.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > limits.maxMetadataSize()) {
      throw new LimitException("metadata size exceeds limits");
    }
  }
}
