package io.osprey.server.signal;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.util.concurrent.ScheduledFuture;
import io.osprey.server.http.HttpResponses;
import io.osprey.server.routing.NodeInfo;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A participant's signal WebSocket that lands on a node not hosting its room is relayed to the
 * room's owner: this node opens the same {@code /rtc} WebSocket to the owner's HTTP address from
 * the registry (same path, query and token, marked {@link #RELAYED_BY} so the owner hosts the
 * room itself and never relays again), and only once the owner has accepted it upgrades the
 * client's connection; from then on frames pass unchanged both ways. The owner holds the
 * participant, so its JoinResponse and offers carry the owner's ICE candidates and the media goes
 * straight to the owner. A refusal by the owner (401, 404, a full room) reaches the client as the
 * owner gave it.
 *
 * <p>Order: each direction is one TCP stream, so frames arrive in the order sent. Bounded
 * buffers: both sockets share one event loop, and a side whose peer cannot take more (above
 * Netty's write-buffer high-water mark, 64 KiB) stops reading until the peer drains, so a
 * fast sender is slowed to the slow reader's pace instead of filling memory. Bounded time: 2 s to
 * connect to the owner, 5 s for it to accept.
 */
final class SignalRelay {
  private static final Logger log = LoggerFactory.getLogger(SignalRelay.class);
  /** The header marking a join relayed from another node (value: that node's id). */
  static final String RELAYED_BY = "X-Osprey-Relayed-By";
  private static final int CONNECT_TIMEOUT_MS = 2_000;
  private static final long ACCEPT_TIMEOUT_MS = 5_000;

  private final String selfId;
  private final int maxMessageBytes;

  SignalRelay(String selfId, int maxMessageBytes) {
    this.selfId = selfId;
    this.maxMessageBytes = maxMessageBytes;
  }

  /** Relays the client's upgrade request (on its channel's loop) to {@code owner}. */
  void relay(ChannelHandlerContext ctx, FullHttpRequest request, String path, NodeInfo owner) {
    relay(ctx, request, path, owner, null);
  }

  /**
   * Relays the client's upgrade request (on its channel's loop) to {@code owner}; if no connection
   * to it can be made and {@code otherwise} is given, runs that (on the loop) instead of refusing
   * the client: the join may go to another node.
   */
  void relay(ChannelHandlerContext ctx, FullHttpRequest request, String path, NodeInfo owner, Runnable otherwise) {
    String query = new QueryStringDecoder(request.uri()).rawQuery();
    URI upstream = URI.create("ws://" + owner.httpUrl().getRawAuthority() + path + (query.isEmpty() ? "" : "?" + query));
    HttpHeaders headers = new DefaultHttpHeaders().set(RELAYED_BY, selfId);
    String authorization = request.headers().get(HttpHeaderNames.AUTHORIZATION);
    if (authorization != null) {
      headers.set(HttpHeaderNames.AUTHORIZATION, authorization);
    }
    WebSocketClientHandshaker handshaker = WebSocketClientHandshakerFactory.newHandshaker(upstream,
        WebSocketVersion.V13, null, false, headers, maxMessageBytes);
    request.retain(); // until the owner has answered
    Channel client = ctx.channel();
    new Bootstrap().group(client.eventLoop())
        .channel(client instanceof EpollSocketChannel ? EpollSocketChannel.class : NioSocketChannel.class)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MS)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast("http", new HttpClientCodec())
                .addLast("aggregate", new HttpObjectAggregator(64 * 1024))
                .addLast("accept", new Accept(ctx, request, path, handshaker, owner));
          }
        })
        .connect(owner.httpUrl().getHost(), owner.httpUrl().getPort())
        .addListener((ChannelFutureListener) f -> {
          if (!f.isSuccess() && otherwise != null && request.refCnt() > 0) {
            otherwise.run(); // takes its own hold of the request before ours is let go
            request.release();
          } else if (!f.isSuccess()) {
            refuse(ctx, request, owner, "is unreachable: " + f.cause().getMessage());
          }
        });
  }

  private static void refuse(ChannelHandlerContext ctx, FullHttpRequest request, NodeInfo owner, String why) {
    if (request.refCnt() == 0) {
      return; // already answered
    }
    log.warn("signal relay: the room's node {} {}", owner.id(), why);
    HttpResponses.text(ctx, request, HttpResponseStatus.SERVICE_UNAVAILABLE, "the room's node " + owner.id() + " " + why);
    request.release();
  }

  /** Waits for the owner's answer to the upgrade; then upgrades the client and joins the two. */
  private final class Accept extends SimpleChannelInboundHandler<FullHttpResponse> {
    private final ChannelHandlerContext client;
    private final FullHttpRequest request;
    private final String path;
    private final WebSocketClientHandshaker handshaker;
    private final NodeInfo owner;
    private ScheduledFuture<?> timeout;

    Accept(ChannelHandlerContext client, FullHttpRequest request, String path, WebSocketClientHandshaker handshaker,
           NodeInfo owner) {
      this.client = client;
      this.request = request;
      this.path = path;
      this.handshaker = handshaker;
      this.owner = owner;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      timeout = ctx.executor().schedule(() -> {
        refuse(client, request, owner, "did not accept the relayed join within " + ACCEPT_TIMEOUT_MS + " ms");
        ctx.close();
      }, ACCEPT_TIMEOUT_MS, TimeUnit.MILLISECONDS);
      handshaker.handshake(ctx.channel());
      ctx.fireChannelActive();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
      timeout.cancel(false);
      if (!response.status().equals(HttpResponseStatus.SWITCHING_PROTOCOLS)) {
        // the owner refused the join (bad token, no such room, room full): the client hears it as given
        String body = response.content().toString(StandardCharsets.UTF_8);
        HttpResponses.text(client, request, response.status(), body);
        request.release();
        ctx.close();
        return;
      }
      Channel upstream = ctx.channel();
      handshaker.finishHandshake(upstream, response);
      WebSocketServerHandshaker server = new WebSocketServerHandshakerFactory(
          "ws://" + request.headers().get(HttpHeaderNames.HOST) + path, null, false, maxMessageBytes)
          .newHandshaker(request);
      if (server == null) {
        WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(client.channel());
        request.release();
        ctx.close();
        return;
      }
      upstream.config().setAutoRead(false); // nothing from the owner until the client is upgraded too
      server.handshake(client.channel(), request).addListener(f -> {
        request.release();
        if (!f.isSuccess()) {
          log.debug("signal relay: client handshake failed: {}", f.cause().getMessage());
          upstream.close();
          return;
        }
        client.pipeline().addLast("relay", new Pipe(upstream, false));
        client.pipeline().remove(client.handler());
        upstream.pipeline().replace(this, "relay", new Pipe(client.channel(), true));
        upstream.config().setAutoRead(true);
        log.debug("signal relay: {} relayed to node {}", client.channel().remoteAddress(), owner.id());
      });
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (timeout != null) {
        timeout.cancel(false);
      }
      refuse(client, request, owner, "closed the relayed join");
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      refuse(client, request, owner, "failed the relayed join: " + cause.getMessage());
      ctx.close();
    }
  }

  /**
   * One direction of a relayed connection: frames read here are written to the peer as they are;
   * reading pauses while the peer's outbound buffer is above its high-water mark. When this side
   * goes away without a close frame having passed, the client side is given a proper close (1001,
   * going away) rather than a dropped connection, so it knows to rejoin.
   */
  private static final class Pipe extends ChannelInboundHandlerAdapter {
    private final Channel peer;
    private final boolean peerIsClient;
    private boolean closeSeen;

    Pipe(Channel peer, boolean peerIsClient) {
      this.peer = peer;
      this.peerIsClient = peerIsClient;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (!(msg instanceof WebSocketFrame frame)) {
        io.netty.util.ReferenceCountUtil.release(msg);
        return;
      }
      closeSeen |= frame instanceof CloseWebSocketFrame;
      peer.write(frame);
      if (!peer.isWritable()) {
        ctx.channel().config().setAutoRead(false); // resumed by the peer's channelWritabilityChanged
        peer.flush();
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      peer.flush();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      if (ctx.channel().isWritable()) {
        peer.config().setAutoRead(true); // this side drained: the peer may read again
      }
      ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (peerIsClient && !closeSeen && peer.isActive()) {
        log.info("signal relay: the room's node closed {}'s connection without a word: closing it with 1001",
            peer.remoteAddress());
        peer.writeAndFlush(new CloseWebSocketFrame(1001, "the room's node went away"))
            .addListener(ChannelFutureListener.CLOSE);
      } else {
        peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      log.debug("signal relay: {}", cause.getMessage());
      ctx.close();
    }
  }
}
