package io.osprey.server.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;

/**
 * The signalling seam: requests under {@code /rtc} ({@code /rtc}, {@code /rtc/v1} WebSocket
 * upgrades and their {@code /validate} checks) go to the signalling layer.
 */
@FunctionalInterface
public interface RtcEndpoint {
  void handle(ChannelHandlerContext ctx, FullHttpRequest request, String path);
}
