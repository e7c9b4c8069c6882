package io.osprey.server.signal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.osprey.protocol.auth.AccessToken;
import io.osprey.protocol.auth.ClaimGrants;
import io.osprey.protocol.auth.KeyProvider;
import io.osprey.protocol.livekit.LivekitModels;
import io.osprey.protocol.livekit.LivekitRtc;
import io.osprey.server.http.Authenticator;
import io.osprey.server.http.HttpResponses;
import io.osprey.server.room.Room;
import io.osprey.server.room.RoomManager;
import io.osprey.server.rtc.MediaNode;
import io.osprey.server.routing.RoomLocation;
import io.osprey.server.routing.Router;
import io.osprey.server.rtc.RtcParticipant;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /rtc} and {@code /rtc/v1}: LiveKit's WebSocket signalling (v0 with two peer connections,
 * v1 with one). The token and the
 * room are checked before the upgrade, with livekit-server's plain-text errors; a room hosted by
 * another node has the whole connection relayed there ({@link SignalRelay}), or, if that node
 * cannot be reached, waits for the cluster to count it gone and re-homes the room; then the
 * participant joins its room on the room's loop and every frame is a {@code SignalRequest}
 * (binary protobuf, or JSON text, answered in kind). {@code /rtc/v1} is the same with one peer
 * connection: the join request (and the client's first offer) rides in the {@code join_request}
 * query parameter. A resume ({@code reconnect=1&sid=}, or {@code reconnect} in the join request)
 * gives the participant still waiting in its room the new connection; one that is gone is
 * answered with a leave asking for a full reconnect, as livekit-server does.
 */
public final class SignalEndpoint extends ValidateEndpoint {
  private static final Logger log = LoggerFactory.getLogger(SignalEndpoint.class);

  private final RoomManager rooms;
  private final Router router;
  private final SignalRelay relay;
  private final MediaNode media;
  private final int maxMessageBytes;
  private final KeyProvider keys;

  /** @param maxMessageBytes the largest signal message (livekit-server: 2 MiB; larger closes with 1009) */
  public SignalEndpoint(Authenticator auth, KeyProvider keys, RoomManager rooms, Router router, boolean autoCreate,
                        MediaNode media, int maxMessageBytes) {
    super(auth, router, autoCreate);
    this.router = router;
    this.relay = new SignalRelay(router.nodeId(), maxMessageBytes);
    this.keys = keys;
    this.rooms = rooms;
    this.media = media;
    this.maxMessageBytes = maxMessageBytes;
  }

  @Override
  public void handle(ChannelHandlerContext ctx, FullHttpRequest request, String path) {
    if (path.equals("/rtc/v1/validate")) {
      super.handle(ctx, request, "/rtc/validate");
      return;
    }
    if (!path.equals("/rtc") && !path.equals("/rtc/v1")) {
      super.handle(ctx, request, path);
      return;
    }
    boolean single = path.equals("/rtc/v1");
    if (!request.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)) {
      HttpResponses.text(ctx, request, HttpResponseStatus.NOT_FOUND, "404 page not found");
      return;
    }
    Authenticator.Granted granted = check(ctx, request);
    if (granted == null) {
      return;
    }
    ClaimGrants grants = granted.grants();
    String apiKey = granted.token().apiKey();
    java.util.function.Supplier<String> refresher = () -> keys.secret(apiKey)
        .map(secret -> AccessToken.of(apiKey, secret, grants).validFor(java.time.Duration.ofMinutes(10)).toJwt())
        .orElse("");
    Map<String, List<String>> query = new QueryStringDecoder(request.uri()).parameters();
    RtcParticipant.Options options;
    LivekitRtc.JoinRequest join = null;
    if (single) {
      try {
        join = JoinRequests.decode(first(query, "join_request", ""), maxMessageBytes);
      } catch (JoinRequests.InvalidJoinRequest e) {
        HttpResponses.text(ctx, request, HttpResponseStatus.BAD_REQUEST, e.getMessage());
        return;
      }
      options = new RtcParticipant.Options(join.getConnectionSettings().getAutoSubscribe(),
          join.getClientInfo().getProtocol(), true);
    } else {
      options = new RtcParticipant.Options(!List.of("0", "false").contains(first(query, "auto_subscribe", "1")),
          parseInt(first(query, "protocol", "0")), false);
    }
    LivekitRtc.JoinRequest joinRequest = join;
    String roomName = grants.video().room();
    try {
      rooms.checkName(roomName); // before placing it anywhere
    } catch (RoomManager.LimitException e) {
      HttpResponses.text(ctx, request, HttpResponseStatus.BAD_REQUEST, e.getMessage());
      return;
    }
    // a join relayed by another node was placed here by it: this node claims the room, never relays again
    boolean relayed = request.headers().contains(SignalRelay.RELAYED_BY);
    boolean create = mayCreate(grants);
    var where = relayed ? router.claim(roomName) : create ? router.place(roomName) : router.locate(roomName);
    Runnable here = () -> joinHere(ctx, request, path, query, grants, options, joinRequest, refresher);
    route(new Join(ctx, request, path, roomName, relayed, create, here), where, PLACEMENT_ATTEMPTS);
  }

  /** Placements tried for one join when the chosen nodes cannot be connected to. */
  private static final int PLACEMENT_ATTEMPTS = 3;

  /**
   * A join being routed: the client's connection and upgrade request, its room, whether another
   * node relayed it here, whether it may create the room, and how to join it here.
   */
  private record Join(ChannelHandlerContext ctx, FullHttpRequest request, String path, String room, boolean relayed,
                      boolean create, Runnable here) {}

  /**
   * Sends the join where the room is: here, relayed to its owner, or refused. When the room's
   * node cannot be connected to, {@link #unreachable} finds it another, up to {@code attempts}
   * placements in all.
   */
  private void route(Join join, java.util.concurrent.CompletableFuture<RoomLocation> where, int attempts) {
    ChannelHandlerContext ctx = join.ctx();
    FullHttpRequest request = join.request();
    whenDone(ctx, request, where, (location, error) -> {
      if (error != null) {
        routingFailed(ctx, request, error);
        return;
      }
      switch (location) {
        case RoomLocation.Absent a ->
            HttpResponses.text(ctx, request, HttpResponseStatus.NOT_FOUND, "requested room does not exist");
        case RoomLocation.Remote remote when join.relayed() -> HttpResponses.text(ctx, request,
            HttpResponseStatus.SERVICE_UNAVAILABLE, "room " + join.room() + " is hosted on node "
                + remote.node().info().id());
        case RoomLocation.Remote remote when attempts > 1 ->
            relay.relay(ctx, request, join.path(), remote.node().info(), () -> unreachable(join, remote, attempts));
        case RoomLocation.Remote remote -> relay.relay(ctx, request, join.path(), remote.node().info());
        case RoomLocation.Local l -> join.here().run();
      }
    });
  }

  /**
   * The room's node could not be connected to. A node the selector had just chosen is left out
   * and the room placed again. The owner of a room it already hosts may have died (SIGKILL, a
   * crash): the join waits for the owner's registry entry to expire, a few seconds at most, and
   * the room is then placed anew, re-created on a live node, so a client rejoining after its
   * node died is let in as soon as the cluster counts that node gone, rather than refused until
   * then. An owner that keeps its entry alive is not gone: the join is refused (503).
   */
  private void unreachable(Join join, RoomLocation.Remote remote, int attempts) {
    String node = remote.node().info().id();
    if (remote.placedNow()) {
      route(join, router.placeElsewhere(join.room(), node), attempts - 1);
      return;
    }
    whenDone(join.ctx(), join.request(), router.awaitGone(node), (gone, error) -> {
      if (!join.ctx().channel().isActive()) {
        return; // the client gave up meanwhile
      }
      if (error == null && gone) {
        route(join, join.create() ? router.place(join.room()) : router.locate(join.room()), attempts - 1);
      } else {
        log.warn("cannot route a join for room {}: its node {} is unreachable", join.room(), node);
        HttpResponses.text(join.ctx(), join.request(), HttpResponseStatus.SERVICE_UNAVAILABLE,
            "the room's node " + node + " is unreachable");
      }
    });
  }

  /** The room lives here: checks its capacity, upgrades, and joins the participant on the room's loop. */
  private void joinHere(ChannelHandlerContext ctx, FullHttpRequest request, String path,
                        Map<String, List<String>> query, ClaimGrants grants, RtcParticipant.Options options,
                        LivekitRtc.JoinRequest joinRequest, java.util.function.Supplier<String> refresher) {
    String roomName = grants.video().room();
    Room room;
    try {
      rooms.create(roomName, RoomManager.CreateOptions.DEFAULTS);
      room = rooms.get(roomName).orElseThrow();
    } catch (RoomManager.LimitException e) {
      HttpResponses.text(ctx, request, HttpResponseStatus.BAD_REQUEST, e.getMessage());
      return;
    }
    var snapshot = room.snapshot();
    if (snapshot.getMaxParticipants() > 0 && snapshot.getNumParticipants() >= snapshot.getMaxParticipants()
        && !room.hasParticipant(grants.identity())) {
      // livekit-server refuses the join before the upgrade (ErrMaxParticipantsExceeded, a 500)
      HttpResponses.text(ctx, request, HttpResponseStatus.INTERNAL_SERVER_ERROR, "room has exceeded its max participants");
      return;
    }
    String scheme = "ws://";
    WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory(
        scheme + request.headers().get(HttpHeaderNames.HOST) + path, null, true, maxMessageBytes)
        .newHandshaker(request);
    if (handshaker == null) {
      WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
      return;
    }
    boolean resume = List.of("1", "true").contains(first(query, "reconnect", "0"))
        || (joinRequest != null && joinRequest.getReconnect());
    SignalConnection connection = new SignalConnection(ctx.channel());
    handshaker.handshake(ctx.channel(), request).addListener(f -> {
      if (!f.isSuccess()) {
        log.debug("websocket handshake failed: {}", f.cause().getMessage());
        return;
      }
      ctx.pipeline().addLast("ws-aggregate", new WebSocketFrameAggregator(maxMessageBytes));
      // our pings go out every 10 s and any client answers them: 30 s of silence is a dead client
      ctx.pipeline().addLast("signal-idle", new io.netty.handler.timeout.IdleStateHandler(
          SignalConnection.READ_TIMEOUT_SECONDS, 0, 0, java.util.concurrent.TimeUnit.SECONDS));
      ctx.pipeline().addLast("signal", connection);
      ctx.pipeline().remove(ctx.handler());
      if (resume) {
        String sid = joinRequest != null ? joinRequest.getParticipantSid() : first(query, "sid", "");
        LivekitModels.ReconnectReason reason = LivekitModels.ReconnectReason.forNumber(joinRequest != null
            ? joinRequest.getReconnectReasonValue() : parseInt(first(query, "reconnect_reason", "0")));
        room.loop().execute(() -> resume(room, grants.identity(), sid,
            reason == null ? LivekitModels.ReconnectReason.RR_UNKNOWN : reason, connection));
        return;
      }
      room.loop().execute(() -> {
        if (room.closed()) {
          connection.close();
          return;
        }
        if (room.full() && room.participant(grants.identity()).isEmpty()) { // lost a race for the last place
          connection.send(LivekitRtc.SignalResponse.newBuilder().setLeave(LivekitRtc.LeaveRequest.newBuilder()
              .setReason(LivekitModels.DisconnectReason.JOIN_FAILURE)
              .setAction(LivekitRtc.LeaveRequest.Action.DISCONNECT)).build());
          connection.close();
          return;
        }
        RtcParticipant participant = new RtcParticipant(media, room, grants, options, connection, refresher);
        connection.bind(participant, room.loop());
        participant.join();
        if (joinRequest != null && joinRequest.hasPublisherOffer()) { // offer-with-join (v1)
          participant.handle(LivekitRtc.SignalRequest.newBuilder().setOffer(joinRequest.getPublisherOffer()).build());
        }
      });
    });
  }

  /**
   * On the room's loop: hands the participant {@code identity} (if it is still there under
   * {@code sid}) its new signal connection; otherwise the client is told to rejoin in full.
   */
  private static void resume(Room room, String identity, String sid, LivekitModels.ReconnectReason reason,
                             SignalConnection connection) {
    RtcParticipant participant = room.participant(identity)
        .filter(p -> sid.isEmpty() || p.sid().equals(sid))
        .map(p -> p.session() instanceof RtcParticipant r ? r : null)
        .orElse(null);
    if (participant != null) {
      connection.bind(participant, room.loop());
      if (participant.resume(connection, reason)) {
        return;
      }
    }
    log.info("{}: resume refused, participant {} is gone; asking for a full reconnect", room.name(), identity);
    connection.send(LivekitRtc.SignalResponse.newBuilder().setLeave(LivekitRtc.LeaveRequest.newBuilder()
        .setCanReconnect(true).setReason(LivekitModels.DisconnectReason.STATE_MISMATCH)
        .setAction(LivekitRtc.LeaveRequest.Action.RECONNECT)).build());
    connection.close();
  }

  private static String first(Map<String, List<String>> query, String name, String otherwise) {
    List<String> v = query.get(name);
    return v == null || v.isEmpty() ? otherwise : v.get(0);
  }

  private static int parseInt(String s) {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
