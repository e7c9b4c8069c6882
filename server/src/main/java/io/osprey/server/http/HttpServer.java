package io.osprey.server.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * The HTTP listener on port 7880 (all bind addresses): codec, a body limit answered with livekit's
 * plain-text 413, then the {@link HttpRouter}.
 */
public final class HttpServer implements AutoCloseable {
  private final List<Channel> channels = new ArrayList<>();

  /**
   * Binds every address.
   *
   * @param maxBodyBytes {@code limit.max_api_request_body_size}
   */
  public HttpServer(EventLoopGroup group, Class<? extends ServerChannel> channelType, List<InetSocketAddress> addresses,
                    int maxBodyBytes, HttpRouter router) throws InterruptedException {
    ServerBootstrap b = new ServerBootstrap().group(group).channel(channelType)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline()
                .addLast("http", new HttpServerCodec())
                .addLast("aggregate", new LimitedAggregator(maxBodyBytes <= 0 ? Integer.MAX_VALUE : maxBodyBytes))
                .addLast("router", router);
          }
        });
    java.io.IOException firstFailure = null;
    for (InetSocketAddress a : addresses) {
      var future = b.bind(a).await();
      if (future.isSuccess()) {
        channels.add(future.channel());
      } else {
        // e.g. ::1 on a host without IPv6: serve on the addresses that work, as long as there is one
        LoggerFactory.getLogger(HttpServer.class).warn("cannot listen on {}: {}", a, future.cause().getMessage());
        if (firstFailure == null) {
          firstFailure = new java.io.IOException("cannot listen on " + a + ": " + future.cause().getMessage());
        }
      }
    }
    if (channels.isEmpty() && firstFailure != null) {
      throw new java.io.UncheckedIOException(firstFailure);
    }
  }

  /** The bound addresses (ports resolved when 0 was asked). */
  public List<InetSocketAddress> addresses() {
    return channels.stream().map(c -> (InetSocketAddress) c.localAddress()).toList();
  }

  @Override
  public void close() {
    channels.forEach(c -> c.close().syncUninterruptibly());
  }

  /** Aggregates requests up to the limit; larger ones get 413 with a plain-text body and the connection closes. */
  private static final class LimitedAggregator extends HttpObjectAggregator {
    LimitedAggregator(int max) {
      super(max);
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
      byte[] body = "request body too large".getBytes(StandardCharsets.UTF_8);
      FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
          Unpooled.wrappedBuffer(body));
      r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8").setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
          .set(HttpHeaderNames.CONNECTION, "close");
      ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
    }
  }
}
