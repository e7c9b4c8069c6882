package io.osprey.e2e.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.livekit.server.RoomServiceClient;
import io.osprey.e2e.NodeScripts;
import io.osprey.protocol.json.ProtoJson;
import io.osprey.server.OspreyServer;
import io.osprey.server.config.ConfigLoader;
import io.osprey.server.config.ServerOptions;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Clients nobody here wrote, against a running Osprey: LiveKit's Node server SDK
 * (livekit-server-sdk, pinned in e2e/js) mints tokens, drives every RoomService method and
 * verifies Osprey's webhooks with its own WebhookReceiver; LiveKit's Kotlin/Java SDK
 * (io.livekit:livekit-server) does the same calls over Twirp protobuf.
 */
class LiveKitServerSdkInteropTest {

  private static OspreyServer start(int webhookPort) throws Exception {
    ServerOptions o = new ServerOptions();
    new CommandLine(o).parseArgs("--dev", "--bind", "127.0.0.1", "--config-body",
        "port: 0\nrtc:\n  udp_port: 0\n  tcp_port: 0\nwebhook:\n  api_key: devkey\n  urls: [\"http://127.0.0.1:" + webhookPort + "/\"]\n");
    return OspreyServer.start(new ConfigLoader(k -> null).load(o).config(), InstantSource.system());
  }

  @Test
  void nodeServerSdkDrivesEveryRoomServiceMethodAndVerifiesWebhooks() throws Exception {
    int hookPort = NodeScripts.freePort();
    try (OspreyServer server = start(hookPort)) {
      String url = "http://127.0.0.1:" + server.httpAddresses().get(0).getPort();
      Struct result = ProtoJson.parseObject(NodeScripts.run("controlplane/roomservice.mjs", 60, url, String.valueOf(hookPort)));
      Map<String, Value> r = result.getFieldsMap();
      assertThat(r).doesNotContainKey("error");
      Map<String, Value> steps = r.get("steps").getStructValue().getFieldsMap();

      assertThat(steps.get("tokenVerifiesWithSdk").getBoolValue()).isTrue();
      assertThat(steps.get("validate").getStringValue()).isEqualTo("200 success");
      Map<String, Value> created = steps.get("create").getStructValue().getFieldsMap();
      assertThat(created.get("name").getStringValue()).isEqualTo("interop");
      assertThat(created.get("sid").getStringValue()).startsWith("RM_");
      assertThat(created.get("emptyTimeout").getNumberValue()).isEqualTo(120);
      assertThat(created.get("maxParticipants").getNumberValue()).isEqualTo(9);
      assertThat(created.get("metadata").getStringValue()).isEqualTo("hello");
      assertThat(strings(steps.get("list"))).containsExactly("interop", "interop-2");
      assertThat(strings(steps.get("listFiltered"))).containsExactly("interop-2");
      assertThat(steps.get("updateMetadata").getStringValue()).isEqualTo("updated");
      assertThat(steps.get("listParticipants").getNumberValue()).isZero();
      for (String method : List.of("getParticipant", "removeParticipant", "mutePublishedTrack", "updateParticipant",
          "updateSubscriptions")) {
        assertThat(steps.get(method).getStringValue()).as(method).isEqualTo("not_found");
      }
      assertThat(steps.get("sendData").getStringValue()).isEqualTo("ok");
      assertThat(steps.get("deleteRoom").getStringValue()).isEqualTo("ok");
      assertThat(steps.get("deleteMissing").getStringValue()).isEqualTo("not_found");
      assertThat(steps.get("badKey").getNumberValue()).isEqualTo(401);

      assertThat(r.get("webhookErrors").getListValue().getValuesList()).isEmpty();
      List<String> webhooks = r.get("webhooks").getListValue().getValuesList().stream()
          .map(v -> v.getStructValue().getFieldsMap())
          .map(w -> w.get("event").getStringValue() + " " + w.get("room").getStringValue()).toList();
      assertThat(webhooks).contains("room_started interop", "room_started interop-2", "room_finished interop",
          "room_finished interop-2");
      assertThat(webhooks.indexOf("room_started interop")).isLessThan(webhooks.indexOf("room_finished interop"));
      Map<String, Value> first = r.get("webhooks").getListValue().getValues(0).getStructValue().getFieldsMap();
      assertThat(first.get("contentType").getStringValue()).isEqualTo("application/webhook+json");
      assertThat(first.get("userAgent").getStringValue()).isEqualTo("LiveKit");
      assertThat(first.get("id").getStringValue()).startsWith("EV_");
    }
  }

  @Test
  void kotlinServerSdkSpeaksProtobufTwirpToOsprey() throws Exception {
    try (OspreyServer server = start(NodeScripts.freePort())) {
      String url = "http://127.0.0.1:" + server.httpAddresses().get(0).getPort();
      RoomServiceClient client = RoomServiceClient.Companion.createClient(url, "devkey", "secret");
      var created = client.createRoom("kotlin-room", 60, 4, null, "meta").execute();
      assertThat(created.isSuccessful()).isTrue();
      assertThat(created.body().getName()).isEqualTo("kotlin-room");
      assertThat(created.body().getMaxParticipants()).isEqualTo(4);
      var rooms = client.listRooms().execute().body();
      assertThat(rooms).extracting(livekit.LivekitModels.Room::getName).contains("kotlin-room");
      assertThat(client.updateRoomMetadata("kotlin-room", "new").execute().body().getMetadata()).isEqualTo("new");
      assertThat(client.listParticipants("kotlin-room").execute().body()).isEmpty();
      var missing = client.getParticipant("kotlin-room", "nobody").execute();
      assertThat(missing.code()).isEqualTo(404);
      assertThat(client.deleteRoom("kotlin-room").execute().isSuccessful()).isTrue();
      assertThat(client.deleteRoom("kotlin-room").execute().code()).isEqualTo(404);
    }
  }

  private static List<String> strings(Value v) {
    return v.getListValue().getValuesList().stream().map(Value::getStringValue).toList();
  }
}
