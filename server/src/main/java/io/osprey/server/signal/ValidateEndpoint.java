package io.osprey.server.signal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.osprey.protocol.auth.ClaimGrants;
import io.osprey.server.http.Authenticator;
import io.osprey.server.http.HttpResponses;
import io.osprey.server.http.RtcEndpoint;
import io.osprey.server.room.RoomManager;

/**
 * {@code /rtc/validate}: answers whether a join with this token would be accepted, with the status
 * codes livekit-server uses (200 "success", 401 bad token or no roomJoin, 404 room absent and not
 * creatable). {@code /rtc/v1} (single peer connection) answers 404, which livekit-client takes as
 * "use the /rtc path". WebSocket upgrades are handled by the signalling layer when present.
 */
public class ValidateEndpoint implements RtcEndpoint {
  private final Authenticator auth;
  private final RoomManager rooms;
  private final boolean autoCreate;

  public ValidateEndpoint(Authenticator auth, RoomManager rooms, boolean autoCreate) {
    this.auth = auth;
    this.rooms = rooms;
    this.autoCreate = autoCreate;
  }

  @Override
  public void handle(ChannelHandlerContext ctx, FullHttpRequest request, String path) {
    if (path.equals("/rtc/validate")) {
      validate(ctx, request);
    } else {
      HttpResponses.text(ctx, request, HttpResponseStatus.NOT_FOUND, "404 page not found");
    }
  }

  /** Checks a join request; returns the verified token and grants, or null after answering with the error. */
  protected Authenticator.Granted check(ChannelHandlerContext ctx, FullHttpRequest request) {
    Authenticator.Result result = auth.authenticate(request);
    if (result instanceof Authenticator.Refused refused) {
      HttpResponses.text(ctx, request, HttpResponseStatus.UNAUTHORIZED, refused.message());
      return null;
    }
    Authenticator.Granted granted = (Authenticator.Granted) result;
    ClaimGrants g = granted.grants();
    if (!g.video().roomJoin()) {
      HttpResponses.text(ctx, request, HttpResponseStatus.UNAUTHORIZED, "permissions denied");
      return null;
    }
    if (g.identity().isEmpty()) {
      HttpResponses.text(ctx, request, HttpResponseStatus.BAD_REQUEST, "identity cannot be empty");
      return null;
    }
    if (g.video().room().isEmpty()) {
      HttpResponses.text(ctx, request, HttpResponseStatus.BAD_REQUEST, "room cannot be empty");
      return null;
    }
    if (rooms.get(g.video().room()).isEmpty() && !autoCreate && !g.video().roomCreate()) {
      HttpResponses.text(ctx, request, HttpResponseStatus.NOT_FOUND, "requested room does not exist");
      return null;
    }
    return granted;
  }

  private void validate(ChannelHandlerContext ctx, FullHttpRequest request) {
    if (check(ctx, request) != null) {
      HttpResponses.text(ctx, request, HttpResponseStatus.OK, "success");
    }
  }
}
