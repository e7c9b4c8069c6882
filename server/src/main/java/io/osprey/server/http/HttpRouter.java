package io.osprey.server.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes HTTP requests as livekit-server's mux does: {@code //} collapsed, CORS preflights
 * answered, {@code /} health, {@code /twirp/} to Twirp, {@code /rtc} to signalling, anything else
 * 404. Stateless and shared by all connections.
 */
@ChannelHandler.Sharable
public final class HttpRouter extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Logger log = LoggerFactory.getLogger(HttpRouter.class);

  private final TwirpEndpoint twirp;
  private final RtcEndpoint rtc;
  private final BooleanSupplier ready;

  public HttpRouter(TwirpEndpoint twirp, RtcEndpoint rtc, BooleanSupplier ready) {
    this.twirp = twirp;
    this.rtc = rtc;
    this.ready = ready;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    if (!request.decoderResult().isSuccess()) {
      HttpResponses.text(ctx, null, HttpResponseStatus.BAD_REQUEST, "malformed HTTP request");
      return;
    }
    String path = normalize(new QueryStringDecoder(request.uri()).path());
    if (request.method().equals(HttpMethod.OPTIONS)) {
      HttpResponses.preflight(ctx, request);
    } else if (path.equals("/")) {
      if (ready.getAsBoolean()) {
        HttpResponses.text(ctx, request, HttpResponseStatus.OK, "OK");
      } else {
        HttpResponses.text(ctx, request, HttpResponseStatus.NOT_ACCEPTABLE, "Not Ready");
      }
    } else if (path.startsWith("/twirp/")) {
      twirp.handle(ctx, request, path);
    } else if (path.equals("/rtc") || path.startsWith("/rtc/")) {
      rtc.handle(ctx, request, path);
    } else {
      HttpResponses.text(ctx, request, HttpResponseStatus.NOT_FOUND, "404 page not found");
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("HTTP connection error: {}", cause.toString());
    ctx.close();
  }

  /** Collapses repeated slashes, as livekit-server does for {@code //twirp/...}. */
  static String normalize(String path) {
    String p = path.replaceAll("/{2,}", "/");
    return p.isEmpty() ? "/" : p;
  }
}
