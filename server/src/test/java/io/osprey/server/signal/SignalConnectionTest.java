package io.osprey.server.signal;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.osprey.protocol.auth.AccessToken;
import io.osprey.protocol.auth.VideoGrant;
import io.osprey.protocol.livekit.LivekitModels.TrackType;
import io.osprey.protocol.livekit.LivekitRtc.AddTrackRequest;
import io.osprey.protocol.livekit.LivekitRtc.SessionDescription;
import io.osprey.protocol.livekit.LivekitRtc.SignalRequest;
import io.osprey.protocol.livekit.LivekitRtc.SignalResponse;
import io.osprey.server.OspreyServer;
import io.osprey.server.TestServers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The {@code /rtc} WebSocket against bad input: malformed frames, a broken offer, a publish
 * without permission, an oversized message. Each is refused or dropped, and the session stays
 * healthy (it still answers pings) until the limit closes it with 1009.
 */
class SignalConnectionTest {
  private static OspreyServer server;
  private static String ws;

  @BeforeAll
  static void start() throws Exception {
    server = TestServers.dev("");
    ws = "ws://127.0.0.1:" + server.httpAddresses().get(0).getPort();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** A client that keeps every response and the close code. */
  private static final class Client implements WebSocket.Listener {
    final BlockingQueue<SignalResponse> responses = new LinkedBlockingQueue<>();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private ByteBuffer partial = ByteBuffer.allocate(0);
    WebSocket socket;

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
      ByteBuffer joined = ByteBuffer.allocate(partial.remaining() + data.remaining()).put(partial).put(data).flip();
      partial = joined;
      if (last) {
        try {
          responses.add(SignalResponse.parseFrom(partial));
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
          throw new AssertionError(e);
        }
        partial = ByteBuffer.allocate(0);
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
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
      closed.complete(-1); // closed without a close frame
    }

    void send(SignalRequest r) {
      socket.sendBinary(ByteBuffer.wrap(r.toByteArray()), true).join();
    }

    /** The next response of this kind, skipping others (ParticipantUpdate, offers...). */
    SignalResponse next(SignalResponse.MessageCase kind, long millis) throws InterruptedException {
      long deadline = System.currentTimeMillis() + millis;
      for (long left = millis; left > 0; left = deadline - System.currentTimeMillis()) {
        SignalResponse r = responses.poll(left, TimeUnit.MILLISECONDS);
        if (r != null && r.getMessageCase() == kind) {
          return r;
        }
      }
      return null;
    }
  }

  private static Client connect(String identity, boolean canPublish) {
    return connect(identity, canPublish, "");
  }

  private static Client connect(String identity, boolean canPublish, String query) {
    String token = new AccessToken("devkey", "secret").identity(identity)
        .video(VideoGrant.builder().roomJoin(true).room("bad-input").canPublish(canPublish).build()).toJwt();
    Client c = new Client();
    c.socket = HttpClient.newHttpClient().newWebSocketBuilder()
        .buildAsync(URI.create(ws + "/rtc?access_token=" + token + "&protocol=15" + query), c).join();
    return c;
  }

  private static boolean stillAnswers(Client c) throws InterruptedException {
    c.send(SignalRequest.newBuilder().setPing(42).build());
    return c.next(SignalResponse.MessageCase.PONG, 3000) != null;
  }

  @Test
  void joinsThenSurvivesMalformedFramesAndABrokenOffer() throws Exception {
    Client c = connect("tester", true);
    SignalResponse join = c.next(SignalResponse.MessageCase.JOIN, 5000);
    assertThat(join).isNotNull();
    assertThat(join.getJoin().getServerInfo().getVersion()).isNotEmpty();
    assertThat(join.getJoin().getParticipant().getIdentity()).isEqualTo("tester");
    assertThat(join.getJoin().getSubscriberPrimary()).isTrue();
    assertThat(c.next(SignalResponse.MessageCase.OFFER, 3000)).as("subscriber offer with data channels").isNotNull();

    c.socket.sendBinary(ByteBuffer.wrap(new byte[] {(byte) 0xff, 0x01, 0x02, 0x03}), true).join();
    c.socket.sendText("{not json", true).join();
    c.send(SignalRequest.newBuilder().setOffer(SessionDescription.newBuilder().setType("offer").setSdp("v=1\r\ngarbage")).build());
    c.send(SignalRequest.newBuilder().setAnswer(SessionDescription.newBuilder().setType("answer").setSdp("")).build());
    assertThat(stillAnswers(c)).isTrue();

    c.send(SignalRequest.newBuilder().setPingReq(io.osprey.protocol.livekit.LivekitRtc.Ping.newBuilder().setTimestamp(7)).build());
    SignalResponse pong = c.next(SignalResponse.MessageCase.PONG_RESP, 3000);
    assertThat(pong.getPongResp().getLastPingTimestamp()).isEqualTo(7);

    c.send(SignalRequest.newBuilder().setAddTrack(AddTrackRequest.newBuilder().setCid("cam").setType(TrackType.VIDEO)
        .setName("camera")).build());
    SignalResponse published = c.next(SignalResponse.MessageCase.TRACK_PUBLISHED, 3000);
    assertThat(published.getTrackPublished().getCid()).isEqualTo("cam");
    assertThat(published.getTrackPublished().getTrack().getSid()).startsWith("TR_");
    c.socket.sendClose(WebSocket.NORMAL_CLOSURE, "").join();
  }

  @Test
  void refreshesTheTokenAtJoin() throws Exception {
    Client c = connect("refresher", true);
    SignalResponse refresh = c.next(SignalResponse.MessageCase.REFRESH_TOKEN, 5000);
    var verified = new io.osprey.protocol.auth.TokenVerifier(io.osprey.protocol.auth.KeyProvider.of(
        java.util.Map.of("devkey", "secret")), java.time.InstantSource.system()).verify(refresh.getRefreshToken());
    assertThat(verified.grants().identity()).isEqualTo("refresher");
    assertThat(verified.grants().video().room()).isEqualTo("bad-input");
    assertThat(verified.expiresAt()).isAfter(java.time.Instant.now().plusSeconds(9 * 60));
    c.socket.sendClose(WebSocket.NORMAL_CLOSURE, "").join();
  }

  @Test
  void aSecondSessionWithTheSameIdentityReplacesTheFirst() throws Exception {
    Client first = connect("twin", true);
    assertThat(first.next(SignalResponse.MessageCase.JOIN, 5000)).isNotNull();
    Client second = connect("twin", true);
    assertThat(second.next(SignalResponse.MessageCase.JOIN, 5000)).isNotNull();
    SignalResponse leave = first.next(SignalResponse.MessageCase.LEAVE, 5000);
    assertThat(leave.getLeave().getReason()).isEqualTo(io.osprey.protocol.livekit.LivekitModels.DisconnectReason.DUPLICATE_IDENTITY);
    assertThat(first.closed.get(5, TimeUnit.SECONDS)).isEqualTo(1000);
    assertThat(stillAnswers(second)).isTrue();
    second.socket.sendClose(WebSocket.NORMAL_CLOSURE, "").join();
  }

  /** A WebSocket upgrade over a raw socket: the response head and, for a refusal, its body. */
  private static String rawUpgrade(String pathAndQuery) throws Exception {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.httpAddresses().get(0).getPort())) {
      socket.setSoTimeout(5000);
      socket.getOutputStream().write(("GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
          + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      var in = socket.getInputStream();
      StringBuilder response = new StringBuilder();
      while (true) { // the head, then as much body as Content-Length announces
        int b = in.read();
        if (b < 0) {
          break;
        }
        response.append((char) b);
        int headEnd = response.indexOf("\r\n\r\n");
        if (headEnd >= 0) {
          var m = java.util.regex.Pattern.compile("(?i)content-length: (\\d+)").matcher(response);
          int body = m.find() ? Integer.parseInt(m.group(1)) : 0;
          if (response.length() >= headEnd + 4 + body) {
            break;
          }
        }
      }
      return response.toString();
    }
  }

  @Test
  void refusesAJoinBeyondMaxParticipantsBeforeTheUpgrade() throws Exception {
    server.rooms().create("small", new io.osprey.server.room.RoomManager.CreateOptions(0, 0, 1, "")).join();
    String first = new AccessToken("devkey", "secret").identity("one")
        .video(VideoGrant.builder().roomJoin(true).room("small").build()).toJwt();
    Client c = new Client();
    c.socket = HttpClient.newHttpClient().newWebSocketBuilder()
        .buildAsync(URI.create(ws + "/rtc?access_token=" + first), c).join();
    assertThat(c.next(SignalResponse.MessageCase.JOIN, 5000)).isNotNull();
    String second = new AccessToken("devkey", "secret").identity("two")
        .video(VideoGrant.builder().roomJoin(true).room("small").build()).toJwt();
    String refused = rawUpgrade("/rtc?access_token=" + second);
    assertThat(refused).startsWith("HTTP/1.1 500");
    assertThat(refused).contains("max participants");
    c.socket.sendClose(WebSocket.NORMAL_CLOSURE, "").join();
  }

  @Test
  void asksAClientResumingASessionThatIsGoneToRejoinInFull() throws Exception {
    Client c = connect("resumer", true, "&reconnect=1&sid=PA_gone&reconnect_reason=1");
    SignalResponse first = c.responses.poll(5, TimeUnit.SECONDS);
    assertThat(first.getMessageCase()).isEqualTo(SignalResponse.MessageCase.LEAVE);
    assertThat(first.getLeave().getAction()).isEqualTo(io.osprey.protocol.livekit.LivekitRtc.LeaveRequest.Action.RECONNECT);
    assertThat(c.closed.get(5, TimeUnit.SECONDS)).isEqualTo(1000);
  }

  @Test
  void refusesPublishingWithoutPermission() throws Exception {
    Client c = connect("viewer", false);
    assertThat(c.next(SignalResponse.MessageCase.JOIN, 5000)).isNotNull();
    c.send(SignalRequest.newBuilder().setAddTrack(AddTrackRequest.newBuilder().setCid("cam").setType(TrackType.VIDEO)).build());
    assertThat(c.next(SignalResponse.MessageCase.TRACK_PUBLISHED, 1000)).isNull();
    assertThat(stillAnswers(c)).isTrue();
    c.socket.sendClose(WebSocket.NORMAL_CLOSURE, "").join();
  }

  /**
   * Over a raw socket, so the check is deterministic: the frame header announces 3 MiB, and the
   * server answers with a close frame carrying 1009 before any of the payload is needed.
   */
  @Test
  void closesWith1009AboveTheMessageLimit() throws Exception {
    String token = new AccessToken("devkey", "secret").identity("big")
        .video(VideoGrant.builder().roomJoin(true).room("bad-input").build()).toJwt();
    int port = server.httpAddresses().get(0).getPort();
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
      socket.setSoTimeout(5000);
      var out = socket.getOutputStream();
      var in = new java.io.DataInputStream(socket.getInputStream());
      out.write(("GET /rtc?access_token=" + token + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
          + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      StringBuilder head = new StringBuilder();
      while (!head.toString().endsWith("\r\n\r\n")) {
        head.append((char) in.readUnsignedByte());
      }
      assertThat(head.toString()).startsWith("HTTP/1.1 101");
      long length = 3L << 20;
      java.nio.ByteBuffer frame = java.nio.ByteBuffer.allocate(2 + 8 + 4 + 16);
      frame.put((byte) 0x82).put((byte) (0x80 | 127)).putLong(length).putInt(0x01020304).put(new byte[16]);
      out.write(frame.array());
      out.flush();
      int closeCode = -1;
      while (closeCode < 0) { // skip the join response and whatever else comes first
        int opcode = in.readUnsignedByte() & 0x0f;
        int len = in.readUnsignedByte() & 0x7f;
        long size = len == 126 ? in.readUnsignedShort() : len == 127 ? in.readLong() : len;
        byte[] payload = in.readNBytes((int) size);
        if (opcode == 0x8) {
          closeCode = ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
        }
      }
      assertThat(closeCode).isEqualTo(1009);
    }
  }

  @Test
  void answers404ToPlainGetsAndRefusesBadTokensBeforeTheUpgrade() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    var plain = http.send(java.net.http.HttpRequest.newBuilder(URI.create(ws.replace("ws:", "http:") + "/rtc")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(plain.statusCode()).isEqualTo(404);
    var refused = http.newWebSocketBuilder().buildAsync(URI.create(ws + "/rtc?access_token=nope"), new Client());
    assertThat(refused).failsWithin(5, TimeUnit.SECONDS);
  }
}
