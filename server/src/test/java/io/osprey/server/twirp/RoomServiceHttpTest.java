package io.osprey.server.twirp;

import static org.assertj.core.api.Assertions.assertThat;

import io.osprey.protocol.auth.AccessToken;
import io.osprey.protocol.auth.VideoGrant;
import io.osprey.protocol.livekit.LivekitModels;
import io.osprey.protocol.livekit.LivekitRoom.CreateRoomRequest;
import io.osprey.protocol.livekit.LivekitRoom.ListRoomsResponse;
import io.osprey.server.OspreyServer;
import io.osprey.server.TestServers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** RoomService over real HTTP: every error path answers exactly as livekit-server, and the server keeps serving. */
class RoomServiceHttpTest {
  private static OspreyServer server;
  private static String base;
  private static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    server = TestServers.dev("limit:\n  max_api_request_body_size: 4096\n  max_metadata_size: 100\n");
    base = TestServers.baseUrl(server);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static String token(VideoGrant grant) {
    return new AccessToken("devkey", "secret").identity("admin").video(grant).toJwt();
  }

  private static String admin(String room) {
    return token(VideoGrant.builder().roomCreate(true).roomList(true).roomAdmin(true).room(room).build());
  }

  private static HttpResponse<String> post(String path, String contentType, byte[] body, String auth) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    if (auth != null) {
      b.header("Authorization", auth);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> json(String method, String body, String token) throws Exception {
    return post("/twirp/livekit.RoomService/" + method, "application/json", body.getBytes(), token == null ? null : "Bearer " + token);
  }

  private static void serverStillServes() throws Exception {
    assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/")).build(), HttpResponse.BodyHandlers.ofString()).body())
        .isEqualTo("OK");
  }

  @Test
  void createsListsUpdatesAndDeletesRoomsInJson() throws Exception {
    String t = admin("json-room");
    HttpResponse<String> created = json("CreateRoom", "{\"name\":\"json-room\",\"emptyTimeout\":33,\"metadata\":\"m\"}", t);
    assertThat(created.statusCode()).isEqualTo(200);
    assertThat(created.headers().firstValue("content-type")).hasValue("application/json");
    // snake_case names, defaults emitted, int64 as strings
    assertThat(created.body()).contains("\"name\":\"json-room\"", "\"empty_timeout\":33", "\"num_participants\":0",
        "\"creation_time\":\"", "\"sid\":\"RM_");
    assertThat(json("CreateRoom", "{\"name\":\"json-room\"}", t).body()).contains("\"empty_timeout\":33");
    assertThat(json("ListRooms", "{\"names\":[\"json-room\"]}", t).body()).contains("json-room");
    assertThat(json("UpdateRoomMetadata", "{\"room\":\"json-room\",\"metadata\":\"new\"}", t).body()).contains("\"metadata\":\"new\"");
    assertThat(json("DeleteRoom", "{\"room\":\"json-room\"}", t).body()).isEqualTo("{}");
    HttpResponse<String> again = json("DeleteRoom", "{\"room\":\"json-room\"}", t);
    assertThat(again.statusCode()).isEqualTo(404);
    assertThat(again.body()).isEqualTo("{\"code\":\"not_found\",\"msg\":\"requested room does not exist\"}");
  }

  @Test
  void speaksProtobufToo() throws Exception {
    String t = admin("pb-room");
    HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(base + "/twirp/livekit.RoomService/CreateRoom"))
        .header("Content-Type", "application/protobuf").header("Authorization", "Bearer " + t)
        .POST(HttpRequest.BodyPublishers.ofByteArray(CreateRoomRequest.newBuilder().setName("pb-room").build().toByteArray()))
        .build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(LivekitModels.Room.parseFrom(r.body()).getName()).isEqualTo("pb-room");
    HttpResponse<byte[]> list = http.send(HttpRequest.newBuilder(URI.create(base + "/twirp/livekit.RoomService/ListRooms"))
        .header("Content-Type", "application/protobuf; charset=utf-8").header("Authorization", "Bearer " + t)
        .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[0])).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(ListRoomsResponse.parseFrom(list.body()).getRoomsList()).extracting(LivekitModels.Room::getName).contains("pb-room");
  }

  @Test
  void checksTheGrantEachMethodNeeds() throws Exception {
    String joinOnly = token(VideoGrant.builder().roomJoin(true).room("g").build());
    for (String m : new String[] {"CreateRoom", "ListRooms", "DeleteRoom"}) {
      HttpResponse<String> r = json(m, "{\"name\":\"g\",\"room\":\"g\"}", joinOnly);
      assertThat(r.statusCode()).as(m).isEqualTo(401);
      assertThat(r.body()).isEqualTo("{\"code\":\"unauthenticated\",\"msg\":\"permissions denied\"}");
    }
    json("CreateRoom", "{\"name\":\"g\"}", admin("g"));
    HttpResponse<String> otherRoom = json("ListParticipants", "{\"room\":\"g\"}", admin("not-g"));
    assertThat(otherRoom.statusCode()).isEqualTo(401);
    assertThat(json("ListParticipants", "{\"room\":\"g\"}", admin("g")).body()).isEqualTo("{\"participants\":[]}");
    HttpResponse<String> noOne = json("GetParticipant", "{\"room\":\"g\",\"identity\":\"ghost\"}", admin("g"));
    assertThat(noOne.statusCode()).isEqualTo(404);
    assertThat(noOne.body()).contains("\"code\":\"not_found\"", "participant does not exist");
    assertThat(json("ListRooms", "{}", null).statusCode()).isEqualTo(401);
  }

  @Test
  void refusesBadTokensWithPlainText401() throws Exception {
    String expired = new AccessToken("devkey", "secret").identity("a").video(VideoGrant.builder().roomList(true).build())
        .clock(InstantSource.fixed(Instant.now().minus(Duration.ofHours(7)))).toJwt();
    String future = new AccessToken("devkey", "secret").identity("a").video(VideoGrant.builder().roomList(true).build())
        .notBefore(Instant.now().plus(Duration.ofHours(1))).toJwt();
    String wrongKey = new AccessToken("devkey", "wrong").identity("a").video(VideoGrant.builder().roomList(true).build()).toJwt();
    String good = admin("x");
    String tampered = good.substring(0, good.length() - 3) + (good.endsWith("AAA") ? "BBB" : "AAA");
    for (String bad : new String[] {expired, future, wrongKey, tampered, "garbage"}) {
      HttpResponse<String> r = json("ListRooms", "{}", bad);
      assertThat(r.statusCode()).isEqualTo(401);
      assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
    }
    HttpResponse<String> basic = post("/twirp/livekit.RoomService/ListRooms", "application/json", "{}".getBytes(), "Basic abc");
    assertThat(basic.statusCode()).isEqualTo(401);
    assertThat(basic.body()).contains("Must start with Bearer");
    serverStillServes();
  }

  @Test
  void answersRoutingAndEncodingErrorsInTwirpJson() throws Exception {
    String t = admin("e");
    assertThat(json("NoSuchMethod", "{}", t).body()).startsWith("{\"code\":\"bad_route\"");
    assertThat(post("/twirp/livekit.RoomService/ListRooms", "text/plain", "{}".getBytes(), "Bearer " + t).body())
        .startsWith("{\"code\":\"bad_route\"");
    HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create(base + "/twirp/livekit.RoomService/ListRooms")).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(get.statusCode()).isEqualTo(404);
    assertThat(get.body()).startsWith("{\"code\":\"bad_route\"");
    HttpResponse<String> malformed = json("CreateRoom", "{\"name\":", t);
    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(malformed.body()).startsWith("{\"code\":\"malformed\"");
    HttpResponse<String> badProto = post("/twirp/livekit.RoomService/CreateRoom", "application/protobuf",
        new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff}, "Bearer " + t);
    assertThat(badProto.body()).startsWith("{\"code\":\"malformed\"");
    HttpResponse<String> egress = post("/twirp/livekit.Egress/ListEgress", "application/json", "{}".getBytes(), "Bearer " + t);
    assertThat(egress.statusCode()).isEqualTo(501);
    assertThat(egress.body()).startsWith("{\"code\":\"unimplemented\"");
    assertThat(json("MoveParticipant", "{}", t).statusCode()).isEqualTo(501);
    serverStillServes();
  }

  @Test
  void enforcesSizeLimits() throws Exception {
    String t = admin("big");
    HttpResponse<String> tooBig = post("/twirp/livekit.RoomService/CreateRoom", "application/json", new byte[5000], "Bearer " + t);
    assertThat(tooBig.statusCode()).isEqualTo(413);
    HttpResponse<String> meta = json("CreateRoom", "{\"name\":\"big\",\"metadata\":\"" + "x".repeat(101) + "\"}", t);
    assertThat(meta.statusCode()).isEqualTo(400);
    assertThat(meta.body()).isEqualTo("{\"code\":\"invalid_argument\",\"msg\":\"metadata size exceeds limits\"}");
    serverStillServes();
  }

  @Test
  void collapsesDoubleSlashesAndAnswersCorsPreflights() throws Exception {
    String t = admin("c");
    assertThat(post("//twirp/livekit.RoomService/ListRooms", "application/json", "{}".getBytes(), "Bearer " + t).statusCode())
        .isEqualTo(200);
    HttpResponse<String> preflight = http.send(HttpRequest.newBuilder(URI.create(base + "/twirp/livekit.RoomService/ListRooms"))
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", "https://app.example")
        .header("Access-Control-Request-Method", "POST").header("Access-Control-Request-Headers", "authorization,content-type")
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(preflight.statusCode()).isEqualTo(204);
    assertThat(preflight.headers().firstValue("access-control-allow-origin")).hasValue("*");
    assertThat(preflight.headers().firstValue("access-control-max-age")).hasValue("86400");
    assertThat(preflight.headers().firstValue("access-control-allow-methods").orElse("")).contains("POST", "DELETE");
  }

  @Test
  void validatesJoinTokensOnRtcValidate() throws Exception {
    String join = new AccessToken("devkey", "secret").identity("u").video(VideoGrant.builder().roomJoin(true).room("v").build()).toJwt();
    HttpResponse<String> ok = http.send(HttpRequest.newBuilder(URI.create(base + "/rtc/validate?access_token=" + join)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.body()).isEqualTo("success");
    HttpResponse<String> noJoin = http.send(HttpRequest.newBuilder(URI.create(base + "/rtc/validate?access_token=" + admin("v"))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(noJoin.statusCode()).isEqualTo(401);
  }
}
