package io.osprey.server.routing;

import com.google.protobuf.Message;
import io.osprey.protocol.auth.AccessToken;
import io.osprey.protocol.auth.VideoGrant;
import io.osprey.server.OspreyServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** RoomService over HTTP (protobuf) against one node, as a server SDK calls it. */
final class TwirpClient {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** An answer: the message on 200, else the status and the Twirp error JSON. */
  record Answer<M extends Message>(int status, M message, String error) {
    M ok() {
      if (status != 200) {
        throw new AssertionError("expected 200, got " + status + ": " + error);
      }
      return message;
    }
  }

  private final String base;

  TwirpClient(OspreyServer node) {
    this("http://127.0.0.1:" + node.httpAddresses().get(0).getPort());
  }

  TwirpClient(String base) {
    this.base = base;
  }

  /** A token for every RoomService method on {@code room}. */
  static String admin(String room) {
    return new AccessToken("devkey", "secret").identity("admin")
        .video(VideoGrant.builder().roomCreate(true).roomList(true).roomAdmin(true).room(room).build()).toJwt();
  }

  <M extends Message> Answer<M> call(String method, Message request, String room, M responseType) {
    return call(method, request, room, responseType, Map.of());
  }

  @SuppressWarnings("unchecked")
  <M extends Message> Answer<M> call(String method, Message request, String room, M responseType,
                                     Map<String, String> headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/twirp/livekit.RoomService/" + method))
        .timeout(Duration.ofSeconds(15))
        .header("Content-Type", "application/protobuf")
        .header("Authorization", "Bearer " + admin(room))
        .POST(HttpRequest.BodyPublishers.ofByteArray(request.toByteArray()));
    headers.forEach(b::header);
    try {
      HttpResponse<byte[]> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      if (r.statusCode() == 200) {
        return new Answer<>(200, (M) responseType.getParserForType().parseFrom(r.body()), "");
      }
      return new Answer<>(r.statusCode(), null, new String(r.body(), java.nio.charset.StandardCharsets.UTF_8));
    } catch (Exception e) {
      throw new AssertionError("RoomService." + method + " on " + base + " failed: " + e, e);
    }
  }
}
