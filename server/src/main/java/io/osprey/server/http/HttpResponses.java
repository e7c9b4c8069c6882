package io.osprey.server.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/** Writing responses with livekit-server's CORS headers and keep-alive handling. */
public final class HttpResponses {
  private HttpResponses() {}

  public static void text(ChannelHandlerContext ctx, HttpRequest request, HttpResponseStatus status, String body) {
    send(ctx, request, status, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
  }

  public static void send(ChannelHandlerContext ctx, HttpRequest request, HttpResponseStatus status,
                          String contentType, byte[] body) {
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    cors(request, response);
    boolean keepAlive = request != null && HttpUtil.isKeepAlive(request);
    if (keepAlive) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
      ctx.writeAndFlush(response);
    } else {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
  }

  /** CORS as livekit-server configures it: any origin, its methods, any header, one day. */
  public static void cors(HttpRequest request, FullHttpResponse response) {
    String origin = request == null ? null : request.headers().get(HttpHeaderNames.ORIGIN);
    if (origin != null) {
      response.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*")
          .set(HttpHeaderNames.VARY, "Origin");
    }
  }

  /** Answers a CORS preflight. */
  public static void preflight(ChannelHandlerContext ctx, HttpRequest request) {
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT);
    String requestedHeaders = request.headers().get(HttpHeaderNames.ACCESS_CONTROL_REQUEST_HEADERS);
    response.headers()
        .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*")
        .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, "OPTIONS, HEAD, GET, POST, PATCH, DELETE")
        .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, requestedHeaders != null ? requestedHeaders : "*")
        .set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, "86400")
        .set(HttpHeaderNames.VARY, "Origin, Access-Control-Request-Method, Access-Control-Request-Headers")
        .setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    if (keepAlive) {
      ctx.writeAndFlush(response);
    } else {
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
  }
}
