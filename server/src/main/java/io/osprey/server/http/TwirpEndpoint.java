package io.osprey.server.http;

import com.google.protobuf.Message;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.osprey.server.metrics.Metrics;
import io.osprey.server.routing.NodeClient;
import io.osprey.server.routing.RoutingException;
import io.osprey.server.twirp.TwirpCall;
import io.osprey.server.twirp.TwirpCodec;
import io.osprey.server.twirp.TwirpException;
import io.osprey.server.twirp.TwirpService;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /twirp/<service>/<Method>}: routing errors as Twirp {@code bad_route}, decoding in
 * the request's encoding, grants from the {@link Authenticator}, the call, and the answer or the
 * Twirp error as JSON. Services LiveKit has but Osprey does not run answer {@code unimplemented}.
 */
public final class TwirpEndpoint {
  private static final Logger log = LoggerFactory.getLogger(TwirpEndpoint.class);
  private static final Set<String> NOT_RUN = Set.of("livekit.Egress", "livekit.Ingress", "livekit.SIP",
      "livekit.AgentDispatchService", "livekit.Connector");

  private final Map<String, TwirpService> services;
  private final Authenticator auth;
  private final Metrics metrics;

  public TwirpEndpoint(Map<String, TwirpService> services, Authenticator auth, Metrics metrics) {
    this.services = Map.copyOf(services);
    this.auth = auth;
    this.metrics = metrics;
  }

  /** Handles a request whose path starts with {@code /twirp/}. */
  public void handle(ChannelHandlerContext ctx, FullHttpRequest request, String path) {
    long start = System.nanoTime();
    String[] parts = path.substring("/twirp/".length()).split("/", -1);
    String serviceName = parts.length > 0 ? parts[0] : "";
    String method = parts.length == 2 ? parts[1] : "";
    TwirpCodec codec = TwirpCodec.forContentType(request.headers().get(HttpHeaderNames.CONTENT_TYPE));
    if (!request.method().equals(HttpMethod.POST)) {
      fail(ctx, request, serviceName, method, start, new TwirpException(TwirpException.Code.BAD_ROUTE,
          "unsupported method " + request.method() + " (only POST is allowed)"));
      return;
    }
    if (parts.length != 2) {
      fail(ctx, request, serviceName, method, start, new TwirpException(TwirpException.Code.BAD_ROUTE,
          "no handler for path " + path));
      return;
    }
    if (codec == null) {
      fail(ctx, request, serviceName, method, start, new TwirpException(TwirpException.Code.BAD_ROUTE,
          "unexpected Content-Type: " + request.headers().get(HttpHeaderNames.CONTENT_TYPE)));
      return;
    }
    Authenticator.Result result = auth.authenticate(request);
    if (result instanceof Authenticator.Refused refused) {
      HttpResponses.text(ctx, request, HttpResponseStatus.UNAUTHORIZED, refused.message());
      metrics.twirpRequest(serviceName, method, 401, "unauthenticated", elapsedMs(start));
      return;
    }
    Authenticator.Granted granted = (Authenticator.Granted) result;
    if (NOT_RUN.contains(serviceName)) {
      fail(ctx, request, serviceName, method, start,
          new TwirpException(TwirpException.Code.UNIMPLEMENTED, serviceName + " is not available on osprey"));
      return;
    }
    TwirpService service = services.get(serviceName);
    Message prototype = service == null ? null : service.requestPrototype(method);
    if (prototype == null) {
      fail(ctx, request, serviceName, method, start, new TwirpException(TwirpException.Code.BAD_ROUTE,
          "no handler for path " + path));
      return;
    }
    Message decoded;
    try {
      decoded = codec.decode(ByteBufUtil.getBytes(request.content()), prototype);
    } catch (TwirpException e) {
      fail(ctx, request, serviceName, method, start, e);
      return;
    }
    request.retain();
    service.call(method, decoded,
        new TwirpCall(granted.grants(), request.headers().get(NodeClient.FORWARDED_BY))).whenComplete((response, error) -> {
      try {
        if (error == null) {
          HttpResponses.send(ctx, request, HttpResponseStatus.OK, codec.contentType(), codec.encode(response));
          metrics.twirpRequest(serviceName, method, 200, "ok", elapsedMs(start));
        } else {
          fail(ctx, request, serviceName, method, start, asTwirp(error));
        }
      } finally {
        request.release();
      }
    });
  }

  private static TwirpException asTwirp(Throwable error) {
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (cause instanceof TwirpException t) {
      return t;
    }
    if (cause instanceof RoutingException r) { // the cluster could not route it, or the owner refused it
      return new TwirpException(TwirpException.Code.fromWire(r.code()), r.getMessage(), r.meta());
    }
    log.warn("Twirp handler failed", cause);
    return new TwirpException(TwirpException.Code.INTERNAL, "internal error");
  }

  private void fail(ChannelHandlerContext ctx, FullHttpRequest request, String service, String method, long start,
                    TwirpException e) {
    HttpResponses.send(ctx, request, HttpResponseStatus.valueOf(e.code().httpStatus()), "application/json",
        e.toJson().getBytes(StandardCharsets.UTF_8));
    metrics.twirpRequest(service, method, e.code().httpStatus(), e.code().wire(), elapsedMs(start));
  }

  private static double elapsedMs(long start) {
    return (System.nanoTime() - start) / 1e6;
  }
}
