package io.osprey.server.signal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.osprey.protocol.auth.ClaimGrants;
import io.osprey.server.http.Authenticator;
import io.osprey.server.http.HttpResponses;
import io.osprey.server.http.RtcEndpoint;
import io.osprey.server.routing.RoomLocation;
import io.osprey.server.routing.Router;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /rtc/validate}: answers whether a join with this token would be accepted, with the status
 * codes livekit-server uses (200 "success", 401 bad token or no roomJoin, 404 room absent on every
 * node and not creatable). {@code /rtc/v1} (single peer connection) answers 404, which
 * livekit-client takes as "use the /rtc path". WebSocket upgrades are handled by the signalling
 * layer when present.
 */
public class ValidateEndpoint implements RtcEndpoint {
  private static final Logger log = LoggerFactory.getLogger(ValidateEndpoint.class);

  private final Authenticator auth;
  private final Router router;
  private final boolean autoCreate;

  public ValidateEndpoint(Authenticator auth, Router router, boolean autoCreate) {
    this.auth = auth;
    this.router = router;
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

  /** Checks a join request's token; returns the verified token and grants, or null after answering with the error. */
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
    return granted;
  }

  /** Whether a join with these grants may create its room when no node hosts it. */
  protected boolean mayCreate(ClaimGrants g) {
    return autoCreate || g.video().roomCreate();
  }

  /**
   * Continues {@code then} on the connection's loop once {@code future} completes, keeping the
   * request alive until then. A future already complete (the single-node router's) continues at
   * once, on this thread.
   */
  protected static <T> void whenDone(ChannelHandlerContext ctx, FullHttpRequest request, CompletableFuture<T> future,
                                     BiConsumer<T, Throwable> then) {
    request.retain();
    future.whenComplete((value, error) -> {
      Runnable run = () -> {
        try {
          then.accept(value, error);
        } finally {
          request.release();
        }
      };
      if (ctx.executor().inEventLoop()) {
        run.run();
      } else {
        ctx.executor().execute(run);
      }
    });
  }

  /** Answers a request whose room could not be found or placed because routing failed. */
  protected static void routingFailed(ChannelHandlerContext ctx, FullHttpRequest request, Throwable error) {
    Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
        ? error.getCause() : error;
    log.warn("cannot route a join: {}", cause.toString());
    HttpResponses.text(ctx, request, HttpResponseStatus.SERVICE_UNAVAILABLE, "cannot route the join: "
        + (cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage()));
  }

  private void validate(ChannelHandlerContext ctx, FullHttpRequest request) {
    Authenticator.Granted granted = check(ctx, request);
    if (granted == null) {
      return;
    }
    whenDone(ctx, request, router.locate(granted.grants().video().room()), (location, error) -> {
      if (error != null) {
        routingFailed(ctx, request, error);
      } else if (location instanceof RoomLocation.Absent && !mayCreate(granted.grants())) {
        HttpResponses.text(ctx, request, HttpResponseStatus.NOT_FOUND, "requested room does not exist");
      } else {
        HttpResponses.text(ctx, request, HttpResponseStatus.OK, "success");
      }
    });
  }
}
