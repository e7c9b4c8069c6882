package io.osprey.sdk.room;

import com.google.protobuf.InvalidProtocolBufferException;
import io.osprey.protocol.livekit.LivekitRtc.SignalRequest;
import io.osprey.protocol.livekit.LivekitRtc.SignalResponse;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * LiveKit's signal WebSocket: protobuf {@link SignalRequest}s out, {@link SignalResponse}s in. Sends
 * never overlap (the JDK's WebSocket refuses that) and responses are handed over one at a time, in
 * order, on the caller's executor (the room's event loop).
 */
final class SignalClient {
  /** What the room does with the connection's events (called on the room's executor). */
  interface Handler {
    void onResponse(SignalResponse response);

    /** The connection ended: closed by the server ({@code error} null) or failed. */
    void onClosed(int code, String reason, Throwable error);
  }

  /** The largest message taken from the server, as livekit-server's own limit. */
  static final int MAX_MESSAGE = 2 << 20;

  private final Handler handler;
  private final Executor executor;
  private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
  private WebSocket socket;
  private CompletableFuture<WebSocket> sending;
  private CompletableFuture<SignalClient> opened;
  private volatile boolean closed;
  /** Closed or aborted by us: what arrives after that is not heard (unlike a close from the server, which comes after its last messages). */
  private volatile boolean dropped;

  private SignalClient(Handler handler, Executor executor) {
    this.handler = handler;
    this.executor = executor;
  }

  /**
   * Starts opening the WebSocket at {@code uri} and returns at once: requests sent meanwhile wait
   * for it (a response can be handled before the caller hears the socket is open, and what it
   * sends then must not be lost). {@link #opened()} fails with the HTTP or network error.
   */
  static SignalClient open(HttpClient http, URI uri, String token, Duration timeout, Handler handler,
                           Executor executor) {
    SignalClient client = new SignalClient(handler, executor);
    CompletableFuture<WebSocket> ws = http.newWebSocketBuilder().connectTimeout(timeout)
        .header("Authorization", "Bearer " + token).buildAsync(uri, client.listener());
    synchronized (client) {
      client.sending = ws;
      client.opened = ws.thenApply(socket -> {
        synchronized (client) {
          client.socket = socket;
        }
        return client;
      });
    }
    return client;
  }

  /** Completes when the socket is open; fails with why it could not be opened. */
  synchronized CompletableFuture<SignalClient> opened() {
    return opened;
  }

  synchronized boolean isOpen() {
    return socket != null;
  }

  /** Queues {@code request} behind the opening and any send in progress. */
  synchronized void send(SignalRequest request) {
    if (closed) {
      return;
    }
    ByteBuffer bytes = ByteBuffer.wrap(request.toByteArray());
    sending = sending.thenCompose(ws -> ws.sendBinary(bytes, true)).exceptionally(e -> socket);
  }

  /** Closes the connection (normal closure) without telling the handler. */
  synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    dropped = true;
    sending.thenCompose(ws -> ws.sendClose(WebSocket.NORMAL_CLOSURE, "").thenApply(x -> ws))
        .whenComplete((ws, e) -> {
          if (ws != null) {
            ws.abort();
          }
        });
  }

  /** Drops the connection abruptly, as a network failure would (no close handshake, no handler call). */
  synchronized void abort() {
    closed = true;
    dropped = true;
    sending.whenComplete((ws, e) -> {
      if (ws != null) {
        ws.abort();
      }
    });
  }

  boolean closed() {
    return closed;
  }

  private WebSocket.Listener listener() {
    return new WebSocket.Listener() {
      @Override
      public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
        byte[] chunk = new byte[data.remaining()];
        data.get(chunk);
        if (partial.size() + chunk.length > MAX_MESSAGE) {
          fail(ws, new IllegalStateException("signal message larger than " + MAX_MESSAGE + " bytes"));
          return null;
        }
        partial.writeBytes(chunk);
        if (last) {
          byte[] message = partial.toByteArray();
          partial.reset();
          try {
            SignalResponse response = SignalResponse.parseFrom(message);
            executor.execute(() -> {
              if (!dropped) {
                handler.onResponse(response);
              }
            });
          } catch (InvalidProtocolBufferException e) {
            fail(ws, e);
            return null;
          }
        }
        ws.request(1);
        return null;
      }

      @Override
      public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        ws.request(1); // protobuf mode: text frames are not ours to read
        return null;
      }

      @Override
      public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
        ended(code, reason, null);
        return null;
      }

      @Override
      public void onError(WebSocket ws, Throwable error) {
        ended(1006, String.valueOf(error.getMessage()), error);
      }
    };
  }

  private void fail(WebSocket ws, Throwable error) {
    ws.abort();
    ended(1002, error.getMessage(), error);
  }

  private void ended(int code, String reason, Throwable error) {
    boolean wasClosed;
    synchronized (this) {
      wasClosed = closed;
      closed = true;
    }
    if (!wasClosed) {
      executor.execute(() -> handler.onClosed(code, reason, error));
    }
  }
}
