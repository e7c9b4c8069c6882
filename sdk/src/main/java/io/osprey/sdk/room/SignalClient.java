package io.osprey.sdk.room;

import com.google.protobuf.InvalidProtocolBufferException;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.osprey.protocol.livekit.LivekitRtc.SignalRequest;
import io.osprey.protocol.livekit.LivekitRtc.SignalResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLException;

/**
 * LiveKit's signal WebSocket: protobuf {@link SignalRequest}s out, {@link SignalResponse}s in, on
 * the room's own event loop. Everything the handler hears comes on that loop, one message at a time
 * and in order; requests sent before the socket opens wait for it.
 *
 * <p>Netty rather than the JDK's {@code java.net.http.WebSocket}: under load (hundreds of joins in
 * one process) the JDK client now and then lost the bytes it had read past the end of the upgrade
 * response, so a join response larger than its first 16 KiB read arrived with a hole in it. A packet
 * capture showed the server's frame whole on the wire; the client delivered later frames in its place.
 */
final class SignalClient {
  /** What the room does with the connection's events (called on the room's loop). */
  interface Handler {
    void onResponse(SignalResponse response);

    /** The connection ended: closed by the server ({@code error} null) or failed. */
    void onClosed(int code, String reason, Throwable error);
  }

  /** The server answered the upgrade with something other than 101: a refused token, a full room, no endpoint. */
  static final class RefusedException extends IOException {
    private final int status;
    private final String body;

    RefusedException(int status, String body) {
      super("the server answered the WebSocket upgrade with " + status + (body.isBlank() ? "" : ": " + body.trim()));
      this.status = status;
      this.body = body;
    }

    int status() {
      return status;
    }

    String body() {
      return body;
    }
  }

  /** The largest message taken from the server, as livekit-server's own limit. */
  static final int MAX_MESSAGE = 2 << 20;
  /** The largest refusal body kept (the server's reason, for the error message). */
  private static final int MAX_UPGRADE_RESPONSE = 64 << 10;
  /** A close without a close frame (RFC 6455 §7.4.1: never sent, only reported). */
  private static final int ABNORMAL_CLOSURE = 1006;

  private static volatile SslContext tls;

  private final Handler handler;
  private final EventLoop loop;
  private final CompletableFuture<SignalClient> opened = new CompletableFuture<>();
  /** Requests sent before the socket opened, in order (loop only). */
  private final List<SignalRequest> pending = new ArrayList<>();
  private Channel channel;
  private volatile boolean open;
  private volatile boolean closed;
  /** Closed or aborted by us: what arrives after that is not heard (unlike a close from the server, which comes after its last messages). */
  private volatile boolean dropped;

  private SignalClient(Handler handler, EventLoop loop) {
    this.handler = handler;
    this.loop = loop;
  }

  /**
   * Starts opening the WebSocket at {@code uri} ({@code ws://} or {@code wss://}) on {@code loop} and
   * returns at once: requests sent meanwhile wait for it (a response can be handled before the
   * caller hears the socket is open, and what it sends then must not be lost). {@link #opened()}
   * fails with the network error or a {@link RefusedException}.
   */
  static SignalClient open(URI uri, String token, Duration connectTimeout, Handler handler, EventLoop loop) {
    SignalClient client = new SignalClient(handler, loop);
    boolean secure = "wss".equalsIgnoreCase(uri.getScheme());
    String host = uri.getHost();
    int port = uri.getPort() > 0 ? uri.getPort() : secure ? 443 : 80;
    WebSocketClientHandshaker handshaker = WebSocketClientHandshakerFactory.newHandshaker(uri, WebSocketVersion.V13,
        null, false, new DefaultHttpHeaders().set(HttpHeaderNames.AUTHORIZATION, "Bearer " + token), MAX_MESSAGE);
    SslContext sslContext;
    try {
      sslContext = secure ? tls() : null;
    } catch (SSLException e) {
      client.opened.completeExceptionally(e);
      client.closed = true;
      return client;
    }
    new Bootstrap().group(loop).channel(RtcLoops.TRANSPORT.socketChannel())
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()))
        .option(ChannelOption.TCP_NODELAY, true)
        .handler(new ChannelInitializer<>() {
          @Override
          protected void initChannel(Channel ch) {
            if (sslContext != null) {
              ch.pipeline().addLast(sslContext.newHandler(ch.alloc(), host, port));
            }
            ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(MAX_UPGRADE_RESPONSE),
                client.new Upgrade(handshaker));
          }
        })
        .connect(host, port).addListener((ChannelFutureListener) f -> {
          if (!f.isSuccess()) {
            client.failOpen(f.cause());
          } else {
            client.channel = f.channel();
            if (client.closed) {
              f.channel().close(); // closed while connecting
            }
          }
        });
    return client;
  }

  private static SslContext tls() throws SSLException {
    SslContext c = tls;
    if (c == null) {
      synchronized (SignalClient.class) {
        c = tls;
        if (c == null) {
          // the JDK's trust store, and the certificate must name the host (wss to LiveKit Cloud or a TLS proxy)
          tls = c = SslContextBuilder.forClient().endpointIdentificationAlgorithm("HTTPS").build();
        }
      }
    }
    return c;
  }

  /** Completes when the socket is open; fails with why it could not be opened. */
  CompletableFuture<SignalClient> opened() {
    return opened;
  }

  boolean isOpen() {
    return open && !closed;
  }

  /** Sends {@code request} now, or when the socket opens; nothing after {@link #close()}. */
  void send(SignalRequest request) {
    if (!loop.inEventLoop()) {
      loop.execute(() -> send(request));
      return;
    }
    if (closed) {
      return;
    }
    if (!open) {
      pending.add(request);
      return;
    }
    channel.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(request.toByteArray())));
  }

  /** Closes the connection (normal closure) without telling the handler. */
  void close() {
    if (!loop.inEventLoop()) {
      loop.execute(this::close);
      return;
    }
    dropped = true;
    if (closed) {
      return;
    }
    closed = true;
    opened.completeExceptionally(new IOException("closed before the WebSocket opened"));
    if (channel != null) {
      if (open) {
        channel.writeAndFlush(new CloseWebSocketFrame(1000, "")).addListener(ChannelFutureListener.CLOSE);
      } else {
        channel.close();
      }
    }
  }

  /** Drops the connection abruptly, as a network failure would (no close handshake, no handler call). */
  void abort() {
    if (!loop.inEventLoop()) {
      loop.execute(this::abort);
      return;
    }
    dropped = true;
    closed = true;
    opened.completeExceptionally(new IOException("aborted before the WebSocket opened"));
    if (channel != null) {
      channel.close();
    }
  }

  boolean closed() {
    return closed;
  }

  private void failOpen(Throwable error) {
    if (opened.completeExceptionally(error)) {
      closed = true;
    }
  }

  /** The connection ended on its own (server close, network, protocol error): the handler hears it once. */
  private void ended(int code, String reason, Throwable error) {
    boolean wasClosed = closed;
    closed = true;
    if (!wasClosed && !dropped) {
      handler.onClosed(code, reason, error);
    }
  }

  /** The HTTP upgrade: sends it once connected, checks the 101, then hands the pipeline to {@link Frames}. */
  private final class Upgrade extends SimpleChannelInboundHandler<FullHttpResponse> {
    private final WebSocketClientHandshaker handshaker;

    Upgrade(WebSocketClientHandshaker handshaker) {
      this.handshaker = handshaker;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      handshaker.handshake(ctx.channel()).addListener((ChannelFutureListener) f -> {
        if (!f.isSuccess()) {
          failOpen(f.cause());
          f.channel().close();
        }
      });
      ctx.fireChannelActive();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
      if (!response.status().equals(HttpResponseStatus.SWITCHING_PROTOCOLS)) {
        failOpen(new RefusedException(response.status().code(), response.content().toString(StandardCharsets.UTF_8)));
        ctx.close();
        return;
      }
      try {
        // frames that came in the same read as the 101 stay in the HTTP decoder's buffer, which Netty hands on
        handshaker.finishHandshake(ctx.channel(), response);
      } catch (RuntimeException e) {
        failOpen(e);
        ctx.close();
        return;
      }
      ctx.pipeline().addLast(new WebSocketFrameAggregator(MAX_MESSAGE), new Frames());
      ctx.pipeline().remove(this);
      open = true;
      if (closed) { // closed while the upgrade was under way
        ctx.close();
        return;
      }
      for (SignalRequest request : pending) {
        ctx.write(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(request.toByteArray())));
      }
      pending.clear();
      ctx.flush();
      opened.complete(SignalClient.this);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      failOpen(new IOException("the server closed the connection before answering the WebSocket upgrade"));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      failOpen(cause);
      ctx.close();
    }
  }

  /** The open socket's frames: responses to the handler, pings answered, the close reported. */
  private final class Frames extends SimpleChannelInboundHandler<WebSocketFrame> {
    private boolean closeHeard;

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
      switch (frame) {
        case BinaryWebSocketFrame b -> {
          SignalResponse response;
          try {
            response = SignalResponse.parseFrom(ByteBufUtil.getBytes(b.content()));
          } catch (InvalidProtocolBufferException e) {
            ended(1002, "malformed signal message: " + e.getMessage(), e);
            ctx.close();
            return;
          }
          if (!dropped) {
            handler.onResponse(response);
          }
        }
        case PingWebSocketFrame p -> ctx.writeAndFlush(new PongWebSocketFrame(p.content().retain()));
        case CloseWebSocketFrame c -> {
          closeHeard = true;
          int code = c.statusCode() < 0 ? 1005 : c.statusCode(); // 1005: a close frame without a code
          String reason = c.reasonText();
          ctx.writeAndFlush(new CloseWebSocketFrame(c.statusCode() < 0 ? 1000 : code, ""))
              .addListener(ChannelFutureListener.CLOSE);
          ended(code, reason, null);
        }
        default -> { } // text frames are not ours to read in protobuf mode; pongs need nothing
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (!closeHeard) {
        ended(ABNORMAL_CLOSURE, "the connection closed without a close frame", new IOException("connection closed"));
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ended(ABNORMAL_CLOSURE, String.valueOf(cause.getMessage()), cause);
      ctx.close();
    }
  }
}
