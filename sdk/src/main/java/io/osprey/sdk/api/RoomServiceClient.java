package io.osprey.sdk.api;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import com.google.protobuf.Value;
import io.osprey.protocol.auth.AccessToken;
import io.osprey.protocol.auth.VideoGrant;
import io.osprey.protocol.json.MalformedJsonException;
import io.osprey.protocol.json.ProtoJson;
import io.osprey.protocol.livekit.LivekitModels;
import io.osprey.protocol.livekit.LivekitModels.ParticipantInfo;
import io.osprey.protocol.livekit.LivekitModels.Room;
import io.osprey.protocol.livekit.LivekitRoom.*;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * LiveKit's RoomService from Java: Twirp over protobuf on {@code java.net.http}, a fresh
 * 10-minute token with exactly the grant each method needs, typed {@link TwirpError}s. Works with
 * Osprey and with livekit-server. Every method has a blocking form and an {@code ...Async} form.
 *
 * <pre>{@code
 * RoomServiceClient rooms = new RoomServiceClient("http://127.0.0.1:7880", "devkey", "secret");
 * Room room = rooms.createRoom(CreateRoomRequest.newBuilder().setName("demo").build());
 * }</pre>
 */
public final class RoomServiceClient {
  private static final Duration TOKEN_TTL = Duration.ofMinutes(10);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final URI base;
  private final String apiKey;
  private final String apiSecret;
  private final HttpClient http;
  private final Duration timeout;

  public RoomServiceClient(String url, String apiKey, String apiSecret) {
    this(url, apiKey, apiSecret, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build(),
        Duration.ofSeconds(10));
  }

  /** @param url the server's URL; {@code ws://}/{@code wss://} are accepted and mapped to http(s) */
  public RoomServiceClient(String url, String apiKey, String apiSecret, HttpClient http, Duration timeout) {
    String u = url.replaceFirst("^ws://", "http://").replaceFirst("^wss://", "https://").replaceAll("/+$", "");
    this.base = URI.create(u);
    this.apiKey = apiKey;
    this.apiSecret = apiSecret;
    this.http = http;
    this.timeout = timeout;
  }

  // ---- rooms ----

  public CompletableFuture<Room> createRoomAsync(CreateRoomRequest request) {
    return call("CreateRoom", request, Room.parser(), VideoGrant.builder().roomCreate(true).build());
  }

  public Room createRoom(CreateRoomRequest request) throws TwirpError {
    return join(createRoomAsync(request));
  }

  /** Lists all rooms, or those named. */
  public CompletableFuture<List<Room>> listRoomsAsync(List<String> names) {
    return call("ListRooms", ListRoomsRequest.newBuilder().addAllNames(names).build(), ListRoomsResponse.parser(),
        VideoGrant.builder().roomList(true).build()).thenApply(ListRoomsResponse::getRoomsList);
  }

  public List<Room> listRooms(List<String> names) throws TwirpError {
    return join(listRoomsAsync(names));
  }

  public CompletableFuture<Void> deleteRoomAsync(String room) {
    return call("DeleteRoom", DeleteRoomRequest.newBuilder().setRoom(room).build(), DeleteRoomResponse.parser(),
        VideoGrant.builder().roomCreate(true).build()).thenApply(r -> null);
  }

  public void deleteRoom(String room) throws TwirpError {
    join(deleteRoomAsync(room));
  }

  public CompletableFuture<Room> updateRoomMetadataAsync(String room, String metadata) {
    return call("UpdateRoomMetadata", UpdateRoomMetadataRequest.newBuilder().setRoom(room).setMetadata(metadata).build(),
        Room.parser(), admin(room));
  }

  public Room updateRoomMetadata(String room, String metadata) throws TwirpError {
    return join(updateRoomMetadataAsync(room, metadata));
  }

  // ---- participants ----

  public CompletableFuture<List<ParticipantInfo>> listParticipantsAsync(String room) {
    return call("ListParticipants", ListParticipantsRequest.newBuilder().setRoom(room).build(),
        ListParticipantsResponse.parser(), admin(room)).thenApply(ListParticipantsResponse::getParticipantsList);
  }

  public List<ParticipantInfo> listParticipants(String room) throws TwirpError {
    return join(listParticipantsAsync(room));
  }

  public CompletableFuture<ParticipantInfo> getParticipantAsync(String room, String identity) {
    return call("GetParticipant", RoomParticipantIdentity.newBuilder().setRoom(room).setIdentity(identity).build(),
        ParticipantInfo.parser(), admin(room));
  }

  public ParticipantInfo getParticipant(String room, String identity) throws TwirpError {
    return join(getParticipantAsync(room, identity));
  }

  public CompletableFuture<Void> removeParticipantAsync(String room, String identity) {
    return call("RemoveParticipant", RoomParticipantIdentity.newBuilder().setRoom(room).setIdentity(identity).build(),
        RemoveParticipantResponse.parser(), admin(room)).thenApply(r -> null);
  }

  public void removeParticipant(String room, String identity) throws TwirpError {
    join(removeParticipantAsync(room, identity));
  }

  public CompletableFuture<LivekitModels.TrackInfo> mutePublishedTrackAsync(String room, String identity,
      String trackSid, boolean muted) {
    return call("MutePublishedTrack", MuteRoomTrackRequest.newBuilder().setRoom(room).setIdentity(identity)
        .setTrackSid(trackSid).setMuted(muted).build(), MuteRoomTrackResponse.parser(), admin(room))
        .thenApply(MuteRoomTrackResponse::getTrack);
  }

  public LivekitModels.TrackInfo mutePublishedTrack(String room, String identity, String trackSid, boolean muted)
      throws TwirpError {
    return join(mutePublishedTrackAsync(room, identity, trackSid, muted));
  }

  /** Updates metadata, name, attributes or permission: fields left at their defaults are unchanged. */
  public CompletableFuture<ParticipantInfo> updateParticipantAsync(UpdateParticipantRequest request) {
    return call("UpdateParticipant", request, ParticipantInfo.parser(), admin(request.getRoom()));
  }

  public ParticipantInfo updateParticipant(UpdateParticipantRequest request) throws TwirpError {
    return join(updateParticipantAsync(request));
  }

  public CompletableFuture<Void> updateSubscriptionsAsync(String room, String identity, List<String> trackSids,
      boolean subscribe) {
    return call("UpdateSubscriptions", UpdateSubscriptionsRequest.newBuilder().setRoom(room).setIdentity(identity)
        .addAllTrackSids(trackSids).setSubscribe(subscribe).build(), UpdateSubscriptionsResponse.parser(), admin(room))
        .thenApply(r -> null);
  }

  public void updateSubscriptions(String room, String identity, List<String> trackSids, boolean subscribe)
      throws TwirpError {
    join(updateSubscriptionsAsync(room, identity, trackSids, subscribe));
  }

  /**
   * Sends data to participants (all when {@code destinationIdentities} is empty), with a random
   * nonce as LiveKit's SDKs do so a retried request is delivered once.
   */
  public CompletableFuture<Void> sendDataAsync(String room, byte[] data, LivekitModels.DataPacket.Kind kind,
      List<String> destinationIdentities, String topic) {
    byte[] nonce = new byte[16];
    RANDOM.nextBytes(nonce);
    SendDataRequest.Builder r = SendDataRequest.newBuilder().setRoom(room).setData(ByteString.copyFrom(data))
        .setKind(kind).addAllDestinationIdentities(destinationIdentities).setNonce(ByteString.copyFrom(nonce));
    if (topic != null) {
      r.setTopic(topic);
    }
    return call("SendData", r.build(), SendDataResponse.parser(), admin(room)).thenApply(x -> null);
  }

  public void sendData(String room, byte[] data, LivekitModels.DataPacket.Kind kind, List<String> destinationIdentities,
      String topic) throws TwirpError {
    join(sendDataAsync(room, data, kind, destinationIdentities, topic));
  }

  // ---- plumbing ----

  private static VideoGrant admin(String room) {
    return VideoGrant.builder().roomAdmin(true).room(room).build();
  }

  private <T extends Message> CompletableFuture<T> call(String method, Message request, Parser<T> parser, VideoGrant grant) {
    String token = new AccessToken(apiKey, apiSecret).validFor(TOKEN_TTL).video(grant).toJwt();
    HttpRequest httpRequest = HttpRequest.newBuilder(base.resolve("/twirp/livekit.RoomService/" + method))
        .timeout(timeout)
        .header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/protobuf")
        .POST(HttpRequest.BodyPublishers.ofByteArray(request.toByteArray()))
        .build();
    return http.sendAsync(httpRequest, HttpResponse.BodyHandlers.ofByteArray())
        .handle((response, error) -> {
          if (error != null) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            String why = cause instanceof ConnectException ? "connection refused" : String.valueOf(cause.getMessage());
            throw new CompletionException(new TwirpError("unavailable", 0, "cannot reach " + base + ": " + why, Map.of()));
          }
          if (response.statusCode() != 200) {
            throw new CompletionException(errorOf(response));
          }
          try {
            return parser.parseFrom(response.body());
          } catch (InvalidProtocolBufferException e) {
            throw new CompletionException(new TwirpError("malformed", 200, "unreadable response: " + e.getMessage(), Map.of()));
          }
        });
  }

  private static TwirpError errorOf(HttpResponse<byte[]> response) {
    String body = new String(response.body(), StandardCharsets.UTF_8);
    String type = response.headers().firstValue("content-type").orElse("");
    if (type.startsWith("application/json")) {
      try {
        Map<String, Value> f = ProtoJson.parseObject(body).getFieldsMap();
        Map<String, String> meta = new HashMap<>();
        Value m = f.get("meta");
        if (m != null && m.hasStructValue()) {
          m.getStructValue().getFieldsMap().forEach((k, v) -> meta.put(k, v.getStringValue()));
        }
        String code = f.containsKey("code") ? f.get("code").getStringValue() : codeFor(response.statusCode());
        String msg = f.containsKey("msg") ? f.get("msg").getStringValue() : body;
        return new TwirpError(code, response.statusCode(), msg, meta);
      } catch (MalformedJsonException ignored) {
        // not Twirp JSON: fall through to the status
      }
    }
    return new TwirpError(codeFor(response.statusCode()), response.statusCode(), body.strip(), Map.of());
  }

  /** Twirp's code for an HTTP status without a Twirp body (e.g. the auth middleware's 401). */
  private static String codeFor(int status) {
    return switch (status) {
      case 400 -> "invalid_argument";
      case 401 -> "unauthenticated";
      case 403 -> "permission_denied";
      case 404 -> "bad_route";
      case 408 -> "deadline_exceeded";
      case 409 -> "aborted";
      case 412 -> "failed_precondition";
      case 413, 429 -> "resource_exhausted";
      case 501 -> "unimplemented";
      case 503 -> "unavailable";
      default -> "unknown";
    };
  }

  private static <T> T join(CompletableFuture<T> future) throws TwirpError {
    try {
      return future.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof TwirpError t) {
        throw t;
      }
      throw new TwirpError("unknown", 0, String.valueOf(e.getCause()), Map.of());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TwirpError("canceled", 0, "interrupted", Map.of());
    }
  }

}
