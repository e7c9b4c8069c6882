package io.osprey.server.signal;

import com.google.protobuf.InvalidProtocolBufferException;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.osprey.protocol.json.MalformedJsonException;
import io.osprey.protocol.json.ProtoJson;
import io.osprey.protocol.livekit.LivekitRtc.SignalRequest;
import io.osprey.protocol.livekit.LivekitRtc.SignalResponse;
import io.osprey.server.rtc.RtcParticipant;
import io.osprey.server.rtc.SignalSink;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One participant's signal WebSocket after the upgrade: frames in are decoded and handed to the
 * participant on its room's loop, in order; responses go out binary, or JSON text once the client
 * has spoken JSON. A WebSocket ping goes out every 10 s, as livekit-server does.
 */
final class SignalConnection extends SimpleChannelInboundHandler<WebSocketFrame> implements SignalSink {
  private static final Logger log = LoggerFactory.getLogger(SignalConnection.class);
  /** How long a connection may stay silent (three of our 10 s pings unanswered). */
  static final int READ_TIMEOUT_SECONDS = 30;

  private final Channel channel;
  private volatile RtcParticipant participant;
  private volatile Executor loop;
  private volatile boolean json;
  private ScheduledFuture<?> pings;
  private boolean timedOut;

  SignalConnection(Channel channel) {
    this.channel = channel;
  }

  /** Attaches the joined participant (from its room's loop, before the join response goes out). */
  void bind(RtcParticipant participant, Executor loop) {
    this.loop = loop;
    this.participant = participant;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    pings = ctx.executor().scheduleAtFixedRate(() -> channel.writeAndFlush(new PingWebSocketFrame()), 10, 10,
        TimeUnit.SECONDS);
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
    SignalRequest request;
    try {
      switch (frame) {
        case BinaryWebSocketFrame b -> request = SignalRequest.parseFrom(ByteBufUtil.getBytes(b.content()));
        case TextWebSocketFrame t -> {
          request = ProtoJson.parse(t.text(), SignalRequest.newBuilder()).build();
          json = true; // answer in the dialect the client speaks
        }
        case PingWebSocketFrame p -> {
          ctx.writeAndFlush(new PongWebSocketFrame(p.content().retain()));
          return;
        }
        case CloseWebSocketFrame c -> {
          ctx.writeAndFlush(new CloseWebSocketFrame(1000, "")).addListener(ChannelFutureListener.CLOSE);
          return;
        }
        default -> {
          return;
        }
      }
    } catch (InvalidProtocolBufferException | MalformedJsonException e) {
      log.info("malformed signal message dropped: {}", e.getMessage());
      return;
    }
    RtcParticipant p = participant;
    if (p == null) {
      log.info("signal message before join dropped");
      return;
    }
    loop.execute(() -> p.handle(request));
  }

  /**
   * Nothing at all from the client (not even the pong to our WebSocket pings) for the read timeout:
   * the client is gone without closing, so its connection is closed and it leaves as aborted.
   */
  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
    if (event instanceof io.netty.handler.timeout.IdleStateEvent) {
      log.info("signal connection silent too long: closing");
      timedOut = true;
      ctx.close();
    } else {
      ctx.fireUserEventTriggered(event);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (pings != null) {
      pings.cancel(false);
    }
    RtcParticipant p = participant;
    if (p != null) {
      boolean aborted = timedOut;
      loop.execute(() -> p.signalClosed(this, aborted));
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof io.netty.handler.codec.TooLongFrameException) {
      // a message over the limit, in fragments: livekit-server closes with 1009 (message too big)
      log.info("signal message over the limit: {}", cause.getMessage());
      ctx.writeAndFlush(new CloseWebSocketFrame(1009, "message too big")).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    if (cause instanceof io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException) {
      // the frame decoder already sent the close frame (1009 for an oversized frame) and closes after it
      log.info("signal connection closed: {}", cause.getMessage());
      return;
    }
    log.info("signal connection error: {}", cause.getMessage());
    ctx.close();
  }

  @Override
  public void send(SignalResponse response) {
    if (json) {
      channel.writeAndFlush(new TextWebSocketFrame(ProtoJson.compact(response)));
    } else {
      channel.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(response.toByteArray())));
    }
  }

  @Override
  public void close() {
    channel.writeAndFlush(new CloseWebSocketFrame(1000, "")).addListener(ChannelFutureListener.CLOSE);
  }
}
