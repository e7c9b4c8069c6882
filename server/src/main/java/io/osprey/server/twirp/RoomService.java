package io.osprey.server.twirp;

import com.google.protobuf.Message;
import io.osprey.protocol.auth.VideoGrant;
import io.osprey.protocol.livekit.LivekitModels;
import io.osprey.protocol.livekit.LivekitModels.DataPacket;
import io.osprey.protocol.livekit.LivekitModels.DisconnectReason;
import io.osprey.protocol.livekit.LivekitModels.TrackInfo;
import io.osprey.protocol.livekit.LivekitModels.UserPacket;
import io.osprey.protocol.livekit.LivekitRoom.*;
import io.osprey.protocol.livekit.LivekitRtc.MuteTrackRequest;
import io.osprey.protocol.livekit.LivekitRtc.SignalResponse;
import io.osprey.server.room.Participant;
import io.osprey.server.room.Room;
import io.osprey.server.room.RoomManager;
import io.osprey.server.routing.RoomLocation;
import io.osprey.server.routing.Router;
import io.osprey.server.routing.RoutingException;
import java.time.InstantSource;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * {@code livekit.RoomService}: each method's grant check as in livekit-server (create/delete need
 * roomCreate, list needs roomList, the rest roomAdmin on the request's room), then the
 * {@link Router} says where the room lives. Here, the work runs on the room's loop and participant
 * methods act on live sessions; on another node, the call is forwarded to that node, the room's
 * owner, which answers it (a forwarded call is never forwarded again).
 */
public final class RoomService implements TwirpService {
  /** One method: its request type and handler. */
  private record Method(Message prototype, Handler handler) {}

  @FunctionalInterface
  private interface Handler {
    CompletableFuture<? extends Message> call(Message request, TwirpCall call) throws TwirpException;
  }

  /** Work on a room hosted here, on the room's loop. */
  @FunctionalInterface
  private interface LocalWork {
    CompletableFuture<? extends Message> run(Room room);
  }

  private final RoomManager rooms;
  private final Router router;
  private final InstantSource clock;
  private final Map<String, Method> methods = new LinkedHashMap<>();

  public RoomService(RoomManager rooms, Router router, InstantSource clock) {
    this.rooms = rooms;
    this.router = router;
    this.clock = clock;
    methods.put("CreateRoom", new Method(CreateRoomRequest.getDefaultInstance(), (r, c) -> create((CreateRoomRequest) r, c)));
    methods.put("ListRooms", new Method(ListRoomsRequest.getDefaultInstance(), (r, c) -> list((ListRoomsRequest) r, c)));
    methods.put("DeleteRoom", new Method(DeleteRoomRequest.getDefaultInstance(), (r, c) -> delete((DeleteRoomRequest) r, c)));
    methods.put("ListParticipants", new Method(ListParticipantsRequest.getDefaultInstance(),
        (r, c) -> listParticipants((ListParticipantsRequest) r, c)));
    methods.put("GetParticipant", new Method(RoomParticipantIdentity.getDefaultInstance(),
        (r, c) -> getParticipant((RoomParticipantIdentity) r, c)));
    methods.put("RemoveParticipant", new Method(RoomParticipantIdentity.getDefaultInstance(),
        (r, c) -> removeParticipant((RoomParticipantIdentity) r, c)));
    methods.put("MutePublishedTrack", new Method(MuteRoomTrackRequest.getDefaultInstance(),
        (r, c) -> mute((MuteRoomTrackRequest) r, c)));
    methods.put("UpdateParticipant", new Method(UpdateParticipantRequest.getDefaultInstance(),
        (r, c) -> updateParticipant((UpdateParticipantRequest) r, c)));
    methods.put("UpdateSubscriptions", new Method(UpdateSubscriptionsRequest.getDefaultInstance(),
        (r, c) -> updateSubscriptions((UpdateSubscriptionsRequest) r, c)));
    methods.put("SendData", new Method(SendDataRequest.getDefaultInstance(), (r, c) -> sendData((SendDataRequest) r, c)));
    methods.put("UpdateRoomMetadata", new Method(UpdateRoomMetadataRequest.getDefaultInstance(),
        (r, c) -> updateMetadata((UpdateRoomMetadataRequest) r, c)));
    methods.put("ForwardParticipant", new Method(ForwardParticipantRequest.getDefaultInstance(), (r, c) -> unimplemented()));
    methods.put("MoveParticipant", new Method(MoveParticipantRequest.getDefaultInstance(), (r, c) -> unimplemented()));
    methods.put("PerformRpc", new Method(PerformRpcRequest.getDefaultInstance(), (r, c) -> unimplemented()));
  }

  @Override
  public String name() {
    return "livekit.RoomService";
  }

  @Override
  public Message requestPrototype(String method) {
    Method m = methods.get(method);
    return m == null ? null : m.prototype();
  }

  @Override
  public CompletableFuture<? extends Message> call(String method, Message request, TwirpCall call) {
    try {
      return methods.get(method).handler().call(request, call);
    } catch (TwirpException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  // ---- rooms ----

  private CompletableFuture<? extends Message> create(CreateRoomRequest r, TwirpCall c) throws TwirpException {
    if (!c.grants().video().roomCreate()) {
      throw TwirpException.permissionsDenied();
    }
    String name = r.getName();
    RoomManager.CreateOptions options = new RoomManager.CreateOptions(r.getEmptyTimeout(), r.getDepartureTimeout(),
        r.getMaxParticipants(), r.getMetadata());
    try {
      rooms.checkName(name);
      rooms.checkMetadata(r.getMetadata());
    } catch (RoomManager.LimitException e) {
      throw new TwirpException(TwirpException.Code.INVALID_ARGUMENT, e.getMessage());
    }
    // a forwarded create was placed here by the sender: this node claims it, and refuses if it lost
    CompletableFuture<RoomLocation> where = c.forwarded() ? router.claim(name) : router.place(name);
    return createAt(where, c, r, options, PLACEMENT_ATTEMPTS);
  }

  /** Placements tried for one create when the chosen nodes cannot be connected to. */
  private static final int PLACEMENT_ATTEMPTS = 3;

  /**
   * Creates the room where it was placed; a node the selector has just chosen that cannot be
   * connected to is left out and the room placed again, up to {@code attempts} placements in all.
   */
  private CompletableFuture<Message> createAt(CompletableFuture<RoomLocation> where, TwirpCall c, CreateRoomRequest r,
                                             RoomManager.CreateOptions options, int attempts) {
    String name = r.getName();
    return where.thenCompose(location -> switch (location) {
      case RoomLocation.Local l -> createHere(name, options);
      case RoomLocation.Remote remote when !c.forwarded() ->
          widen(remote.node().callRoomService("CreateRoom", r, c.grants(), LivekitModels.Room.getDefaultInstance()))
              .exceptionallyCompose(e -> remote.placedNow() && attempts > 1 && RoutingException.isUnreachable(e)
                  ? createAt(router.placeElsewhere(name, remote.node().info().id()), c, r, options, attempts - 1)
                  : CompletableFuture.failedFuture(e));
      case RoomLocation.Remote remote -> CompletableFuture.failedFuture(new TwirpException(TwirpException.Code.ABORTED,
          "room " + name + " is placed on node " + remote.node().info().id()));
      case RoomLocation.Absent a -> CompletableFuture.failedFuture( // its owner's entry did not parse
          new TwirpException(TwirpException.Code.UNAVAILABLE, "room " + name + " could not be placed"));
    });
  }

  private CompletableFuture<Message> createHere(String name, RoomManager.CreateOptions options) {
    try {
      return rooms.create(name, options).thenCompose(room -> router.roomUpdated(room).thenApply(v -> room));
    } catch (RoomManager.LimitException e) {
      return CompletableFuture.failedFuture(new TwirpException(TwirpException.Code.INVALID_ARGUMENT, e.getMessage()));
    }
  }

  private CompletableFuture<? extends Message> list(ListRoomsRequest r, TwirpCall c) throws TwirpException {
    if (!c.grants().video().roomList()) {
      throw TwirpException.permissionsDenied();
    }
    return router.listRooms(r.getNamesList()).thenApply(list -> ListRoomsResponse.newBuilder().addAllRooms(list).build());
  }

  private CompletableFuture<? extends Message> delete(DeleteRoomRequest r, TwirpCall c) throws TwirpException {
    if (!c.grants().video().roomCreate()) {
      throw TwirpException.permissionsDenied();
    }
    String name = r.getRoom();
    return routed("DeleteRoom", name, r, c, DeleteRoomResponse.getDefaultInstance(),
        room -> rooms.delete(name).thenCompose(existed -> {
          if (!existed) {
            return CompletableFuture.failedFuture(TwirpException.roomNotFound());
          }
          return router.roomClosed(name).thenApply(v -> DeleteRoomResponse.getDefaultInstance());
        }));
  }

  private CompletableFuture<? extends Message> updateMetadata(UpdateRoomMetadataRequest r, TwirpCall c)
      throws TwirpException {
    checkAdmin(r.getRoom(), c);
    return routed("UpdateRoomMetadata", r.getRoom(), r, c, LivekitModels.Room.getDefaultInstance(), room -> {
      try {
        rooms.checkMetadata(r.getMetadata());
      } catch (RoomManager.LimitException e) {
        return CompletableFuture.failedFuture(new TwirpException(TwirpException.Code.INVALID_ARGUMENT, e.getMessage()));
      }
      return rooms.onRoom(room, rm -> rm.updateMetadata(r.getMetadata()))
          .thenCompose(updated -> router.roomUpdated(updated).thenApply(v -> updated));
    });
  }

  // ---- participants ----

  private CompletableFuture<? extends Message> listParticipants(ListParticipantsRequest r, TwirpCall c)
      throws TwirpException {
    checkAdmin(r.getRoom(), c);
    return routed("ListParticipants", r.getRoom(), r, c, ListParticipantsResponse.getDefaultInstance(),
        room -> rooms.onRoom(room, rm -> {
          ListParticipantsResponse.Builder out = ListParticipantsResponse.newBuilder();
          rm.participants().forEach(p -> out.addParticipants(p.info()));
          return out.build();
        }));
  }

  private CompletableFuture<? extends Message> getParticipant(RoomParticipantIdentity r, TwirpCall c)
      throws TwirpException {
    return onParticipant("GetParticipant", r.getRoom(), r.getIdentity(), r, c,
        LivekitModels.ParticipantInfo.getDefaultInstance(), (room, p) -> p.info());
  }

  private CompletableFuture<? extends Message> removeParticipant(RoomParticipantIdentity r, TwirpCall c)
      throws TwirpException {
    return onParticipant("RemoveParticipant", r.getRoom(), r.getIdentity(), r, c,
        RemoveParticipantResponse.getDefaultInstance(), (room, p) -> {
          p.session().close(DisconnectReason.PARTICIPANT_REMOVED);
          room.leave(p.identity(), clock.instant());
          return RemoveParticipantResponse.getDefaultInstance();
        });
  }

  private CompletableFuture<? extends Message> mute(MuteRoomTrackRequest r, TwirpCall c) throws TwirpException {
    return onParticipant("MutePublishedTrack", r.getRoom(), r.getIdentity(), r, c,
        MuteRoomTrackResponse.getDefaultInstance(), (room, p) -> {
          TrackInfo track = p.tracks().get(r.getTrackSid());
          if (track == null) {
            throw new CompletionException(new TwirpException(TwirpException.Code.NOT_FOUND, "track is not found"));
          }
          TrackInfo muted = track.toBuilder().setMuted(r.getMuted()).build();
          p.tracks().put(muted.getSid(), muted);
          p.session().send(SignalResponse.newBuilder()
              .setMute(MuteTrackRequest.newBuilder().setSid(muted.getSid()).setMuted(r.getMuted())).build());
          room.broadcastParticipant(p.update(b -> {}));
          return MuteRoomTrackResponse.newBuilder().setTrack(muted).build();
        });
  }

  private CompletableFuture<? extends Message> updateParticipant(UpdateParticipantRequest r, TwirpCall c)
      throws TwirpException {
    try {
      rooms.checkMetadata(r.getMetadata());
    } catch (RoomManager.LimitException e) {
      throw new TwirpException(TwirpException.Code.INVALID_ARGUMENT, e.getMessage());
    }
    return onParticipant("UpdateParticipant", r.getRoom(), r.getIdentity(), r, c,
        LivekitModels.ParticipantInfo.getDefaultInstance(), (room, p) -> {
          var info = p.update(b -> {
            if (!r.getMetadata().isEmpty()) {
              b.setMetadata(r.getMetadata());
            }
            if (!r.getName().isEmpty()) {
              b.setName(r.getName());
            }
            r.getAttributesMap().forEach((k, v) -> {
              if (v.isEmpty()) {
                b.removeAttributes(k); // LiveKit deletes attributes set to ""
              } else {
                b.putAttributes(k, v);
              }
            });
            if (r.hasPermission()) {
              b.setPermission(r.getPermission());
            }
          });
          p.session().send(SignalResponse.newBuilder().setUpdate(
              io.osprey.protocol.livekit.LivekitRtc.ParticipantUpdate.newBuilder().addParticipants(info)).build());
          room.broadcastParticipant(info);
          return info;
        });
  }

  private CompletableFuture<? extends Message> updateSubscriptions(UpdateSubscriptionsRequest r, TwirpCall c)
      throws TwirpException {
    return onParticipant("UpdateSubscriptions", r.getRoom(), r.getIdentity(), r, c,
        UpdateSubscriptionsResponse.getDefaultInstance(), (room, p) -> {
          Set<String> sids = new HashSet<>(r.getTrackSidsList());
          r.getParticipantTracksList().forEach(pt -> sids.addAll(pt.getTrackSidsList()));
          p.session().updateSubscriptions(sids, r.getSubscribe());
          return UpdateSubscriptionsResponse.getDefaultInstance();
        });
  }

  private CompletableFuture<? extends Message> sendData(SendDataRequest r, TwirpCall c) throws TwirpException {
    checkAdmin(r.getRoom(), c);
    Set<String> to = new HashSet<>(r.getDestinationIdentitiesList());
    UserPacket.Builder user = UserPacket.newBuilder().setPayload(r.getData()).addAllDestinationIdentities(to)
        .setNonce(r.getNonce());
    if (r.hasTopic()) {
      user.setTopic(r.getTopic());
    }
    DataPacket packet = DataPacket.newBuilder().setKind(r.getKind()).setUser(user).addAllDestinationIdentities(to).build();
    boolean reliable = r.getKind() == DataPacket.Kind.RELIABLE;
    return routed("SendData", r.getRoom(), r, c, SendDataResponse.getDefaultInstance(),
        room -> rooms.onRoom(room, rm -> {
          for (Participant p : rm.participants()) {
            if (to.isEmpty() || to.contains(p.identity()) || r.getDestinationSidsList().contains(p.sid())) {
              p.session().sendData(packet, reliable);
            }
          }
          return SendDataResponse.getDefaultInstance();
        }));
  }

  // ---- routing ----

  /** Methods on one room need roomAdmin for that room. */
  private static void checkAdmin(String room, TwirpCall c) throws TwirpException {
    VideoGrant v = c.grants().video();
    if (!v.roomAdmin() || !v.room().equals(room)) {
      throw TwirpException.permissionsDenied();
    }
  }

  /**
   * Runs {@code here} on the room if this node hosts it, forwards the call to the owner if another
   * node does (unless it was forwarded here, which must not bounce), and answers not_found otherwise.
   */
  private CompletableFuture<Message> routed(String method, String roomName, Message request, TwirpCall c,
      Message responseType, LocalWork here) {
    return router.locate(roomName).thenCompose(location -> switch (location) {
      case RoomLocation.Local l -> rooms.get(roomName).map(room -> widen(here.run(room)))
          .orElseGet(() -> CompletableFuture.failedFuture(TwirpException.roomNotFound()));
      case RoomLocation.Remote remote when !c.forwarded() ->
          widen(remote.node().callRoomService(method, request, c.grants(), responseType));
      default -> CompletableFuture.failedFuture(TwirpException.roomNotFound());
    });
  }

  @FunctionalInterface
  private interface ParticipantWork {
    Message apply(Room room, Participant participant);
  }

  private CompletableFuture<? extends Message> onParticipant(String method, String roomName, String identity,
      Message request, TwirpCall c, Message responseType, ParticipantWork work) throws TwirpException {
    checkAdmin(roomName, c);
    return routed(method, roomName, request, c, responseType, room -> rooms.onRoom(room, rm -> {
      Participant p = rm.participant(identity)
          .orElseThrow(() -> new CompletionException(TwirpException.participantNotFound()));
      return work.apply(rm, p);
    }));
  }

  private static CompletableFuture<Message> widen(CompletableFuture<? extends Message> f) {
    return f.thenApply(Message.class::cast);
  }

  private static CompletableFuture<Message> unimplemented() throws TwirpException {
    throw new TwirpException(TwirpException.Code.UNIMPLEMENTED, "not implemented by osprey");
  }
}
