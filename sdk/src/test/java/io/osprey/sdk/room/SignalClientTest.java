package io.osprey.sdk.room;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.EventLoopGroup;
import io.osprey.protocol.livekit.LivekitModels.ParticipantInfo;
import io.osprey.protocol.livekit.LivekitRtc.JoinResponse;
import io.osprey.protocol.livekit.LivekitRtc.LeaveRequest;
import io.osprey.protocol.livekit.LivekitRtc.SignalRequest;
import io.osprey.protocol.livekit.LivekitRtc.SignalResponse;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The signal WebSocket against a hand-written server on a plain socket, which controls exactly what
 * goes on the wire and in which writes.
 */
class SignalClientTest {
  private static final EventLoopGroup LOOPS = RtcLoops.newGroup(1);

  private final ServerSocket server;
  private final BlockingQueue<Object> heard = new LinkedBlockingQueue<>();
  private final SignalClient.Handler handler = new SignalClient.Handler() {
    @Override
    public void onResponse(SignalResponse response) {
      heard.add(response);
    }

    @Override
    public void onClosed(int code, String reason, Throwable error) {
      heard.add(code + " " + reason);
    }
  };

  SignalClientTest() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
  }

  @AfterEach
  void closeServer() throws IOException {
    server.close();
  }

  @AfterAll
  static void stopLoops() {
    LOOPS.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }

  private SignalClient open() {
    URI uri = URI.create("ws://127.0.0.1:" + server.getLocalPort() + "/rtc/v1?access_token=t&join_request=x");
    return SignalClient.open(uri, "the-token", Duration.ofSeconds(5), handler, LOOPS.next());
  }

  /** A join response far larger than one socket read, in the same write as the 101: it must arrive whole. */
  @Test
  void aLargeFirstMessageInTheUpgradesWriteArrivesWhole() throws Exception {
    JoinResponse.Builder join = JoinResponse.newBuilder();
    for (int i = 0; i < 3000; i++) {
      join.addOtherParticipants(ParticipantInfo.newBuilder().setSid("PA_" + i).setIdentity("participant-" + i)
          .setMetadata("m".repeat(i % 50)));
    }
    SignalResponse big = SignalResponse.newBuilder().setJoin(join).build();
    assertThat(big.getSerializedSize()).isGreaterThan(100_000);
    SignalResponse after = SignalResponse.newBuilder().setPong(42).build();
    CompletableFuture<String> authorization = new CompletableFuture<>();
    serve(socket -> {
      String request = readRequest(socket.getInputStream());
      authorization.complete(header(request, "Authorization"));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.writeBytes(switchingProtocols(request));
      out.writeBytes(frame(0x2, big.toByteArray()));
      out.writeBytes(frame(0x2, after.toByteArray()));
      socket.getOutputStream().write(out.toByteArray()); // one write: the frames ride with the 101
      socket.getInputStream().read(); // hold the connection open
    });
    SignalClient client = open();
    assertThat(client.opened().get(5, TimeUnit.SECONDS).isOpen()).isTrue();
    assertThat(heard.poll(5, TimeUnit.SECONDS)).isEqualTo(big);
    assertThat(heard.poll(5, TimeUnit.SECONDS)).isEqualTo(after);
    assertThat(authorization.get()).isEqualTo("Bearer the-token");
    client.abort();
  }

  @Test
  void requestsSentBeforeTheSocketOpensGoOutInOrderAfterTheUpgrade() throws Exception {
    BlockingQueue<SignalRequest> received = new LinkedBlockingQueue<>();
    CompletableFuture<Void> upgradeAllowed = new CompletableFuture<>();
    serve(socket -> {
      String request = readRequest(socket.getInputStream());
      upgradeAllowed.join();
      socket.getOutputStream().write(switchingProtocols(request));
      DataInputStream in = new DataInputStream(socket.getInputStream());
      for (int i = 0; i < 3; i++) {
        received.add(SignalRequest.parseFrom(readClientFrame(in)));
      }
    });
    SignalClient client = open();
    client.send(SignalRequest.newBuilder().setPing(1).build());
    client.send(SignalRequest.newBuilder().setPing(2).build());
    upgradeAllowed.complete(null);
    client.opened().get(5, TimeUnit.SECONDS);
    client.send(SignalRequest.newBuilder().setLeave(LeaveRequest.getDefaultInstance()).build());
    assertThat(received.poll(5, TimeUnit.SECONDS).getPing()).isEqualTo(1);
    assertThat(received.poll(5, TimeUnit.SECONDS).getPing()).isEqualTo(2);
    assertThat(received.poll(5, TimeUnit.SECONDS).hasLeave()).isTrue();
    client.abort();
  }

  @Test
  void aRefusedUpgradeFailsOpeningWithTheStatusAndTheServersReason() throws Exception {
    serve(socket -> {
      readRequest(socket.getInputStream());
      byte[] body = "invalid token: signature mismatch".getBytes(StandardCharsets.UTF_8);
      socket.getOutputStream().write(("HTTP/1.1 401 Unauthorized\r\nContent-Type: text/plain\r\nContent-Length: "
          + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().write(body);
      socket.getInputStream().read();
    });
    SignalClient client = open();
    assertThatThrownBy(() -> client.opened().get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
        .cause().isInstanceOfSatisfying(SignalClient.RefusedException.class, e -> {
          assertThat(e.status()).isEqualTo(401);
          assertThat(e.body()).isEqualTo("invalid token: signature mismatch");
        });
    assertThat(client.isOpen()).isFalse();
    assertThat(heard).isEmpty(); // a failed opening is the opened() future's to report, not the handler's
  }

  @Test
  void pingsAreAnsweredAndTheServersCloseIsReportedOnceWithItsCode() throws Exception {
    CompletableFuture<byte[]> pong = new CompletableFuture<>();
    serve(socket -> {
      socket.getOutputStream().write(switchingProtocols(readRequest(socket.getInputStream())));
      socket.getOutputStream().write(frame(0x9, new byte[] {1, 2, 3}));
      DataInputStream in = new DataInputStream(socket.getInputStream());
      pong.complete(readClientFrame(in));
      socket.getOutputStream().write(frame(0x8, closePayload(1001, "the room's node went away")));
      readClientFrame(in); // the close answered
    });
    SignalClient client = open();
    client.opened().get(5, TimeUnit.SECONDS);
    assertThat(pong.get(5, TimeUnit.SECONDS)).containsExactly(1, 2, 3);
    assertThat(heard.poll(5, TimeUnit.SECONDS)).isEqualTo("1001 the room's node went away");
    assertThat(heard.poll(300, TimeUnit.MILLISECONDS)).isNull(); // the TCP close after it is not a second end
    assertThat(client.closed()).isTrue();
  }

  @Test
  void aDroppedConnectionIsAnAbnormalClosure() throws Exception {
    serve(socket -> {
      socket.getOutputStream().write(switchingProtocols(readRequest(socket.getInputStream())));
      socket.getOutputStream().write(frame(0x2, SignalResponse.newBuilder().setPong(7).build().toByteArray()));
      socket.close();
    });
    SignalClient client = open();
    assertThat(heard.poll(5, TimeUnit.SECONDS)).isEqualTo(SignalResponse.newBuilder().setPong(7).build());
    assertThat((String) heard.poll(5, TimeUnit.SECONDS)).startsWith("1006 ");
    assertThat(client.isOpen()).isFalse();
  }

  @Test
  void aMalformedMessageEndsTheConnectionAsAProtocolError() throws Exception {
    serve(socket -> {
      socket.getOutputStream().write(switchingProtocols(readRequest(socket.getInputStream())));
      socket.getOutputStream().write(frame(0x2, new byte[] {0x0a, 0x7f, 0x01})); // a field longer than the message
      socket.getInputStream().read();
    });
    open();
    assertThat((String) heard.poll(5, TimeUnit.SECONDS)).startsWith("1002 malformed signal message");
  }

  @Test
  void closingBeforeTheUpgradeIsAnsweredTellsNobody() throws Exception {
    CompletableFuture<Void> requested = new CompletableFuture<>();
    serve(socket -> {
      readRequest(socket.getInputStream());
      requested.complete(null);
      socket.getInputStream().read();
    });
    SignalClient client = open();
    requested.get(5, TimeUnit.SECONDS);
    client.close();
    assertThatThrownBy(() -> client.opened().get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
    assertThat(heard.poll(300, TimeUnit.MILLISECONDS)).isNull();
  }

  @Test
  void nothingListeningFailsOpeningWithAConnectException() throws Exception {
    int port = server.getLocalPort();
    server.close();
    SignalClient client = SignalClient.open(URI.create("ws://127.0.0.1:" + port + "/rtc/v1"), "t",
        Duration.ofSeconds(5), handler, LOOPS.next());
    assertThatThrownBy(() -> client.opened().get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
        .cause().isInstanceOf(java.net.ConnectException.class);
  }

  private interface Conversation {
    void run(Socket socket) throws Exception;
  }

  private void serve(Conversation conversation) {
    Thread.ofVirtual().start(() -> {
      try (Socket socket = server.accept()) {
        conversation.run(socket);
      } catch (Exception e) {
        // the client went away; the test's assertions say what that means
      }
    });
  }

  private static String readRequest(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("the client closed during its request");
      }
      head.write(b);
    }
    return head.toString(StandardCharsets.US_ASCII);
  }

  private static String header(String request, String name) {
    Matcher m = Pattern.compile("(?im)^" + name + ":\\s*([^\\r\\n]*)").matcher(request);
    return m.find() ? m.group(1) : null;
  }

  /** The 101 answering {@code request} (RFC 6455 §4.2.2). */
  private static byte[] switchingProtocols(String request) throws Exception {
    String key = header(request, "Sec-WebSocket-Key");
    byte[] digest = MessageDigest.getInstance("SHA-1")
        .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII));
    return ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: "
        + Base64.getEncoder().encodeToString(digest) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
  }

  /** A server's frame: final, unmasked. */
  private static byte[] frame(int opcode, byte[] payload) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0x80 | opcode);
    if (payload.length < 126) {
      out.write(payload.length);
    } else if (payload.length < 65536) {
      out.write(126);
      out.write(payload.length >> 8);
      out.write(payload.length);
    } else {
      out.write(127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        out.write((int) ((long) payload.length >> shift));
      }
    }
    out.writeBytes(payload);
    return out.toByteArray();
  }

  private static byte[] closePayload(int code, String reason) {
    byte[] text = reason.getBytes(StandardCharsets.UTF_8);
    byte[] payload = new byte[2 + text.length];
    payload[0] = (byte) (code >> 8);
    payload[1] = (byte) code;
    System.arraycopy(text, 0, payload, 2, text.length);
    return payload;
  }

  /** A client's frame (masked, as RFC 6455 §5.3 requires of clients); its unmasked payload. */
  private static byte[] readClientFrame(DataInputStream in) throws IOException {
    in.readUnsignedByte(); // FIN and opcode
    int second = in.readUnsignedByte();
    assertThat(second & 0x80).as("client frames are masked").isNotZero();
    long length = second & 0x7f;
    if (length == 126) {
      length = in.readUnsignedShort();
    } else if (length == 127) {
      length = in.readLong();
    }
    byte[] mask = in.readNBytes(4);
    byte[] payload = in.readNBytes((int) length);
    for (int i = 0; i < payload.length; i++) {
      payload[i] ^= mask[i % 4];
    }
    return payload;
  }
}
