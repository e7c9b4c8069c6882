package io.osprey.server.routing;

import io.osprey.protocol.auth.AccessToken;
import io.osprey.protocol.auth.VideoGrant;
import io.osprey.protocol.livekit.LivekitRtc.SignalRequest;
import io.osprey.protocol.livekit.LivekitRtc.SignalResponse;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A v0 {@code /rtc} signalling client that keeps every response (no media). */
final class SignalClient implements WebSocket.Listener, AutoCloseable {
  final BlockingQueue<SignalResponse> responses = new LinkedBlockingQueue<>();
  final CompletableFuture<Integer> closed = new CompletableFuture<>();
  private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
  private WebSocket socket;

  /** Joins {@code room} as {@code identity} through the node at {@code httpPort}. */
  static SignalClient join(int httpPort, String room, String identity) {
    String token = new AccessToken("devkey", "secret").identity(identity)
        .video(VideoGrant.builder().roomJoin(true).room(room).build()).toJwt();
    SignalClient c = new SignalClient();
    c.socket = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
        .buildAsync(URI.create("ws://127.0.0.1:" + httpPort + "/rtc?access_token=" + token + "&protocol=15"), c)
        .orTimeout(10, TimeUnit.SECONDS).join();
    return c;
  }

  /** Joins over {@code /rtc/v1} (one peer connection, the join request in the query) through the node at {@code httpPort}. */
  static SignalClient joinV1(int httpPort, String room, String identity) {
    String token = new AccessToken("devkey", "secret").identity(identity)
        .video(VideoGrant.builder().roomJoin(true).room(room).build()).toJwt();
    var join = io.osprey.protocol.livekit.LivekitRtc.JoinRequest.newBuilder()
        .setClientInfo(io.osprey.protocol.livekit.LivekitModels.ClientInfo.newBuilder().setProtocol(16))
        .setConnectionSettings(io.osprey.protocol.livekit.LivekitRtc.ConnectionSettings.newBuilder().setAutoSubscribe(true))
        .build();
    String param = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
        io.osprey.protocol.livekit.LivekitRtc.WrappedJoinRequest.newBuilder().setJoinRequest(join.toByteString()).build()
            .toByteArray());
    SignalClient c = new SignalClient();
    c.socket = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
        .buildAsync(URI.create("ws://127.0.0.1:" + httpPort + "/rtc/v1?access_token=" + token + "&join_request=" + param),
            c)
        .orTimeout(10, TimeUnit.SECONDS).join();
    return c;
  }

  /** The next response matching {@code which}, skipping others, or an error after 10 s. */
  SignalResponse next(Predicate<SignalResponse> which) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      SignalResponse r = responses.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (r == null) {
        throw new AssertionError("no matching signal response within 10 s");
      }
      if (which.test(r)) {
        return r;
      }
    }
  }

  void send(SignalRequest request) {
    socket.sendBinary(ByteBuffer.wrap(request.toByteArray()), true).join();
  }

  void sendRaw(byte[] bytes) {
    socket.sendBinary(ByteBuffer.wrap(bytes), true).join();
  }

  @Override
  public void onOpen(WebSocket webSocket) {
    webSocket.request(1);
  }

  @Override
  public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
    byte[] chunk = new byte[data.remaining()];
    data.get(chunk);
    partial.writeBytes(chunk);
    if (last) {
      try {
        responses.add(SignalResponse.parseFrom(partial.toByteArray()));
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        throw new AssertionError(e);
      }
      partial.reset();
    }
    webSocket.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    closed.complete(statusCode);
    return null;
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    closed.complete(-1);
  }

  @Override
  public void close() {
    if (!closed.isDone()) {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "").exceptionally(e -> null);
    }
  }
}
