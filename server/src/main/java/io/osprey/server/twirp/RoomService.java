package io.osprey.server.twirp;

import com.google.protobuf.Message;
import io.osprey.protocol.auth.ClaimGrants;
import io.osprey.protocol.auth.VideoGrant;
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
import java.time.InstantSource;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * {@code livekit.RoomService} over the {@link RoomManager}: each method's grant check as in
 * livekit-server (create/delete need roomCreate, list needs roomList, the rest roomAdmin on the
 * request's room), then the work on the room's loop. Participant methods act on live sessions.
 */
public final class RoomService implements TwirpService {
  /** One method: its request type and handler. */
  private record Method(Message prototype, Handler handler) {}

  @FunctionalInterface
  private interface Handler {
    CompletableFuture<? extends Message> call(Message request, ClaimGrants grants) throws TwirpException;
  }

  private final RoomManager rooms;
  private final InstantSource clock;
  private final Map<String, Method> methods = new LinkedHashMap<>();

  public RoomService(RoomManager rooms, InstantSource clock) {
    this.rooms = rooms;
    this.clock = clock;
    methods.put("CreateRoom", new Method(CreateRoomRequest.getDefaultInstance(), (r, g) -> create((CreateRoomRequest) r, g)));
    methods.put("ListRooms", new Method(ListRoomsRequest.getDefaultInstance(), (r, g) -> list((ListRoomsRequest) r, g)));
    methods.put("DeleteRoom", new Method(DeleteRoomRequest.getDefaultInstance(), (r, g) -> delete((DeleteRoomRequest) r, g)));
    methods.put("ListParticipants", new Method(ListParticipantsRequest.getDefaultInstance(),
        (r, g) -> listParticipants((ListParticipantsRequest) r, g)));
    methods.put("GetParticipant", new Method(RoomParticipantIdentity.getDefaultInstance(),
        (r, g) -> getParticipant((RoomParticipantIdentity) r, g)));
    methods.put("RemoveParticipant", new Method(RoomParticipantIdentity.getDefaultInstance(),
        (r, g) -> removeParticipant((RoomParticipantIdentity) r, g)));
    methods.put("MutePublishedTrack", new Method(MuteRoomTrackRequest.getDefaultInstance(),
        (r, g) -> mute((MuteRoomTrackRequest) r, g)));
    methods.put("UpdateParticipant", new Method(UpdateParticipantRequest.getDefaultInstance(),
        (r, g) -> updateParticipant((UpdateParticipantRequest) r, g)));
    methods.put("UpdateSubscriptions", new Method(UpdateSubscriptionsRequest.getDefaultInstance(),
        (r, g) -> updateSubscriptions((UpdateSubscriptionsRequest) r, g)));
    methods.put("SendData", new Method(SendDataRequest.getDefaultInstance(), (r, g) -> sendData((SendDataRequest) r, g)));
    methods.put("UpdateRoomMetadata", new Method(UpdateRoomMetadataRequest.getDefaultInstance(),
        (r, g) -> updateMetadata((UpdateRoomMetadataRequest) r, g)));
    methods.put("ForwardParticipant", new Method(ForwardParticipantRequest.getDefaultInstance(), (r, g) -> unimplemented()));
    methods.put("MoveParticipant", new Method(MoveParticipantRequest.getDefaultInstance(), (r, g) -> unimplemented()));
    methods.put("PerformRpc", new Method(PerformRpcRequest.getDefaultInstance(), (r, g) -> unimplemented()));
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
  public CompletableFuture<? extends Message> call(String method, Message request, ClaimGrants grants) {
    try {
      return methods.get(method).handler().call(request, grants);
    } catch (TwirpException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  // ---- rooms ----

  private CompletableFuture<? extends Message> create(CreateRoomRequest r, ClaimGrants g) throws TwirpException {
    if (!g.video().roomCreate()) {
      throw TwirpException.permissionsDenied();
    }
    try {
      return rooms.create(r.getName(), new RoomManager.CreateOptions(r.getEmptyTimeout(), r.getDepartureTimeout(),
          r.getMaxParticipants(), r.getMetadata()));
    } catch (RoomManager.LimitException e) {
      throw new TwirpException(TwirpException.Code.INVALID_ARGUMENT, e.getMessage());
    }
  }

  private CompletableFuture<? extends Message> list(ListRoomsRequest r, ClaimGrants g) throws TwirpException {
    if (!g.video().roomList()) {
      throw TwirpException.permissionsDenied();
    }
    return CompletableFuture.completedFuture(ListRoomsResponse.newBuilder().addAllRooms(rooms.list(r.getNamesList())).build());
  }

  private CompletableFuture<? extends Message> delete(DeleteRoomRequest r, ClaimGrants g) throws TwirpException {
    if (!g.video().roomCreate()) {
      throw TwirpException.permissionsDenied();
    }
    return rooms.delete(r.getRoom()).thenApply(existed -> {
      if (!existed) {
        throw new CompletionException(TwirpException.roomNotFound());
      }
      return DeleteRoomResponse.getDefaultInstance();
    });
  }

  private CompletableFuture<? extends Message> updateMetadata(UpdateRoomMetadataRequest r, ClaimGrants g)
      throws TwirpException {
    Room room = adminRoom(r.getRoom(), g);
    try {
      rooms.checkMetadata(r.getMetadata());
    } catch (RoomManager.LimitException e) {
      throw new TwirpException(TwirpException.Code.INVALID_ARGUMENT, e.getMessage());
    }
    return rooms.onRoom(room, rm -> rm.updateMetadata(r.getMetadata()));
  }

  // ---- participants ----

  private CompletableFuture<? extends Message> listParticipants(ListParticipantsRequest r, ClaimGrants g)
      throws TwirpException {
    Room room = adminRoom(r.getRoom(), g);
    return rooms.onRoom(room, rm -> {
      ListParticipantsResponse.Builder out = ListParticipantsResponse.newBuilder();
      rm.participants().forEach(p -> out.addParticipants(p.info()));
      return out.build();
    });
  }

  private CompletableFuture<? extends Message> getParticipant(RoomParticipantIdentity r, ClaimGrants g)
      throws TwirpException {
    return onParticipant(r.getRoom(), r.getIdentity(), g, (room, p) -> p.info());
  }

  private CompletableFuture<? extends Message> removeParticipant(RoomParticipantIdentity r, ClaimGrants g)
      throws TwirpException {
    return onParticipant(r.getRoom(), r.getIdentity(), g, (room, p) -> {
      p.session().close(DisconnectReason.PARTICIPANT_REMOVED);
      room.leave(p.identity(), clock.instant());
      return RemoveParticipantResponse.getDefaultInstance();
    });
  }

  private CompletableFuture<? extends Message> mute(MuteRoomTrackRequest r, ClaimGrants g) throws TwirpException {
    return onParticipant(r.getRoom(), r.getIdentity(), g, (room, p) -> {
      TrackInfo track = p.tracks().get(r.getTrackSid());
      if (track == null) {
        throw new CompletionException(new TwirpException(TwirpException.Code.NOT_FOUND, "track is not found"));
      }
      TrackInfo muted = track.toBuilder().setMuted(r.getMuted()).build();
      p.tracks().put(muted.getSid(), muted);
      p.session().send(SignalResponse.newBuilder()
          .setMute(MuteTrackRequest.newBuilder().setSid(muted.getSid()).setMuted(r.getMuted())).build());
      room.broadcastParticipant(p.update(b -> {}), p.sid());
      return MuteRoomTrackResponse.newBuilder().setTrack(muted).build();
    });
  }

  private CompletableFuture<? extends Message> updateParticipant(UpdateParticipantRequest r, ClaimGrants g)
      throws TwirpException {
    try {
      rooms.checkMetadata(r.getMetadata());
    } catch (RoomManager.LimitException e) {
      throw new TwirpException(TwirpException.Code.INVALID_ARGUMENT, e.getMessage());
    }
    return onParticipant(r.getRoom(), r.getIdentity(), g, (room, p) -> {
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
      room.broadcastParticipant(info, p.sid());
      return info;
    });
  }

  private CompletableFuture<? extends Message> updateSubscriptions(UpdateSubscriptionsRequest r, ClaimGrants g)
      throws TwirpException {
    return onParticipant(r.getRoom(), r.getIdentity(), g, (room, p) -> {
      Set<String> sids = new HashSet<>(r.getTrackSidsList());
      r.getParticipantTracksList().forEach(pt -> sids.addAll(pt.getTrackSidsList()));
      p.session().updateSubscriptions(sids, r.getSubscribe());
      return UpdateSubscriptionsResponse.getDefaultInstance();
    });
  }

  private CompletableFuture<? extends Message> sendData(SendDataRequest r, ClaimGrants g) throws TwirpException {
    Room room = adminRoom(r.getRoom(), g);
    Set<String> to = new HashSet<>(r.getDestinationIdentitiesList());
    UserPacket.Builder user = UserPacket.newBuilder().setPayload(r.getData()).addAllDestinationIdentities(to)
        .setNonce(r.getNonce());
    if (r.hasTopic()) {
      user.setTopic(r.getTopic());
    }
    DataPacket packet = DataPacket.newBuilder().setKind(r.getKind()).setUser(user).addAllDestinationIdentities(to).build();
    boolean reliable = r.getKind() == DataPacket.Kind.RELIABLE;
    return rooms.onRoom(room, rm -> {
      for (Participant p : rm.participants()) {
        if (to.isEmpty() || to.contains(p.identity()) || r.getDestinationSidsList().contains(p.sid())) {
          p.session().sendData(packet, reliable);
        }
      }
      return SendDataResponse.getDefaultInstance();
    });
  }

  // ---- helpers ----

  private Room adminRoom(String name, ClaimGrants g) throws TwirpException {
    VideoGrant v = g.video();
    if (!v.roomAdmin() || !v.room().equals(name)) {
      throw TwirpException.permissionsDenied();
    }
    return rooms.get(name).orElseThrow(TwirpException::roomNotFound);
  }

  @FunctionalInterface
  private interface ParticipantWork {
    Message apply(Room room, Participant participant);
  }

  private CompletableFuture<? extends Message> onParticipant(String roomName, String identity, ClaimGrants g,
      ParticipantWork work) throws TwirpException {
    Room room = adminRoom(roomName, g);
    return rooms.onRoom(room, rm -> {
      Participant p = rm.participant(identity)
          .orElseThrow(() -> new CompletionException(TwirpException.participantNotFound()));
      return work.apply(rm, p);
    });
  }

  private static CompletableFuture<Message> unimplemented() throws TwirpException {
    throw new TwirpException(TwirpException.Code.UNIMPLEMENTED, "not implemented by osprey");
  }
}
